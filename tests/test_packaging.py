"""negtrack works from a plain `pip install .`, not only from a checkout."""

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_carries_the_codebooks_and_runs_without_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("negtrack-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for book in ("russia-nato-2022", "us-debt-ceiling-2023"):
        assert f"negtrack/data/codebooks/{book}.toml" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    code = ("import negtrack, negtrack.codebook as c; "
            "print(negtrack.__file__); print(c.shipped_dir()); print(sorted(c.available())); "
            "print(c.load('us-debt-ceiling-2023').name)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(site), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
                         timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(site)) and lines[1].startswith(str(site))
    assert "russia-nato-2022" in lines[2] and lines[3] == "us-debt-ceiling-2023"
    # The console script the wheel declares runs.
    out = subprocess.run([str(site / "bin" / "negtrack"), "--version"], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(site), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("negtrack "), out.stderr
