"""The real CLI, run as a subprocess on a real store file."""

import json
import re
import sqlite3

import pytest

from conftest import ROOT, SAMPLES
from negtrack.errors import ExitCode

RN = SAMPLES / "russia-nato-2022"
DC = SAMPLES / "us-debt-ceiling-2023"


def all_commands():
    import typer

    from negtrack.cli import app

    group = typer.main.get_command(app)
    out = []
    for name, cmd in group.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            out += [(f"{name} {n}", c) for n, c in sub.items()]
        else:
            out.append((name, cmd))
    return out


def test_every_command_has_help_with_an_example_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    cmds = all_commands()
    assert len(cmds) >= 10
    for name, cmd in cmds:
        assert cmd.help and "Example:" in cmd.help, f"{name}: help has no example"
        assert f"negtrack {name}" in readme, f"{name} is not in the README"


def test_the_readme_documents_every_exit_code():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert documented == {int(c) for c in ExitCode}


def test_help_and_version(cli):
    r = cli("--help")
    assert r.code == 0 and "timeline" in r.out and "Example:" in r.out
    r = cli("--version")
    assert r.code == 0 and re.match(r"negtrack \d+\.\d+", r.out)
    r = cli("add", "--help")
    assert r.code == 0 and "Example:" in r.out


def test_add_samples_then_readd_changes_nothing(cli, tmp_path):
    r = cli("add", RN)
    assert r.code == 0, r.err
    n = len(list(RN.glob("*.txt")))
    assert f"added {n} article(s)" in r.err
    first = cli("export", "--format", "jsonl")
    assert first.code == 0 and first.out.strip()
    r = cli("add", RN)
    assert r.code == 0 and "added 0 article(s)" in r.err and f"{n} unchanged" in r.err
    assert cli("export", "--format", "jsonl").out == first.out
    for line in first.out.splitlines():
        rec = json.loads(line)
        for field in ("id", "actor", "speaker", "target", "issue", "stance", "date", "date_precision",
                      "evidence", "start", "end", "confidence", "status", "article_id", "article_path",
                      "article_title", "published", "cameo"):
            assert field in rec


def test_evidence_offsets_slice_the_stored_text(cli, env):
    assert cli("add", RN).code == 0
    con = sqlite3.connect(env["NEGTRACK_DB"])
    texts = dict(con.execute("SELECT id, text FROM articles"))
    rows = [json.loads(x) for x in cli("export").out.splitlines()]
    assert rows
    for r in rows:
        assert texts[r["article_id"]][r["start"]:r["end"]] == r["evidence"]


def test_demo_views_are_not_empty(cli):
    assert cli("add", RN).code == 0
    assert cli("add", DC, "--codebook", "us-debt-ceiling-2023").code == 0
    t = cli("timeline", "--json")
    rows = json.loads(t.out)
    assert t.code == 0 and rows
    assert [r["date"] for r in rows if r["date"]] == sorted(r["date"] for r in rows if r["date"])
    s = cli("status", "--json")
    assert s.code == 0 and json.loads(s.out)
    assert "issue" in cli("status").out
    nl = cli("status", "--nl").out.splitlines()
    assert [json.loads(x) for x in nl] == json.loads(s.out)
    c = cli("timeline", "--csv").out.splitlines()
    assert len(c) == len(rows) + 1 and c[0].startswith("id,date")


def test_stdin_and_overrides(cli):
    text = (RN / sorted(p.name for p in RN.glob("*.txt"))[0]).read_text()
    body = text.split("\n\n", 1)[1]
    r = cli("add", "-", "--published", "2021-12-30", "--title", "From stdin", input=body)
    assert r.code == 0, r.err
    arts = json.loads(cli("articles", "--json").out)
    assert arts[0]["path"] == "-" and arts[0]["title"] == "From stdin" and arts[0]["published"] == "2021-12-30"


def test_formats_and_encodings(cli, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.html").write_text(
        "<html><head><title>Talks</title><meta property='article:published_time' content='2022-01-26T10:00:00Z'>"
        "<script>var x = 'NATO demands';</script><style>p{}</style></head>"
        "<body><article><p>Russia demanded guarantees that NATO will not expand eastward.</p></article></body></html>",
        encoding="utf-8")
    (src / "b.md").write_text("---\ntitle: Notes\ndate: 2022-01-27\n---\n\nThe United States rejected "
                              "Russia's demand to halt NATO expansion.\n", encoding="utf-8")
    (src / "c.jsonl").write_text(json.dumps({"text": "Moscow insisted on security guarantees.", "title": "J",
                                             "published": "2022-01-28", "url": "https://example.org/j"}) + "\n")
    (src / "d.txt").write_bytes("Title: Win\nPublished: 2022-01-29\n\nMoscow said the response was "
                                "negative — “not for discussion”.\n".encode("cp1252"))
    (src / "e.txt").write_bytes("Title: Утф\nPublished: 2022-01-30\n\nМосква требует гарантий.\n".encode("utf-16"))
    (src / "f.txt").write_bytes("Title: Кириллица\nPublished: 2022-01-31\n\nМосква требует гарантий безопасности от НАТО.\n".encode("cp1251"))
    r = cli("add", src)
    assert r.code == 0, r.err
    arts = {a["title"]: a for a in json.loads(cli("articles", "--json").out)}
    assert set(arts) == {"Talks", "Notes", "J", "Win", "Утф", "Кириллица"}
    assert arts["Talks"]["published"] == "2022-01-26"
    assert arts["Notes"]["published"] == "2022-01-27"
    assert arts["J"]["published"] == "2022-01-28"
    shown = json.loads(cli("show", str(arts["Win"]["id"]), "--json").out)
    assert "“not for discussion”" in shown["excerpt"]
    shown = json.loads(cli("show", str(arts["Talks"]["id"]), "--json").out)
    assert "var x" not in shown["excerpt"] and "NATO will not expand" in shown["excerpt"]


def test_bad_input_exit_codes_and_one_line_errors(cli, tmp_path, env):
    r = cli("add", tmp_path / "missing.txt")
    assert r.code == ExitCode.INPUT and r.err.count("\n") == 1 and "Traceback" not in r.err
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = cli("add", empty)
    assert r.code == ExitCode.INPUT and "empty" in r.err
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4)
    good = RN / sorted(p.name for p in RN.glob("*.txt"))[0]
    r = cli("add", pdf, good)
    assert r.code == ExitCode.PARTIAL and "warning" in r.err
    assert len(json.loads(cli("articles", "--json").out)) == 1
    r = cli("add", "-", "--published", "2022-02-30", input="Russia demands guarantees.")
    assert r.code in (ExitCode.INPUT, ExitCode.USAGE) and "2022-02-30" in r.err


def test_usage_errors(cli):
    assert cli("add", RN).code == 0
    r = cli("timeline", "--issue", "nato-expanson")
    assert r.code == ExitCode.USAGE and "nato-expansion" in r.err and "Traceback" not in r.err
    r = cli("status", "--actor", "mars")
    assert r.code == ExitCode.USAGE
    r = cli("timeline", "--since", "2022-13-01")
    assert r.code == ExitCode.USAGE
    r = cli("timeline", "--no-such-flag")
    assert r.code == ExitCode.USAGE
    r = cli("timeline", "--json", "--csv")
    assert r.code == ExitCode.USAGE
    r = cli("show", "9999")
    assert r.code == ExitCode.NOT_FOUND
    r = cli("articles", "--search", "\"'; DROP TABLE articles; --")
    assert r.code == 0
    assert json.loads(cli("articles", "--json").out)


def test_store_errors(cli, tmp_path):
    notdb = tmp_path / "notes.db"
    notdb.write_text("not a database\n")
    r = cli("--db", notdb, "add", RN)
    assert r.code == ExitCode.STORE and "not an SQLite database" in r.err
    assert notdb.read_text() == "not a database\n"
    r = cli("--db", tmp_path / "nothing.db", "status")
    assert r.code == ExitCode.STORE and not (tmp_path / "nothing.db").exists()


def test_broken_codebooks_name_file_and_line(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[codebook]\nname = "bad"\n\n[[issues]]\nslug = "a"\ncues = ["x"]\n\n'
                   '[[issues]]\nslug = "a"\n\n[[actors]]\nid = "z"\n')
    r = cli("add", RN, "--codebook", bad)
    assert r.code == ExitCode.CODEBOOK and f"{bad}:9" in r.err and "twice" in r.err
    bad.write_text('[codebook]\nname = "bad"\n[[issues]]\nslug = "a"\ncues = ["re:(unclosed"]\n[[actors]]\nid = "z"\n')
    r = cli("codebook", "validate", bad)
    assert r.code == ExitCode.CODEBOOK and f"{bad}:5" in r.err and "pattern" in r.err
    bad.write_text('[codebook\nname = "bad"\n')
    r = cli("codebook", "validate", bad)
    assert r.code == ExitCode.CODEBOOK and f"{bad}:1" in r.err
    r = cli("add", RN, "--codebook", "no-such-book")
    assert r.code == ExitCode.CODEBOOK and "russia-nato-2022" in r.err


def test_user_codebook_by_name(cli, env, tmp_path):
    folder = tmp_path / "config" / "negtrack" / "codebooks"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(
        '[codebook]\nname = "mine"\n[[issues]]\nslug = "ceasefire"\ncues = ["ceasefire"]\n'
        '[[actors]]\nid = "north"\naliases = ["Northland"]\n[[actors]]\nid = "south"\naliases = ["Southland"]\n')
    r = cli("codebook", "list", "--json")
    assert "mine" in [b["name"] for b in json.loads(r.out)]
    r = cli("add", "-", "--codebook", "mine", "--published", "2024-03-01",
            input="Northland demanded an immediate ceasefire on Friday. Southland rejected the ceasefire.")
    assert r.code == 0, r.err
    # A broken codebook of the user's is left out of the list, said with its file and line;
    # the others are listed, and a command that does not use it is not affected.
    (folder / "broken.toml").write_text("[issues\nbroken\n")
    r = cli("codebook", "list", "--json")
    assert r.code == ExitCode.CODEBOOK
    assert sorted(b["name"] for b in json.loads(r.out)) == ["mine", "russia-nato-2022", "us-debt-ceiling-2023"]
    assert r.err.count("\n") == 1 and f"{folder / 'broken.toml'}:1" in r.err
    assert cli("add", RN).code == 0


def test_quiet_and_debug(cli, tmp_path):
    r = cli("-q", "add", RN)
    assert r.code == 0 and r.out == "" and r.err == ""
    r = cli("--debug", "show", "9999")
    assert r.code != 0 and "Traceback" in r.err
    r = cli("db", "status", "--json")
    info = json.loads(r.out)
    assert info["articles"] == len(list(RN.glob("*.txt"))) and info["schema_version"] >= 1
    assert cli("db", "path").out.strip().endswith("store.db")


def test_shared_corpus_readd_is_a_no_op(cli):
    from conftest import needs_shared

    corpus = needs_shared("corpus", "russia-nato-2022")
    r = cli("add", corpus)
    assert r.code == 0, r.err
    first = cli("export", "--format", "jsonl").out
    r = cli("add", corpus)
    assert r.code == 0 and "added 0 article(s)" in r.err
    assert cli("export", "--format", "jsonl").out == first


def test_explain_text_and_json(cli):
    f = RN / sorted(p.name for p in RN.glob("*.txt"))[-1]
    r = cli("explain", f, "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    body = f.read_text().split("\n\n", 1)[1]
    assert data["published"] and data["dates"] and data["positions"]
    for d in data["dates"]:
        assert set(d) >= {"text", "start", "end", "value", "precision"}
        assert body[d["start"]:d["end"]] == d["text"]
    for p in data["positions"]:
        assert body[p["start"]:p["end"]] == p["evidence"]
    text = cli("explain", f, "--published", "2022-02-23").out
    assert "published: 2022-02-23" in text and "→" in text
    assert cli("status").code == ExitCode.STORE  # explain stored nothing


def test_undated_article_warns_once_and_invents_no_date(cli):
    text = ("Russia demanded on Monday that NATO stop its expansion. "
            "The United States rejected the demand last week.\n")
    r = cli("add", "-", input=text)
    assert r.code == 0
    assert r.err.count("no publication date") == 1
    art = json.loads(cli("articles", "--json").out)[0]
    assert art["published"] is None
    for p in map(json.loads, cli("export").out.splitlines()):
        assert p["date"] is None and p["published"] is None
    data = json.loads(cli("explain", "-", "--json", input=text).out)
    assert data["published"] is None
    monday = next(d for d in data["dates"] if d["text"].endswith("Monday"))
    assert monday["precision"] == "unknown" and "X" in monday["value"]


def test_a_store_held_too_long_is_one_clear_line(cli, env):
    import sqlite3 as sq

    assert cli("add", RN).code == 0
    holder = sq.connect(env["NEGTRACK_DB"], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        r = cli("--db", env["NEGTRACK_DB"], "changes", extra_env={"NEGTRACK_BUSY_TIMEOUT": "1"})
    finally:
        holder.execute("ROLLBACK")
    assert r.code == ExitCode.STORE and r.err.count("\n") == 1 and "busy" in r.err, r.err
