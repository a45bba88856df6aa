#!/usr/bin/env python3
"""Measure negtrack's position extraction against the development gold.

Usage:
  eval_positions.py [--shared DIR] [--verbose] [--save FILE]
                                                    score all gold-dev documents (--save: keep the
                                                    predictions, to compare runs)
  eval_positions.py --seed [--shared DIR]           print the seed article's positions
  eval_positions.py --show DOC [--shared DIR]       print one corpus document's positions

The shared evaluation material lives beside the project (``../shared`` from
its root), or wherever ``NEGTRACK_SHARED`` or ``--shared`` says; without it
the script prints "skipped: no ../shared" and exits 0, so CI without the
material passes. Predictions are written as export-style JSON Lines and
scored by the shared ``score_positions.py``, whose output is printed as is.
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
sys.path.insert(0, str(ROOT))

from negtrack import codebook as codebook_mod  # noqa: E402
from negtrack import pipeline  # noqa: E402
from negtrack.models import Article  # noqa: E402

SEED = "seeds/000_8270bfdcc4d74447.txt"
SEED_PUBLISHED = "2022-02-14"
SEED_CODEBOOK = "russia-nato-2022"


def read_article(path: Path, published: str | None) -> Article:
    """The article with its header parsed (negtrack.read when available)."""
    art = None
    try:
        from negtrack.read import read_path  # noqa: PLC0415 - lands separately

        arts = read_path(str(path))
        art = arts[0] if arts else None
    except Exception:
        art = None
    if art is None:
        raw = path.read_text(encoding="utf-8")
        head, sep, body = raw.partition("\n\n")
        meta = {}
        if sep and all(":" in line for line in head.splitlines() if line.strip()):
            for line in head.splitlines():
                k, _, v = line.partition(":")
                meta[k.strip().lower()] = v.strip()
        else:
            body = raw
        art = Article(text=body, path=str(path), title=meta.get("title"), source=meta.get("source"),
                      url=meta.get("url"), published=meta.get("published"))
    if published:
        art.published = published
    art.path = str(path)
    return art


def records(art: Article, book) -> list[dict]:
    ext = pipeline.extract(art, book)
    out = []
    for p in ext.positions:
        assert art.text[p.start:p.end] == p.evidence
        out.append({"actor": p.actor, "speaker": p.speaker, "target": p.target, "issue": p.issue,
                    "stance": p.stance, "date": p.date, "date_precision": p.date_precision,
                    "evidence": p.evidence, "start": p.start, "end": p.end, "confidence": p.confidence,
                    "rule": p.rule, "article_path": art.path})
    return out


def show(art: Article, book) -> None:
    for r in sorted(records(art, book), key=lambda r: (r["issue"], r["actor"], r["stance"])):
        ev = " ".join(r["evidence"].split())
        print(f"{r['actor']:>12} {r['stance']:<11} {r['issue']:<28} {r['date']!s:<10} {r['confidence']:.2f} "
              f"{r['rule']}\n{'':>14}{ev[:150]}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("NEGTRACK_SHARED") or str(ROOT.parent / "shared"))
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--seed", action="store_true", help="print the seed article's positions")
    ap.add_argument("--show", metavar="DOC", help="print the positions of one corpus document")
    ap.add_argument("--codebook", default=None, help="codebook for --show (default: the document's folder)")
    ap.add_argument("--save", metavar="FILE", help="also write the predictions (JSON Lines) to FILE")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not shared.is_dir():
        print("skipped: no ../shared")
        return 0
    if args.seed:
        seed = shared / SEED
        if not seed.is_file():
            print("skipped: no seed article")
            return 0
        show(read_article(seed, SEED_PUBLISHED), codebook_mod.load(SEED_CODEBOOK))
        return 0
    if args.show:
        hits = sorted((shared / "corpus").glob(f"*/{args.show}*"))
        if not hits:
            print(f"no such document: {args.show}")
            return 1
        path = hits[0]
        name = args.codebook or path.parent.name
        if name not in codebook_mod.available():
            name = None  # a folder that is no codebook's name: the default codebook
        show(read_article(path, None), codebook_mod.load(name))
        return 0
    gold_dir = shared / "eval" / "gold-dev"
    scorer = shared / "eval" / "score_positions.py"
    if not gold_dir.is_dir() or not scorer.is_file():
        print("skipped: no gold-dev or scorer in ../shared")
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        pred = out.name
        for g in sorted(gold_dir.glob("*.json")):
            gold = json.loads(g.read_text(encoding="utf-8"))
            path = shared / "corpus" / gold["codebook"] / gold["doc"]
            art = read_article(path, gold.get("published"))
            for r in records(art, codebook_mod.load(gold["codebook"])):
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    if args.save:
        Path(args.save).write_text(Path(pred).read_text(encoding="utf-8"), encoding="utf-8")
    try:
        cmd = [sys.executable, str(scorer), str(gold_dir), pred] + (["--verbose"] if args.verbose else [])
        return subprocess.run(cmd, check=False).returncode
    finally:
        os.unlink(pred)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
