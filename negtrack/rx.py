"""``rx.compile``: ``re.compile`` with the compiled programs kept between runs.

Design decisions:

* **Why.** negtrack compiles several hundred regular expressions per process
  (codebook names and cues, stance cues, the date rules, the word index's
  scanners). Python's ``re`` parses and compiles each one in Python code:
  about 80 ms per run, the largest fixed cost of ``negtrack add`` after the
  interpreter itself, and paid again by every cron run.
* **What is kept.** For each (pattern, flags): what ``re._compiler.compile``
  hands to ``_sre.compile`` (final flags, the program, group count and
  names). Rebuilding a pattern from that skips the parser and code
  generator: about 4 ms for all of them instead of 80. ``_sre`` checks every
  program it is given and raises on a malformed one, so a damaged cache
  cannot produce a broken pattern, only a fallback.
* **Where.** ``rx-<key>.marshal`` in the cache folder (``negtrack.cachefile``),
  one file per Python build: the key is ``sys.version`` and ``_sre.MAGIC``,
  so another interpreter never reads a program it did not write. The file
  is loaded on the first compile and written (atomically, at exit) only when
  a run compiled something new.
  Anything that goes wrong reading, rebuilding or writing falls back to
  plain ``re.compile``: the cache only ever saves time.
* Only negtrack's own patterns go through here; ``re`` itself is not patched.
"""

from __future__ import annotations

import re
import sys

_MAX_ENTRIES = 20_000  # a cache that grew past this (many codebooks) is started afresh

_memo: dict | None = None  # (pattern, flags) -> compiled Pattern, this process
_kept: dict | None = None  # (pattern, flags) -> program tuple, as on disk
_dirty = False
_enabled = True


def _cache_file() -> str | None:
    try:
        import zlib

        import _sre
    except ImportError:
        return None
    from negtrack import cachefile

    key = zlib.crc32(f"{sys.version}\n{sys.implementation.name}\n{_sre.MAGIC}".encode("utf-8", "replace"))
    return cachefile.path(f"rx-{key:08x}.marshal")


def _load() -> None:
    global _memo, _kept, _enabled
    _memo, _kept = {}, {}
    try:
        import _sre  # noqa: F401 - the rebuild below needs it
        from re import _compiler, _parser  # noqa: F401 - the program is made the same way
    except ImportError:
        _enabled = False
        return
    path = _cache_file()
    if path is None:
        _enabled = False
        return
    from negtrack import cachefile

    data = cachefile.read(path)
    try:
        import marshal

        got = marshal.loads(data) if data else {}  # (marshal.load(file) reads item by item: 30x slower)
        if isinstance(got, dict):
            _kept = got
    except Exception:  # damaged: start afresh
        _kept = {}
    import atexit

    atexit.register(_save)


def _program(pattern, flags: int) -> tuple:
    """What ``re._compiler.compile`` would give ``_sre.compile`` for this pattern."""
    from re import _compiler, _parser

    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = dict(p.state.groupdict)
    indexgroup = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return (int(flags | p.state.flags), [int(c) for c in code], p.state.groups - 1, groupindex, tuple(indexgroup))


def _rebuild(pattern, program: tuple) -> re.Pattern:
    import _sre

    flags, code, groups, groupindex, indexgroup = program
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def compile(pattern, flags: int = 0) -> re.Pattern:  # noqa: A001 - the same name as re.compile, on purpose
    """``re.compile(pattern, flags)``, from the cache when it holds the program."""
    global _dirty, _enabled
    if _memo is None:
        _load()
    flags = int(flags)
    key = (pattern, flags)
    got = _memo.get(key)
    if got is not None:
        return got
    if not _enabled or not isinstance(pattern, (str, bytes)) or flags & re.DEBUG:
        got = re.compile(pattern, flags)
    else:
        program = _kept.get(key)
        got = None
        if program is not None:
            try:
                got = _rebuild(pattern, program)
            except Exception:  # a damaged entry: compile it afresh below
                got = None
        if got is None:
            try:
                program = _program(pattern, flags)
                got = _rebuild(pattern, program)
                _kept[key] = program
                _dirty = True
            except re.error:
                raise
            except Exception:  # an re internals change: plain compiling from now on
                _enabled = False
                got = re.compile(pattern, flags)
    _memo[key] = got
    return got


def _save() -> None:
    """Write the cache if this run added to it (atomically; failures are ignored)."""
    global _dirty
    if not _dirty or not _enabled:
        return
    _dirty = False
    path = _cache_file()
    if path is None:
        return
    import marshal

    from negtrack import cachefile

    kept = _kept if len(_kept) <= _MAX_ENTRIES else {}
    try:
        data = marshal.dumps(kept)
    except ValueError:
        return
    cachefile.write(path, data, "rx-")
