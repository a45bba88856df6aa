#!/usr/bin/env python3
"""Score negtrack end to end, the way a user would run it: `negtrack add` each gold
article with its codebook and publication date into a fresh store, `negtrack export
--format jsonl`, then the shared scorer.

Usage: scripts/eval_cli.py [--shared DIR] [--verbose] [--keep DIR]

Reads ../shared (or $NEGTRACK_SHARED, or --shared); prints "skipped: no ../shared"
and exits 0 when it is absent, so a user's clone runs `make eval` harmlessly.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("NEGTRACK_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--keep", help="keep the store and export in this folder")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    gold = shared / "eval" / "gold-dev"
    if not gold.is_dir():
        print(f"skipped: no {args.shared} (gold positions not available)")
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="negtrack-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "eval.db"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if p.exists():
            p.unlink()
    negtrack = [sys.executable, "-m", "negtrack", "--db", str(db), "-q"]
    for g in sorted(gold.glob("*.json")):
        doc = json.loads(g.read_text(encoding="utf-8"))
        article = shared / "corpus" / doc["codebook"] / doc["doc"]
        r = subprocess.run(negtrack + ["add", str(article), "--codebook", doc["codebook"],
                                       "--published", doc["published"]], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"add failed for {doc['doc']}: {r.stderr.strip()}", file=sys.stderr)
            return 1
    export = work / "export.jsonl"
    with open(export, "w", encoding="utf-8") as f:
        subprocess.run(negtrack + ["export", "--format", "jsonl"], stdout=f, check=True)
    score = [sys.executable, str(shared / "eval" / "score_positions.py"), str(gold), str(export)]
    if args.verbose:
        score.append("--verbose")
    return subprocess.run(score).returncode


if __name__ == "__main__":
    sys.exit(main())
