"""Files negtrack keeps in the user's cache folder to start faster.

Design decisions:

* The folder is ``$XDG_CACHE_HOME/negtrack/`` (else ``~/.cache/negtrack/``).
  Nothing in it is needed: a cache that is missing, unreadable or damaged
  only costs the time it was meant to save, so every failure here is ignored.
* Each kind of cache has a name prefix and a key in its file name (the
  versions its contents depend on). Writing a new file removes the others
  of its kind, so upgrades and edits never pile up stale copies.
* Writes are atomic (a temporary file renamed over the target), so
  processes running at once never read half a file.
"""

from __future__ import annotations

import os


def path(name: str) -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "negtrack", name)


def read(file: str) -> bytes | None:
    try:
        with open(file, "rb") as f:
            return f.read()
    except OSError:
        return None


def write(file: str, data: bytes, kind: str, keep: str | None = None) -> None:
    """Write ``data`` to ``file`` atomically, then remove the other ``kind*`` files
    beside it, except those named ``keep*`` (files of the same version, when a
    kind holds several: the help of each command)."""
    import tempfile

    folder, name = os.path.split(file)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{kind}")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, file)
        except BaseException:
            os.unlink(tmp)
            raise
        for entry in os.scandir(folder):
            if entry.name.startswith(kind) and entry.name != name and not (keep and entry.name.startswith(keep)):
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
    except Exception:
        pass
