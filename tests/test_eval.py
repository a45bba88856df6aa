"""The extraction measured against the development gold, when it is at hand."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEGTRACK_SHARED") or ROOT.parent / "shared")


@pytest.mark.skipif(not (SHARED / "eval" / "gold-dev").is_dir(), reason="no evaluation material beside the project")
def test_gold_dev_scores():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_positions.py"), "--shared", str(SHARED)],
                         capture_output=True, text=True, check=True).stdout
    f1 = float(re.search(r"\bf1=([\d.]+)", out).group(1))
    dates = float(re.search(r"\bdate_accuracy=([\d.]+)", out).group(1))
    assert f1 >= 0.75, out
    assert dates >= 0.80, out
