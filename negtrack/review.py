"""`negtrack review`: the interactive walk through unreviewed positions.

Design decisions:

* The loop takes its input and output as arguments (``ask`` returns one line,
  ``console`` is a rich Console), so tests drive it without a terminal; the
  command itself refuses to start when stdin is not a terminal.
* Keys are read a line at a time (a key, then Enter): it works the same in
  every terminal, over ssh and under a test harness, and a stray keystroke
  does not confirm a position.
* Each decision is committed at once through ``analyst`` (with its audit
  row), so quitting, Ctrl-C or a lost connection loses nothing already
  decided. A position someone else reviewed meanwhile is skipped.
* The evidence is shown in its paragraph from the stored article text, with
  the stance cue, the actor (its names, and its people's) and the issue's cues
  highlighted by the codebook's own matchers, so the analyst sees what the
  machine saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from negtrack import analyst
from negtrack.errors import NegtrackError

KEYS = "[c]onfirm  [r]eject  [e]dit  [s]kip  [q]uit"
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
MAX_CONTEXT = 700  # characters of paragraph shown on each side of the evidence

STYLES = {"evidence": "underline", "actor": "bold cyan", "issue": "bold yellow", "cue": "bold reverse"}


@dataclass
class ReviewResult:
    confirmed: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    left: int = 0

    def summary(self) -> str:
        return (f"reviewed {len(self.confirmed) + len(self.rejected) + len(self.edited)}: "
                f"{len(self.confirmed)} confirmed, {len(self.rejected)} rejected, {len(self.edited)} edited, "
                f"{len(self.skipped)} skipped; {self.left} left unreviewed")


def paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph (blank-line separated) around ``text[start:end]``."""
    a = 0
    for m in PARAGRAPH_BREAK.finditer(text, 0, start):
        a = m.end()
    m = PARAGRAPH_BREAK.search(text, end)
    return a, (m.start() if m else len(text))


def highlights(text: str, a: int, b: int, pos: dict, book) -> list[tuple[int, int, str]]:
    """Spans of ``text[a:b]`` to highlight: (start, end, kind), offsets into ``text``."""
    spans: list[tuple[int, int, str]] = []
    s, e = pos.get("start"), pos.get("end")
    if s is not None and e is not None:
        spans.append((s, e, "evidence"))
    if book is None:
        return spans
    from negtrack import actors, issues, stances

    chunk = text[a:b]
    for m in actors.find(chunk, book):
        if actors.party_of(m, book) == pos["actor"]:
            spans.append((a + m.start, a + m.end, "actor"))
    for m in issues.find(chunk, book):
        if m.id == pos["issue"]:
            spans.append((a + m.start, a + m.end, "issue"))
    if s is not None and e is not None:
        for c in stances.find(text, s, e, book):
            if c.stance == pos["stance"]:
                spans.append((c.start, c.end, "cue"))
    return spans


def render(text: str, pos: dict, book):
    """The paragraph as rich Text with the highlights applied."""
    from rich.text import Text

    s, e = pos.get("start"), pos.get("end")
    if not text or s is None or e is None:
        return Text(pos.get("evidence") or "(no evidence recorded)", style="underline")
    pa, pb = paragraph(text, s, e)
    # A long paragraph (or a text with no blank lines) is clipped around the evidence.
    a, b = max(pa, s - MAX_CONTEXT), min(pb, e + MAX_CONTEXT)
    out = Text(text[a:b])
    order = ("evidence", "actor", "issue", "cue")  # later styles win where spans overlap
    for hs, he, kind in sorted(highlights(text, a, b, pos, book), key=lambda x: order.index(x[2])):
        out.stylize(STYLES[kind], max(hs, a) - a, min(he, b) - a)
    if a > pa:
        out = Text("… ") + out
    if b < pb:
        out.append(" …")
    return out


def _book(name: str | None, cache: dict):
    if name not in cache:
        from negtrack import codebook as cb

        try:
            cache[name] = cb.load(name)
        except NegtrackError:
            cache[name] = None  # the codebook is gone: show the evidence without highlights
    return cache[name]


def show(console, db, pos: dict, n: int, total: int, cache: dict) -> None:
    from rich.markup import escape
    from rich.rule import Rule

    from negtrack.output import STANCE_COLOURS

    art = None
    if pos.get("article_id") is not None:
        art = next(db.query("SELECT id, title, path, published, text FROM articles WHERE id = ?",
                            [pos["article_id"]]), None)
    console.print(Rule(f"{n}/{total}  {pos['id']}  confidence {pos['confidence'] or 0:.2f}"))
    if art:
        console.print(f"[dim]article {art['id']}: {escape(art['title'] or art['path'] or '')}"
                      f" ({art['published'] or 'date unknown'})[/dim]")
    console.print(render(art["text"] if art else "", pos, _book(pos.get("codebook"), cache)))
    colour = STANCE_COLOURS.get(pos["stance"], "")
    line = (f"[bold cyan]{escape(pos['actor'])}[/bold cyan] [{colour}]{pos['stance']}[/{colour}] "
            f"[bold yellow]{escape(pos['issue'])}[/bold yellow]  date {pos['date'] or 'unknown'}")
    if pos.get("speaker") and pos["speaker"] != pos["actor"]:
        line += f"  speaker {escape(pos['speaker'])}"
    console.print(line)


def _edit(console, db, uid: str, by: str, ask: Callable[[str], str]) -> bool:
    """Ask which field and its new value; True when the position was changed."""
    while True:
        fld = ask(f"field ({'/'.join(analyst.EDITABLE)}, empty to cancel) > ").strip().lower()
        if not fld:
            return False
        if fld not in analyst.EDITABLE:
            matches = [f for f in analyst.EDITABLE if f.startswith(fld)]
            if len(matches) != 1:
                console.print(f"[red]no field {fld!r}[/red]")
                continue
            fld = matches[0]
        value = ask(f"new {fld} > ").strip()
        try:
            analyst.edit(db, uid, by, **{fld: value})
        except NegtrackError as e:
            console.print(f"[red]{e}[/red]")
            continue
        return True


def run(db, items: list[dict], by: str, ask: Callable[[str], str] | None = None, console=None) -> ReviewResult:
    """Walk ``items`` (rows of ``analyst.queue``); returns what was decided."""
    from rich.console import Console

    console = console or Console(highlight=False)
    # The prompts are plain text: "[c]onfirm" must not be read as rich markup.
    ask = ask or (lambda prompt: console.input(prompt, markup=False))
    result = ReviewResult()
    cache: dict = {}
    total = len(items)
    for n, pos in enumerate(items, 1):
        current = next(db.query("SELECT status FROM positions WHERE uid = ?", [pos["id"]]), None)
        if current is None or current["status"] != "auto":
            continue  # reviewed (or gone) since the queue was read
        show(console, db, pos, n, total, cache)
        while True:
            try:
                key = ask(f"{KEYS} > ").strip().lower()[:1]
            except EOFError:
                key = "q"
            if key == "c":
                analyst.confirm(db, [pos["id"]], by)
                result.confirmed.append(pos["id"])
            elif key == "r":
                analyst.reject(db, [pos["id"]], by)
                result.rejected.append(pos["id"])
            elif key == "e":
                try:
                    if not _edit(console, db, pos["id"], by, ask):
                        continue
                except EOFError:
                    key = "q"
                else:
                    result.edited.append(pos["id"])
            elif key == "s":
                result.skipped.append(pos["id"])
            elif key != "q":
                console.print("[red]type one of c, r, e, s, q[/red]")
                continue
            break
        if key == "q":
            break
    result.left = db.execute("SELECT count(*) FROM positions WHERE status = 'auto'").fetchone()[0]
    return result
