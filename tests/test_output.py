import csv
import io
import json

import pytest

from negtrack import output
from negtrack.errors import UsageError

ROWS = [{"actor": "us", "stance": "reject", "n": 2, "note": None}, {"actor": "russia", "stance": "demand", "n": 3, "note": "x, \"y\""}]


def render(fmt):
    buf = io.StringIO()
    n = output.emit(iter(ROWS), fmt, stream=buf)
    return n, buf.getvalue()


def test_json_nl_csv_carry_the_same_rows():
    n1, j = render("json")
    n2, nl = render("nl")
    n3, c = render("csv")
    assert n1 == n2 == n3 == 2
    assert json.loads(j) == ROWS
    assert [json.loads(line) for line in nl.splitlines()] == ROWS
    back = list(csv.DictReader(io.StringIO(c)))
    assert [r["actor"] for r in back] == ["us", "russia"]
    assert back[1]["note"] == 'x, "y"' and back[0]["note"] == ""


def test_empty_json_is_an_empty_array():
    buf = io.StringIO()
    output.emit(iter([]), "json", stream=buf)
    assert json.loads(buf.getvalue()) == []


def test_table_lists_every_value():
    buf = io.StringIO()
    output.emit(ROWS, "table", ["actor", "stance", "n"], stream=buf)
    text = buf.getvalue()
    for v in ("us", "reject", "russia", "demand", "3"):
        assert v in text


def test_only_one_format_flag():
    assert output.pick_format() == "table"
    assert output.pick_format(nl=True) == "nl"
    with pytest.raises(UsageError):
        output.pick_format(json_=True, csv_=True)


def test_open_output_is_atomic(tmp_path):
    target = tmp_path / "export.jsonl"
    target.write_text("previous\n")
    with pytest.raises(RuntimeError):
        with output.open_output(str(target)) as f:
            f.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "previous\n" and sorted(tmp_path.iterdir()) == [target]
    with output.open_output(str(target)) as f:
        output.emit(ROWS, "nl", stream=f)
    assert len(target.read_text().splitlines()) == 2
    assert sorted(tmp_path.iterdir()) == [target]


def test_open_output_leaves_a_file_named_like_its_temporary_alone(tmp_path):
    mine = tmp_path / "export.jsonl.tmp"
    mine.write_text("the user's own file\n")
    with output.open_output(str(tmp_path / "export.jsonl")) as f:
        f.write("rows\n")
    assert mine.read_text() == "the user's own file\n"


def test_open_output_removes_its_temporary_file_when_the_rename_fails(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(OSError):
        with output.open_output(str(target)) as f:
            f.write("rows\n")
            (target / "in-the-way").mkdir(parents=True)  # a folder took the name meanwhile
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_open_output_gets_the_permissions_of_any_new_file(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        with output.open_output(str(tmp_path / "report.html")) as f:
            f.write("<p>\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "report.html").stat().st_mode) == 0o644


@pytest.mark.parametrize("where", ["folder", "missing/out.json"])
def test_open_output_refuses_a_path_it_cannot_write_before_writing(tmp_path, where):
    (tmp_path / "folder").mkdir()
    with pytest.raises(UsageError, match=r"^--output .*(is a folder|no such folder)"):
        with output.open_output(str(tmp_path / where)):
            raise AssertionError("never reached")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]
    assert not any((tmp_path / "folder").iterdir())


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_rich_table_on_a_terminal_plain_columns_elsewhere():
    term = Terminal()
    output.emit(ROWS, "table", ["actor", "stance", "n"], title="t", stream=term)
    assert "┃" in term.getvalue() or "│" in term.getvalue()
    plain = io.StringIO()
    long_rows = [{"actor": "us", "stance": "reject", "n": "x" * 500}]
    output.emit(long_rows, "table", ["actor", "stance", "n"], stream=plain)
    lines = plain.getvalue().splitlines()
    assert lines[0].split() == ["actor", "stance", "n"]
    assert lines[2].startswith("us     reject") and lines[2].endswith("…")
    assert max(map(len, lines)) < 100
