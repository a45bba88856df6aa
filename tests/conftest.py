"""Shared fixtures: a real store file in a temp dir and the real CLI as a subprocess."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED = Path(os.environ.get("NEGTRACK_SHARED", ROOT.parent / "shared"))


@dataclass
class Result:
    code: int
    out: str
    err: str


# One cache folder for the whole run, set before any test module imports
# negtrack: the tests (and the CLI runs they start) fill a cache of their own,
# not the user's, which would otherwise keep the test codebooks' patterns.
_CACHE = tempfile.mkdtemp(prefix="negtrack-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)


@pytest.fixture
def env(tmp_path):
    """Environment for a CLI run: its own store, config and data dirs."""
    e = dict(os.environ)
    e["NEGTRACK_DB"] = str(tmp_path / "store.db")
    e["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    e["XDG_DATA_HOME"] = str(tmp_path / "data")
    e.pop("NEGTRACK_CODEBOOK", None)
    e.pop("NEGTRACK_DEBUG", None)
    e["COLUMNS"] = "200"
    return e


@pytest.fixture
def cli(env, tmp_path):
    """Run `negtrack ARGS...` for real; returns code, stdout, stderr."""

    def run(*args, input: bytes | str | None = None, cwd=None, extra_env=None) -> Result:
        if isinstance(input, str):
            input = input.encode("utf-8")
        run_env = dict(env, **(extra_env or {}))
        p = subprocess.run(
            [sys.executable, "-m", "negtrack", *map(str, args)],
            input=input,
            capture_output=True,
            env=run_env,
            cwd=cwd or tmp_path,
            timeout=120,
        )
        return Result(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))

    return run


@pytest.fixture
def db(tmp_path):
    from negtrack import db as dbmod

    return dbmod.connect(tmp_path / "lib.db")


def needs_shared(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is absent (a user's clone)."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"needs shared data: {'/'.join(parts)}")
    return p
