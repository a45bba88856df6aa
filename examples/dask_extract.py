"""Extract positions with Dask's local processes, then load them with one writer.

    pip install "dask[bag]"
    python examples/dask_extract.py data/samples/russia-nato-2022 -o positions.jsonl
    negtrack add --from-positions positions.jsonl

Each file becomes JSON Lines records (read by negtrack's own reader, so the
title, date and text are what `negtrack add` would see); a Dask bag spreads
the records over partitions and pipes each partition through
`negtrack extract`, a pure filter; the results come back in order and are
written to one file that `negtrack add --from-positions` loads. The same
shape works on a cluster: swap the scheduler for a distributed one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys


def file_records(path: str) -> list[str]:
    """One input file → JSON Lines records for `negtrack extract`."""
    from negtrack import read

    out = []
    for a in read.read_path(path):
        rec = {"text": a.text, "title": a.title, "source": a.source, "url": a.url, "author": a.author,
               "published": a.published, "path": a.path}
        out.append(json.dumps(rec, ensure_ascii=False))
    return out


def run_extract(lines, codebook: str | None = None) -> list[str]:
    """Pipe one partition through `negtrack extract` (like Spark's RDD.pipe)."""
    lines = list(lines)
    if not lines:
        return []
    cmd = [sys.executable, "-m", "negtrack", "extract"] + (["--codebook", codebook] if codebook else [])
    p = subprocess.run(cmd, input="\n".join(lines) + "\n", capture_output=True, text=True, check=False)
    if p.returncode not in (0, 11):  # 11: some records skipped, each warned about on stderr
        raise RuntimeError(f"negtrack extract failed ({p.returncode}): {p.stderr.strip()}")
    sys.stderr.write(p.stderr)
    return p.stdout.splitlines()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="article files or directories")
    ap.add_argument("-o", "--output", required=True, help="where to write the positions (JSON Lines)")
    ap.add_argument("-c", "--codebook", help="codebook name or TOML path")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    import dask
    import dask.bag as db

    from negtrack.read import iter_paths

    files = list(iter_paths(args.paths))
    bag = (
        db.from_sequence(files, npartitions=min(args.partitions, max(1, len(files))))
        .map(file_records)
        .flatten()
        .map_partitions(run_extract, codebook=args.codebook)
    )
    with dask.config.set(scheduler="processes", num_workers=args.workers):
        lines = bag.compute()
    with open(args.output, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line + "\n")
    print(f"wrote {len(lines)} article(s) to {args.output}; load them with "
          f"`negtrack add --from-positions {args.output}`", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
