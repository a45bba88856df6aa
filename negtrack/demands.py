"""Demand ↔ response: which answer answers which standing demand or proposal.

Design decisions:

* A **demand** is a party's first ``demand`` or ``propose`` on an issue; later
  repetitions of the same (party, issue, stance) are the same demand, counted
  as sources, not new demands.
* An **answer** (accept, open, reject, no-response, respond) on the same issue
  by *another* party, dated on or after a demand, is linked to the latest such
  demand standing at its date. When the demand names a target, answers from
  the target are preferred; without one, any other party may answer.
* A demand is **open** until it gets an answer other than ``no-response``
  (a reported non-answer is recorded, but the demand still waits). Waiting time
  runs from the demand's first date to ``as_of`` (default: the latest dated
  position of the same codebook — the store knows nothing after its latest
  news); a partial date counts from its first day.
* Pure functions over plain position rows, so the same logic feeds ``status``,
  ``demands``, ``issues`` and the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ASKS = ("demand", "propose")
ANSWERS = ("accept", "open", "reject", "no-response", "respond")
PAST = {
    "demand": "demanded by",
    "propose": "proposed by",
    "accept": "accepted by",
    "open": "open:",
    "reject": "rejected by",
    "respond": "answered by",
    "consult": "discussed by",
    "warn": "warned by",
}


def first_day(value: str | None) -> date | None:
    """The first day a (possibly partial) ISO date covers."""
    if not value:
        return None
    parts = value.split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


@dataclass
class Answer:
    actor: str
    stance: str
    date: str
    id: str
    days_after: int | None


@dataclass
class Demand:
    issue: str
    actor: str
    stance: str
    date: str  # first stated
    last_date: str
    target: str | None
    codebook: str | None = None
    sources: int = 0
    answers: list[Answer] = field(default_factory=list)
    open: bool = True
    waiting_days: int | None = None

    def as_row(self) -> dict:
        return {
            "issue": self.issue,
            "actor": self.actor,
            "stance": self.stance,
            "date": self.date,
            "last_date": self.last_date,
            "target": self.target,
            "sources": self.sources,
            "open": self.open,
            "waiting_days": self.waiting_days,
            "answers": [a.__dict__ for a in self.answers],
        }


def link(rows: list[dict], as_of: str | None = None, latest: dict | None = None) -> list[Demand]:
    """Group demands and link each answer to the demand it answers.

    ``rows`` are visible positions with at least id, issue, actor, stance,
    date and target; ``sources`` (default 1) says how many articles a row
    stands for, so callers can pass positions already grouped by date.
    ``latest`` (codebook → date) is where each negotiation's clock stops when
    the rows do not include every position.
    """
    rows = sorted((r for r in rows if r.get("date")), key=lambda r: (r["date"], r.get("id") or ""))
    if as_of:
        rows = [r for r in rows if r["date"][: len(as_of)] <= as_of]
    # Without --as-of, a negotiation's clock stops at its latest news: the store
    # knows nothing after that, so "waiting" is measured up to it, per codebook.
    latest = {k: first_day(v) for k, v in latest.items()} if latest else {}
    for r in rows if not latest else ():
        d = first_day(r["date"])
        book = r.get("codebook")
        if d and (book not in latest or d > latest[book]):
            latest[book] = d
    demands: dict[tuple, Demand] = {}
    by_issue: dict[str, list[Demand]] = {}
    for r in rows:
        if r["stance"] in ASKS:
            key = (r["issue"], r["actor"], r["stance"])
            d = demands.get(key)
            if d is None:
                d = demands[key] = Demand(r["issue"], r["actor"], r["stance"], r["date"], r["date"], r.get("target"),
                                          codebook=r.get("codebook"))
                by_issue.setdefault(r["issue"], []).append(d)
            d.last_date = r["date"]
            d.target = d.target or r.get("target")
            d.sources += r.get("sources", 1)
        elif r["stance"] in ANSWERS:
            standing = [d for d in by_issue.get(r["issue"], []) if d.actor != r["actor"] and d.date <= r["date"]]
            if not standing:
                continue
            targeted = [d for d in standing if d.target == r["actor"]]
            asker = (targeted or standing)[-1].actor
            # The answer answers everything that party has on the table on this issue.
            for d in standing:
                if d.actor == asker:
                    a0, a1 = first_day(d.date), first_day(r["date"])
                    d.answers.append(Answer(r["actor"], r["stance"], r["date"], r["id"],
                                            (a1 - a0).days if a0 and a1 else None))
    for d in demands.values():
        d.open = not any(a.stance != "no-response" for a in d.answers)
        start = first_day(d.date)
        end = first_day(as_of) if as_of else latest.get(d.codebook, start)
        d.waiting_days = (end - start).days if d.open and start and end else None
    return sorted(demands.values(), key=lambda d: (d.issue, d.date, d.actor, d.stance))


def issue_summary(demands: list[Demand], issue: str) -> str:
    """One line on where an issue stands: 'demanded by russia 2021-12-17 · rejected by us 2022-01-26 · osce: no response'."""
    parts = []
    by_actor: dict[str, list[Demand]] = {}
    for d in demands:
        if d.issue == issue:
            by_actor.setdefault(d.actor, []).append(d)
    for actor, mine in by_actor.items():
        verbs = " and ".join(PAST[d.stance].removesuffix(" by") for d in mine)
        parts.append(f"{verbs} by {actor} {min(d.date for d in mine)}")
        latest: dict[str, Answer] = {}
        for a in sorted((a for d in mine for a in d.answers), key=lambda a: a.date):
            latest[a.actor] = a
        for a in latest.values():
            if a.stance == "no-response":
                parts.append(f"{a.actor}: no response")
            elif a.stance == "open":
                parts.append(f"{a.actor} open {a.date}")
            else:
                parts.append(f"{PAST[a.stance]} {a.actor} {a.date}")
        waiting = [d.waiting_days for d in mine if d.open and d.waiting_days is not None]
        if waiting and len(waiting) == len(mine):
            parts.append(f"waiting {max(waiting)} days")
    return " · ".join(parts)


def stances_summary(cells: list[dict]) -> str:
    """Fallback line for an issue with no demand on record: each party's latest stance."""
    parts = []
    for c in sorted(cells, key=lambda c: c["date"]):
        verb = PAST.get(c["stance"])
        if c["stance"] == "no-response":
            parts.append(f"{c['actor']}: no response")
        elif c["stance"] == "open" or not verb:
            parts.append(f"{c['actor']} {c['stance']} {c['date']}")
        else:
            parts.append(f"{verb} {c['actor']} {c['date']}")
    return " · ".join(parts)
