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
    assert target.read_text() == "previous\n" and not (tmp_path / "export.jsonl.tmp").exists()
    with output.open_output(str(target)) as f:
        output.emit(ROWS, "nl", stream=f)
    assert len(target.read_text().splitlines()) == 2


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
