"""Nothing leaves the machine: add, explain, dump, backup and every view run with sockets disabled.

A ``sitecustomize.py`` on PYTHONPATH (imported by every Python at start-up)
replaces ``socket.socket``, ``socket.create_connection`` and
``socket.getaddrinfo`` with functions that record the attempt in a file and
raise. Every command must succeed, and the file must stay empty: nothing even
tried to connect.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import SAMPLES

SITECUSTOMIZE = '''
import os, socket

_LOG = os.environ["NETWORK_ATTEMPTS"]


def _refuse(*args, **kwargs):
    import traceback
    with open(_LOG, "a") as f:
        f.write("".join(traceback.format_stack(limit=8)) + "\\n")
    raise OSError("network disabled by the test")


class _NoSocket(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        if family == getattr(socket, "AF_UNIX", None):  # local IPC (multiprocessing) is not the network
            super().__init__(family, *args, **kwargs)
            return
        _refuse()


socket.socket = _NoSocket
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
socket.gethostbyname = _refuse
'''


def test_commands_work_with_the_network_disabled(tmp_path, env):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "attempts.log"
    log.write_text("")
    run_env = dict(env, PYTHONPATH=os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")])),
                   NETWORK_ATTEMPTS=str(log))
    # The trap itself works.
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('example.org', 80))"],
                           env=run_env, capture_output=True)
    assert probe.returncode != 0 and log.read_text()
    log.write_text("")

    article = sorted((SAMPLES / "russia-nato-2022").glob("*.txt"))[0]
    commands = [
        ["add", SAMPLES / "russia-nato-2022"],
        ["add", SAMPLES / "us-debt-ceiling-2023", "--codebook", "us-debt-ceiling-2023", "--jobs", "2"],
        ["explain", article, "--json"],
        ["timeline"], ["timeline", "--json"], ["status"], ["status", "--json"], ["articles", "--search", "NATO"],
        ["show", "1"], ["export", "--format", "csv"], ["actors"], ["issues"], ["demands"],
        ["changes", "--since", "2022-01-01"], ["report", "--format", "html", "-o", tmp_path / "r.html"],
        ["report", "--format", "md"], ["db", "status"], ["codebook", "list"],
        ["dump", "-o", tmp_path / "d.jsonl"], ["db", "backup", tmp_path / "b.db"],
        ["--db", tmp_path / "fresh.db", "import", tmp_path / "d.jsonl"],
    ]
    for args in commands:
        r = subprocess.run([sys.executable, "-m", "negtrack", *map(str, args)], env=run_env, cwd=tmp_path,
                           capture_output=True, timeout=120)
        assert r.returncode == 0, (args, r.stderr.decode())
        assert log.read_text() == "", (args, log.read_text())
    # The report loads nothing from elsewhere when opened (links to sources are fine).
    html = (tmp_path / "r.html").read_text()
    assert not re.search(r"""\bsrc\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"""<link[^>]+href\s*=\s*["']?(https?:)?//""", html)
