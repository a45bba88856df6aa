"""Views for people and cron, through the real CLI: changes, report, actors, issues, demands, SQL views."""

import json
import re
import shutil
import sqlite3
import subprocess

import pytest

from conftest import SAMPLES
from negtrack.errors import ExitCode

RN = SAMPLES / "russia-nato-2022"
FILES = sorted(RN.glob("*.txt"))


def test_changes_since_last_and_exit_codes(cli, tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    for f in FILES[:3]:
        shutil.copy(f, first)
    assert cli("add", first).code == 0
    r = cli("-q", "changes", "--since", "last")
    assert (r.code, r.out, r.err) == (ExitCode.CHANGED, "", "")
    r = cli("-q", "changes", "--since", "last")
    assert (r.code, r.out, r.err) == (0, "", "")
    assert cli("add", FILES[3]).code == 0
    r = cli("changes", "--json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["added"] and all(a["article_path"] == str(FILES[3]) for a in data["added"])
    assert cli("-q", "changes").code == 0
    everything = json.loads(cli("changes", "--since", "2000-01-01", "--json").out)
    total = len(cli("export").out.splitlines())
    assert len(everything["added"]) == total
    assert cli("changes", "--since", "2022-02-30").code == ExitCode.USAGE


def test_stance_change_is_reported(cli, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Title: A\nPublished: 2022-01-10\n\nThe United States rejected Russia's proposal on risk "
                 "reduction and said arms control talks were not for discussion.\n")
    b = tmp_path / "b.txt"
    b.write_text("Title: B\nPublished: 2022-02-10\n\nThe United States said it is open to discussing risk "
                 "reduction and arms control with Russia.\n")
    assert cli("add", a).code == 0
    cli("-q", "changes")
    before = {(c["issue"], c["actor"]): c["stance"] for c in json.loads(cli("status", "--json").out)}
    assert cli("add", b).code == 0
    after = {(c["issue"], c["actor"]): c["stance"] for c in json.loads(cli("status", "--json").out)}
    data = json.loads(cli("changes", "--json").out)
    expected = {(k[0], k[1], before.get(k), v) for k, v in after.items() if before.get(k) != v}
    assert ("risk-reduction", "us", "reject", "open") in expected  # the change the articles make
    assert {(c["issue"], c["actor"], c["before"], c["after"]) for c in data["changed"]} == expected
    from negtrack.changes import describe

    assert "us on risk-reduction: reject → open (2022-02-10)" in [describe(c) for c in data["changed"]]
    text = cli("changes", "--since", "2000-01-01").out
    assert "position(s) added" in text


def test_nouns_are_listable(cli):
    assert cli("add", RN).code == 0
    actors = json.loads(cli("actors", "--json").out)
    us = next(a for a in actors if a["id"] == "us")
    assert us["positions"] > 0 and us["issues"] and "Joe Biden" in us["people"]
    issues = json.loads(cli("issues", "--json").out)
    assert {i["slug"] for i in issues} >= {"nato-expansion", "security-guarantees"}
    assert any(i["stands"] for i in issues)
    ds = json.loads(cli("demands", "--json").out)
    for d in ds:
        assert d["stance"] in ("demand", "propose")
        assert d["open"] == (d["waiting_days"] is not None)
        for a in d["answers"]:
            assert a["actor"] != d["actor"] and a["date"] >= d["date"][:len(a["date"])]
    open_only = json.loads(cli("demands", "--open", "--json").out)
    assert all(d["open"] for d in open_only)
    assert len(cli("actors", "--csv").out.splitlines()) == len(actors) + 1


def test_sql_views_for_sqlite_users(cli, env):
    assert cli("add", RN).code == 0
    con = sqlite3.connect(env["NEGTRACK_DB"])
    n = con.execute("SELECT count(*) FROM positions WHERE status != 'rejected'").fetchone()[0]
    assert con.execute("SELECT count(*) FROM timeline").fetchone()[0] == n
    row = con.execute("SELECT actor_name, issue_title, article_title FROM positions_full LIMIT 1").fetchone()
    assert all(row)
    assert con.execute("SELECT count(*) FROM latest_stances").fetchone()[0] > 0


def test_report_html_and_markdown(cli, tmp_path):
    assert cli("add", RN).code == 0
    out = tmp_path / "report.html"
    r = cli("report", "--format", "html", "-o", out)
    assert r.code == 0
    html = out.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "</svg>" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<script" not in html
    n_markers = len(re.findall(r"<title>\d{4}", html))
    assert n_markers == len([x for x in json.loads(cli("timeline", "--json").out) if x["date"]])
    md = cli("report", "--format", "md").out
    assert md.startswith("# negtrack report") and "## Status" in md
    assert cli("report", "--format", "pdf").code == ExitCode.USAGE


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_report_renders_a_chart_in_chromium(cli, tmp_path):
    assert cli("add", RN).code == 0
    out = tmp_path / "report.html"
    assert cli("report", "-o", out).code == 0
    shot = tmp_path / "shot.png"
    subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1100,1400",
         out.as_uri()],
        capture_output=True, timeout=120,
    )
    assert shot.exists()
    colours = _png_colours(shot.read_bytes())
    # The chart's actor colours are drawn: at least two saturated palette colours appear.
    from negtrack.report import ACTOR_PALETTE

    palette = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in ACTOR_PALETTE}
    assert len(palette & colours) >= 2


def _png_colours(data: bytes) -> set:
    """Distinct RGB colours of a PNG (8-bit RGB/RGBA, non-interlaced), with the standard library."""
    import struct
    import zlib

    pos, idat, width, height, ctype = 8, b"", 0, 0, 2
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _, ctype = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    bpp = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    colours = set()
    i = 0
    for _ in range(height):
        f = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(tuple(line[k:k + 3]) for k in range(0, stride, bpp))
        prev = line
    return colours


def demand_and_rejection(tmp_path, rejection: str) -> tuple:
    """Two small articles: Russia's demand (Jan. 10), then the US answer (Jan. 26)."""
    a = tmp_path / "a.txt"
    a.write_text("Title: A\nPublished: 2022-01-10\n\nRussia demanded legally binding guarantees that NATO "
                 "will not expand further east.\n")
    b = tmp_path / "b.txt"
    b.write_text(f"Title: B\nPublished: 2022-01-26\n\n{rejection}\n")
    return a, b


def test_timeline_shows_demands_with_their_answers(cli, tmp_path):
    a, b = demand_and_rejection(tmp_path, "The United States rejected Russia's demand to halt NATO expansion and "
                                          "said NATO's open door is not up for negotiation.")
    assert cli("add", a, b).code == 0
    rows = json.loads(cli("timeline", "--issue", "nato-expansion", "--answers", "--json").out)
    demand = next(r for r in rows if r["actor"] == "russia" and r["stance"] == "demand")
    assert [(x["actor"], x["stance"], x["date"]) for x in demand["answers"]] == [("us", "reject", "2022-01-26")]
    assert demand["waiting_days"] is None
    assert all("answers" not in r for r in rows if r["stance"] not in ("demand", "propose"))
    table = cli("timeline", "--answers").out
    assert "us reject 2022-01-26" in table


def test_status_as_of_and_waiting_times(cli, tmp_path):
    a, b = demand_and_rejection(tmp_path, "The United States rejected Russia's demand to halt NATO expansion.")
    assert cli("add", a, b).code == 0
    early = {(c["issue"], c["actor"]): c for c in json.loads(cli("status", "--as-of", "2022-01-15", "--json").out)}
    late = {(c["issue"], c["actor"]): c for c in json.loads(cli("status", "--json").out)}
    assert early[("nato-expansion", "russia")]["stance"] == "demand"
    assert ("nato-expansion", "us") not in early
    assert late[("nato-expansion", "us")]["stance"] == "reject"
    waiting = json.loads(cli("demands", "--open", "--as-of", "2022-01-20", "--json").out)
    d = next(d for d in waiting if d["issue"] == "nato-expansion" and d["actor"] == "russia")
    assert d["waiting_days"] == 10 and d["answers"] == []
    answered = json.loads(cli("demands", "--json").out)
    d = next(d for d in answered if d["issue"] == "nato-expansion" and d["actor"] == "russia")
    assert not d["open"] and d["answers"][0]["days_after"] == 16
    text = cli("status", "--as-of", "2022-01-20").out
    assert "open demands:" in text and "waiting 10 days" in text
