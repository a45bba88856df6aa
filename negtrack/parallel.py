"""Extraction in worker processes with one writer: ``negtrack add --jobs N``.

Design decisions:

* **Workers read and extract, the parent alone writes.** Reading (decoding,
  HTML) and extraction are pure CPU work on one file; SQLite wants a single
  writer. Each worker gets a file path (or, for stdin, articles the parent
  read), returns plain data (the articles and their positions), and the
  parent stores each article in its own transaction exactly as the serial
  ``ingest.add_paths`` does.
* **Same order, same store.** Results are consumed in input order, so
  article ids, the export and the messages are identical to a serial run
  (a test compares the exports).
* **Bounded memory.** At most ``WINDOW × jobs`` files are in flight; a huge
  folder never piles up finished extractions waiting for the writer.
* **Workers are never kept waiting.** Each worker has up to ``DEPTH`` (6)
  files queued on its pipe (while their paths surely fit in its buffer), and
  up to ``WINDOW`` (16) files per worker may be out at once. The writer is
  away for long stretches: storing a transcript with a hundred positions, or
  waiting its turn for a CPU the two workers share with it. With 2 queued and
  4 out per worker, each worker of a two-job add of 1,088 texts sat waiting
  for a file 0.45–0.70 s of 5.6 s; with 6 and 16, 0.1–0.2 s. The speed-up
  (``--jobs 1`` time over ``--jobs 2``, medians, taking turns) went from
  1.76–1.83× to 1.86–1.91× there, from 1.60–1.76× to 1.82–1.86× on 272 texts
  and from 1.25–1.38× to 1.33–1.45× on 68. Either change alone helped
  little: a deeper queue stalls on the window, a wider window on the queue.
* **Plain processes and pipes, not ``multiprocessing.Pool``.** Each worker
  has its own pipe; the parent sends it files while it has fewer than
  ``DEPTH`` and reads whichever answers (``connection.wait``). Pool's three
  helper threads cost the parent about 0.4 ms of CPU per task (measured:
  0.125 s against 0.028 s for 272 tasks), taken from the two CPUs the
  workers share with it. A worker that dies is noticed (its pipe closes, or
  a send to it fails) instead of waited for.
* **Known content is skipped before extraction**, as in the serial path:
  each worker opens the store read-only (WAL lets it read while the parent
  writes) and looks the article's hash up. A duplicate inside the batch is
  still extracted twice, then stored once (the writer reports it unchanged).
* **fork where the platform has it** (no re-import of negtrack per worker,
  the codebook is inherited, not pickled); spawn elsewhere. Before forking
  the parent warms the engine (``pipeline.warm``: imports, the codebook's
  compiled patterns, the regexes compiled on first use), so no worker
  repeats that fixed cost.
* **The store opens while the workers start.** ``add`` hands over a
  ``db.Opener``; it runs in a thread once the workers have their first files,
  and this process keeps feeding them, holding up to ``HOLD`` answers until
  the store is there. Opened in line, a new store (~0.09 s) left both workers
  idle once their first two files were done: 9 % of a two-worker ``add`` of
  the corpus, measured side by side.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sqlite3
from collections import deque
from itertools import islice
from pathlib import Path

from negtrack.errors import InputError

_STATE: dict = {}


def _init(book, overrides, max_bytes, db_file) -> None:
    _STATE.update(book=book, overrides=overrides, max_bytes=max_bytes, db_file=db_file, conn=None)


def _known(content_hash: str) -> bool:
    db_file = _STATE.get("db_file")
    if not db_file:
        return False
    conn = _STATE.get("conn")
    if conn is None:
        try:
            conn = sqlite3.connect(Path(db_file).resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            _STATE["db_file"] = None
            return False
        _STATE["conn"] = conn
    try:
        row = conn.execute("SELECT 1 FROM articles WHERE hash = ?", [content_hash]).fetchone()
    except sqlite3.Error:  # a store still being created: nothing in it is known yet
        return False
    return row is not None


def extract_task(task):
    """One file (a path, or ``(name, articles)`` read by the parent) → what the writer needs.

    Returns ``("skip", path, reason)`` or ``("ok", path, [(article, known, published, positions), ...])``.
    """
    from negtrack import pipeline, read

    book, ov = _STATE["book"], _STATE["overrides"]
    if isinstance(task, tuple) and task[0] == "skip":  # stdin the parent could not read
        return task
    if isinstance(task, str):
        path = task
        try:
            articles = read.read_path(path, max_bytes=_STATE["max_bytes"])
        except InputError as e:
            return ("skip", path, str(e))
    else:
        path, articles = task
    out = []
    for a in articles:
        a = read.apply_overrides(a, published=ov.published, title=ov.title, source=ov.source, url=ov.url)
        if _known(a.content_hash):
            out.append((a, True, None, None))
            continue
        ex = pipeline.extract(a, book, trace=False)
        out.append((a, False, ex.published, ex.positions))
    return ("ok", path, out)


def _serve(conn, fn, initargs) -> None:
    """A worker: ``_init(*initargs)``, then answer each task on ``conn`` with ``fn(task)``."""
    import signal
    from multiprocessing.reduction import ForkingPickler

    # Ctrl-C reaches the whole process group: the parent handles it and stops
    # the workers, which would otherwise each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init(*initargs)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        try:
            answer = ("ok", fn(task))
        except BaseException as e:  # noqa: BLE001 - handed to the parent, which raises it
            answer = ("error", e)
        # Pickled here (as ``send`` would), so an unpicklable answer becomes an error to send.
        try:
            data = ForkingPickler.dumps(answer)
        except Exception as e:  # noqa: BLE001
            data = ForkingPickler.dumps(("error", RuntimeError(f"{type(e).__name__}: {e}")))
        try:
            conn.send_bytes(data)
        except OSError:
            return  # the parent is gone


class WorkerDied(RuntimeError):
    pass


def ordered_map(fn, items, jobs: int, initargs, window: int | None = None, started=None):
    """``fn(item)`` for each item, run in ``jobs`` worker processes, yielded in input order.

    At most ``window`` (``WINDOW × jobs``) items are out at once, at most
    ``DEPTH`` on one worker. An exception in ``fn`` is raised here in its
    item's turn, after the answers before it; ``WorkerDied`` is raised as
    soon as a worker stops unasked. ``started()`` is called once the workers
    have their first items: work for this process while they extract.
    """
    from multiprocessing.connection import wait

    ctx = _context()
    window = window or WINDOW * jobs
    procs, conns = [], []
    finished = False
    try:
        for _ in range(jobs):
            mine, theirs = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(theirs, fn, initargs), daemon=True)
            proc.start()
            theirs.close()
            procs.append(proc)
            conns.append(mine)
        out: dict[int, object] = {}  # answers that came before their turn
        inflight = {c: deque() for c in conns}  # each pipe's items (turn, bytes), in the order sent
        it = iter(items)
        sent = done = 0
        ahead = next(it, _END)

        def feed(conn) -> None:
            nonlocal sent, ahead
            while ahead is not _END and len(inflight[conn]) < DEPTH and sent - done < window:
                # Queued items go only while they surely fit in the pipe's
                # buffer beside those still unread (all but the one in hand):
                # the worker reads them only after sending its answer, and a
                # blocked send on both sides would never end.
                size = _pipe_bytes(ahead)
                unread = sum(b for _, b in islice(inflight[conn], 1, None))
                if inflight[conn] and (size is None or size + unread > PIPE_SAFE):
                    return
                try:
                    conn.send(ahead)
                except OSError:  # its end is closed: the worker is gone (not the reader of our stdout)
                    raise WorkerDied("a worker process stopped unexpectedly") from None
                inflight[conn].append((sent, size or 0))
                sent += 1
                ahead = next(it, _END)

        for c in conns:
            feed(c)
        if started is not None:
            started()
        while done < sent:
            if done in out:
                kind, value = out.pop(done)
                if kind == "error":  # in its turn: what came before it is handed out first, as serially
                    raise value
                done += 1
                for c in conns:  # before handing it out: the workers go on while it is stored
                    feed(c)
                yield value
                continue
            for c in wait([c for c in conns if inflight[c]]):
                try:
                    answer = c.recv()
                except (EOFError, OSError):
                    raise WorkerDied("a worker process stopped unexpectedly") from None
                out[inflight[c].popleft()[0]] = answer
                feed(c)  # even out of turn: a worker is never kept waiting for another's answer
        finished = True
    finally:
        # Done: every pipe is empty, so each worker reads its "stop". Stopped
        # early (an error, Ctrl-C, the caller gave up): a worker may be deep in
        # a long file or blocked sending an answer nobody reads, and its pipe
        # may be full, so it is terminated without a word.
        for c in conns if finished else ():
            try:
                c.send(None)
            except OSError:
                pass
        for proc in procs:
            proc.join(timeout=1 if finished else 0)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for c in conns:
            c.close()


_END = object()

# Files queued on one worker's pipe, and files out per worker (see the module notes).
DEPTH = 6
WINDOW = 16


# Bytes of queued items one pipe may hold: a socket pair's buffer is 208 KB
# on Linux but 8 KB on macOS.
PIPE_SAFE = 4096


def _pipe_bytes(item) -> int | None:
    """At most how many bytes ``item`` takes pickled (paths, numbers, tuples of them); None: maybe many."""
    if isinstance(item, int):
        return 32 + item.bit_length() // 8
    if isinstance(item, str):
        return 32 + 4 * len(item)  # 4: UTF-8's longest character; 32: the pickle's framing
    if isinstance(item, tuple):
        sizes = [_pipe_bytes(x) for x in item]
        return None if None in sizes else 32 + sum(sizes)
    return None


def _context():
    methods = mp.get_all_start_methods()
    return mp.get_context("fork" if "fork" in methods else "spawn")


def db_file(db) -> str | None:
    """The store's file name ('' for an in-memory store → None)."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or None
    return None


def add_paths(db, files: list[str], book, overrides, result, progress=None, max_bytes=None, jobs: int = 2) -> None:
    """Extract ``files`` in ``jobs`` processes and store them from this one, in order."""
    from negtrack import read, store

    def tasks():
        for path in files:
            if path == "-":  # stdin belongs to the parent: read it here, extract there
                try:
                    yield (path, read.read_path(path, max_bytes=max_bytes))
                except InputError as e:
                    yield ("skip", path, str(e))
            else:
                yield path

    if _context().get_start_method() == "fork":
        from negtrack import pipeline

        pipeline.warm(book)  # forked workers inherit the compiled patterns and imports
    # ``db`` may be a ``db.Opener``: the store is opened (or created) in a
    # thread once the workers have their first files. Meanwhile this thread
    # keeps them fed and holds their answers; opening it in line left both
    # workers idle for most of the ~0.09 s a new store takes.
    opening = _Opening(db) if callable(db) else None
    answers = ordered_map(extract_task, tasks(), jobs, (book, overrides, max_bytes, opening.path if opening else db_file(db)),
                          started=opening.start if opening else None)
    held: deque = deque()
    try:
        for answer in answers:
            held.append(answer)
            if opening is not None and not opening.ready() and len(held) < HOLD:
                continue
            db = opening.store() if opening else db
            while held:
                _store_answer(db, held.popleft(), book, result, progress)
        db = opening.store() if opening else db
        while held:  # fewer files than it took to open the store
            _store_answer(db, held.popleft(), book, result, progress)
    finally:
        answers.close()  # stops the workers, at once if this ended early
        if opening is not None:
            opening.join()
    store.index_pending(db)


# Answers held while the store opens: enough for the workers to go on for the
# ~0.1 s it takes, bounded so memory stays small whatever the files.
HOLD = 64


class _Opening:
    """``opener()`` run in a thread; ``store()`` waits for it and re-raises its error."""

    def __init__(self, opener):
        import threading

        self.path = str(opener.path)
        self._opener = opener
        self._thread = threading.Thread(target=self._run, name="negtrack-open", daemon=True)
        self._store = self._error = None

    def _run(self) -> None:
        try:
            self._store = self._opener()
        except BaseException as e:  # noqa: BLE001 - raised in the caller's thread by store()
            self._error = e

    def start(self) -> None:
        self._thread.start()

    def ready(self) -> bool:
        return self._thread.ident is not None and not self._thread.is_alive()

    def join(self) -> None:
        if self._thread.ident is not None:
            self._thread.join()

    def store(self):
        if self._thread.ident is None:  # never started: open it here
            self._run()
        self.join()
        if self._error is not None:
            raise self._error
        return self._store


def _store_answer(db, answer, book, result, progress) -> None:
    """Store one worker answer as the serial path would: each article in its own transaction."""
    from negtrack import store
    from negtrack.ingest import Skipped, record_saved
    from negtrack.models import Extraction

    kind, path, payload = answer
    if progress:
        progress(path)
    if kind == "skip":
        result.skipped.append(Skipped(path, payload))
        return
    for article, known, published, positions in payload:
        if known:
            existing = store.find_article_id(db, article.content_hash)
            if existing is not None:
                result.unchanged.append(existing)
                continue
            # Gone since the worker looked (never in practice): extract here.
            from negtrack import pipeline

            ex = pipeline.extract(article, book, trace=False)
            published, positions = ex.published, ex.positions
        extraction = Extraction(published=published, positions=positions)
        article_id, created = store.save_article(db, article, extraction, book)
        record_saved(result, article, extraction, article_id, created)


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


# Starting the workers (warming the engine, forking, the pool) costs a few
# hundredths of a second; measured on the corpus, two workers were slower than
# one process on 32 and 64 KB of text, faster on 114 KB and more.
AUTO_MIN_BYTES = 128 * 1024


def auto_jobs(files: list[str]) -> int:
    """``add``'s default: one process per CPU when the batch is big enough to pay
    for starting them, else 1. Stdin counts as small (its size is unknown)."""
    if len(files) < 2 or default_jobs() < 2:
        return 1
    total = 0
    for f in files:
        if f == "-":
            continue
        try:
            total += os.path.getsize(f)
        except OSError:
            continue  # reading it will report the problem
        if total >= AUTO_MIN_BYTES:
            return default_jobs()
    return 1


# ---------------------------------------------------------------------------
# Beyond one machine: `negtrack extract` (articles in, positions out, as JSON
# Lines) and `negtrack add --from-positions` (that output into a store).
#
# One output line per article: the article as it will be stored (text after
# reading and normalising, so the offsets slice it), its content hash, the
# codebook name and version, and its positions with their stable ids. The
# line is a pure function of the input record and the codebook, so any
# engine that can run a command over lines (Dask, Spark's RDD.pipe, GNU
# parallel, xargs) can produce it; the store is then loaded by one writer.
# ---------------------------------------------------------------------------

ARTICLE_FIELDS = ("path", "title", "source", "url", "author", "published", "published_rule", "format", "encoding")
POSITION_FIELDS = ("actor", "issue", "stance", "evidence", "start", "end", "date", "date_precision", "date_rule",
                   "speaker", "target", "confidence", "status", "rule")


def read_record_line(line: str, lineno: int, overrides=None):
    """One JSON Lines input record → an ``Article`` (raises ``InputError``)."""
    import json

    from negtrack import read

    try:
        rec = json.loads(line)
    except ValueError as err:
        raise InputError(f"stdin line {lineno}: invalid JSON ({str(err).split(':')[0]})") from None
    # The same record reader as `negtrack add file.jsonl`, so both store the same text.
    article = read._read_record(rec, lineno, f"line {lineno}", "-", "stdin")
    if overrides is not None:
        article = read.apply_overrides(article, published=overrides.published, title=overrides.title,
                                       source=overrides.source, url=overrides.url)
    return article


def extract_record(article, book) -> dict:
    """The output line for one article: what ``add --from-positions`` stores."""
    from negtrack import pipeline, store

    ex = pipeline.extract(article, book, trace=False)
    h = article.content_hash
    positions = []
    seen = set()
    for p in ex.positions:
        uid = store.position_uid(h, p)
        if uid in seen:
            continue
        seen.add(uid)
        positions.append({"id": uid, **{k: getattr(p, k) for k in POSITION_FIELDS}})
    rec = {"text": article.text, **{k: getattr(article, k) for k in ARTICLE_FIELDS}}
    rec["published"] = ex.published or article.published
    rec.update(hash=h, codebook=book.name, codebook_version=book.version, positions=positions)
    return rec


def _extract_line(item):
    lineno, line = item
    try:
        article = read_record_line(line, lineno, _STATE.get("overrides"))
    except InputError as e:
        return None, str(e)
    return extract_record(article, _STATE["book"]), None


def extract_lines(lines, book, jobs: int = 1, overrides=None):
    """Input lines → ``(record, error)`` pairs in input order; blank lines are skipped."""
    items = ((n, line) for n, line in enumerate(lines, 1) if line.strip())
    if jobs <= 1:
        _init(book, overrides, None, None)
        for item in items:
            yield _extract_line(item)
        return
    yield from ordered_map(_extract_line, items, jobs, (book, overrides, None, None))


def load_records(db, lines, book_for, result, progress=None) -> set:
    """Store ``extract`` output lines, one article per transaction, streaming.

    ``book_for(name)`` gives the codebook a record names (the store keeps its
    actors and issues); ``result`` is an ``ingest.AddResult``. Returns the
    ``(codebook, extracted with version, loaded version)`` mismatches seen.
    """
    import json

    from negtrack import store
    from negtrack.ingest import Skipped, record_saved
    from negtrack.models import Article, Extraction, Position

    mismatched: set = set()
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"line {lineno}"
        try:
            rec = json.loads(line)
            text = rec["text"]
            positions = [Position(**{k: p.get(k) for k in POSITION_FIELDS if k in p}) for p in rec["positions"]]
        except (ValueError, KeyError, TypeError) as e:
            result.skipped.append(Skipped(where, f"{where}: not a `negtrack extract` record ({type(e).__name__}: {e})"))
            continue
        article = Article(text=text, **{k: rec.get(k) for k in ARTICLE_FIELDS if rec.get(k) is not None})
        if rec.get("hash") and rec["hash"] != article.content_hash:
            result.skipped.append(Skipped(where, f"{where}: the text does not match its hash"))
            continue
        book = book_for(rec.get("codebook"))
        if rec.get("codebook_version") not in (None, book.version):
            mismatched.add((book.name, rec["codebook_version"], book.version))
        if progress:
            progress(article.path or where)
        existing = store.find_article_id(db, article.content_hash)
        if existing is not None:
            result.unchanged.append(existing)
            continue
        extraction = Extraction(published=rec.get("published"), positions=positions)
        article_id, created = store.save_article(db, article, extraction, book)
        record_saved(result, article, extraction, article_id, created)
    store.index_pending(db)
    return mismatched
