#!/usr/bin/env python3
"""Measure negtrack's temporal tagger on TimeBank/AQUAINT (TempEval-3 style).

Runs ``negtrack.timex.tag`` on every document of ``tbaq-docs.jsonl`` with its
document creation time (``dct``) as the publication date, writes one JSON
line per predicted DATE expression ({"doc", "doc_start", "doc_end", "value",
"type"}) and scores them with the evaluation kit's ``score_dates.py --types
DATE``.

The evaluation data live outside the project, in ``../shared/eval/tempeval``
relative to the project root; override with ``--shared DIR`` or the
``NEGTRACK_SHARED`` environment variable (both name the ``shared`` directory).
When the data are absent the script prints "skipped: no ../shared" and exits 0,
so it can run anywhere.

Gold is ``tbaq-all.jsonl`` (all TIMEX3 types): with ``--types DATE`` the scorer
then ignores a prediction that overlaps a TIME, DURATION or SET expression
instead of counting it as a false positive, which is how TempEval-3 restricts
the measure to one type.

Usage:
    python scripts/eval_dates.py [--shared DIR] [--out PRED.jsonl] [--show-errors N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.environ.get("NEGTRACK_SHARED") or os.path.join(ROOT, "..", "shared"),
                    help="the shared directory holding eval/tempeval (default: ../shared from the project root)")
    ap.add_argument("--out", help="where to write the predictions (default: a temporary file)")
    ap.add_argument("--show-errors", type=int, default=0, help="passed to score_dates.py")
    ap.add_argument("--json", action="store_true", help="passed to score_dates.py")
    a = ap.parse_args(argv)

    data = os.path.join(a.shared, "eval", "tempeval")
    docs_path = os.path.join(data, "tbaq-docs.jsonl")
    gold_path = os.path.join(data, "tbaq-all.jsonl")
    scorer = os.path.join(data, "score_dates.py")
    if not all(os.path.exists(p) for p in (docs_path, gold_path, scorer)):
        print("skipped: no ../shared (looked for %s)" % os.path.normpath(data))
        return 0

    from negtrack.timex import tag

    with open(docs_path, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]

    out_path = a.out
    if not out_path:
        fd, out_path = tempfile.mkstemp(prefix="negtrack-dates-", suffix=".jsonl")
        os.close(fd)
    n_pred = 0
    words = 0
    t0 = time.perf_counter()
    preds = []
    for d in docs:
        sents = [tuple(s) for s in d.get("sentences") or []] or None
        words += len(d["text"].split())
        for t in tag(d["text"], d.get("dct"), sents):
            if t.type != "DATE":
                continue
            preds.append({"doc": d["doc"], "doc_start": t.start, "doc_end": t.end,
                          "value": t.value, "type": "DATE", "text": t.text, "rule": t.rule})
    elapsed = time.perf_counter() - t0
    with open(out_path, "w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p) + "\n")
            n_pred += 1
    if not a.json:
        print("tagged %d documents (%d words) in %.2f s (%.2f ms per 1,000 words); %d DATE predictions -> %s"
              % (len(docs), words, elapsed, 1000 * elapsed / max(1, words / 1000), n_pred, out_path))

    cmd = [sys.executable, scorer, out_path, "--gold", gold_path, "--docs", docs_path, "--types", "DATE"]
    if a.show_errors:
        cmd += ["--show-errors", str(a.show_errors)]
    if a.json:
        cmd.append("--json")
    r = subprocess.run(cmd)
    if not a.out:
        try:
            os.unlink(out_path)
        except OSError:
            pass
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
