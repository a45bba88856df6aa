"""Read-side views over the store: timeline, status, articles, show.

Design decisions:

* Each view returns plain dict rows whose keys are the JSON contract; the CLI
  hands them to ``output.emit`` unchanged, so a table, ``--json``, ``--nl`` and
  ``--csv`` always carry the same numbers.
* Partial dates sort honestly as ISO strings: "2022-01" sorts before
  "2022-01-05" and is shown as "2022-01", never padded into a fake day.
  Undated positions sort last.
* Positions an analyst rejected never appear in a view.
* Filters name unknown issues or actors as errors with the closest matches, so
  a typo is never a silently empty answer.
* Corroboration: the timeline shows one row per position however many
  articles report it. Rows with the same actor, issue, stance and date are one
  position, unless an analyst merged positions into a group (one row, whatever
  their fields) or split one out (its own row); the row carries ``sources``
  (distinct articles) and ``article_ids``.
"""

from __future__ import annotations

import difflib

from negtrack.errors import NotFoundError, UsageError

VISIBLE = "p.status != 'rejected'"
# Which of two stances reported for the same actor, issue and day leads a status cell
# when as many sources back each: decisive answers first, then asks and openings,
# then warnings and silence, and the process stances (respond, consult) last.
_STANCE_RANK = {s: i for i, s in enumerate(
    ("reject", "accept", "demand", "open", "propose", "warn", "no-response", "respond", "consult"))}


def _known(db, kind: str) -> list[str]:
    if kind == "issue":
        return [r[0] for r in db.execute("SELECT DISTINCT slug FROM issues ORDER BY slug")]
    return [r[0] for r in db.execute("SELECT DISTINCT id FROM actors ORDER BY id")]


def check_known(db, kind: str, values: list[str] | None, known: list[str] | None = None) -> None:
    """Raise a usage error naming the closest matches for an unknown issue or actor.

    ``known`` narrows the check to one codebook's ids (default: the whole store's).
    """
    if not values:
        return
    known = _known(db, kind) if known is None else sorted(known)
    for v in values:
        if v not in known:
            close = difflib.get_close_matches(v, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else (
                f"; known: {', '.join(known)}" if known else "; the store has none yet")
            raise UsageError(f"unknown {kind} {v!r}{hint}")


def check_date(value: str | None, option: str) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)."""
    if value is None:
        return None
    from datetime import date

    parts = value.split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            int(parts[0])
        elif len(parts) == 2:
            date(int(parts[0]), int(parts[1]), 1)
        elif len(parts) == 3:
            date(int(parts[0]), int(parts[1]), int(parts[2]))
        else:
            raise ValueError
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)") from None
    return value


def _filters(issues, actors, since=None, until=None):
    where, params = [VISIBLE], []
    if issues:
        where.append(f"p.issue IN ({','.join('?' * len(issues))})")
        params += issues
    if actors:
        where.append(f"p.actor IN ({','.join('?' * len(actors))})")
        params += actors
    if since:
        # A partial date overlapping the bound is kept: "2022-01" is on or after "2022-01-15"'s month.
        # The plain range bounds (year prefix, "~" after every ASCII date) say the same more
        # loosely, in a form the (issue, date) index can seek on.
        where.append("p.date IS NOT NULL AND p.date >= ? AND p.date >= substr(?, 1, length(p.date))")
        params += [since[:4], since]
    if until:
        where.append("p.date IS NOT NULL AND p.date < ? AND substr(p.date, 1, length(?)) <= ?")
        params += [until + "~", until, until]
    return " AND ".join(where), params


def snippet(text: str | None, width: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def timeline(db, issues=None, actors=None, since=None, until=None) -> list[dict]:
    check_known(db, "issue", issues)
    check_known(db, "actor", actors)
    where, params = _filters(issues, actors, check_date(since, "--since"), check_date(until, "--until"))
    sql = f"""
        SELECT p.uid AS id, p.date, p.date_precision, p.actor, p.stance, p.issue, p.speaker, p.target, p.codebook,
               p.evidence, p.confidence, p.status, p.article_id,
               coalesce(a.title, a.path) AS source, a.path AS article_path, p.group_id
        FROM positions p LEFT JOIN articles a ON a.id = p.article_id
        WHERE {where}
        ORDER BY p.date IS NULL, p.date, p.issue, p.actor, p.stance, p.article_id, p.start
    """
    rows = []
    groups: dict[tuple, dict] = {}
    for r in db.query(sql, params):
        key = corroboration_key(r)
        del r["group_id"]
        first = groups.get(key)
        if first is None:
            if r["speaker"] == r["actor"]:
                r["speaker"] = None
            r["evidence"] = snippet(r["evidence"])
            r.update(sources=0, article_ids=[], ids=[])
            first = groups[key] = r
            rows.append(r)
        first["ids"].append(r["id"])
        if r["article_id"] is not None and r["article_id"] not in first["article_ids"]:
            first["article_ids"].append(r["article_id"])
        # A manual position with no article is still one source: the analyst's.
        first["sources"] = max(1, len(first["article_ids"]))
    return rows


def corroboration_key(r: dict) -> tuple:
    """Which timeline row a position belongs to (see the module docstring).

    An undated position is never folded into another: "date unknown" is not
    the same date.
    """
    if r.get("group_id"):
        return ("group", r["group_id"])
    if r.get("date") is None:
        return ("one", r["id"])
    return ("same", r.get("codebook"), r["actor"], r["issue"], r["stance"], r["date"])


def status(db, as_of=None, issues=None, actors=None, created_before: str | None = None) -> list[dict]:
    """Each actor's latest stance per issue: one row per (issue, actor) cell.

    ``sources`` counts the articles backing that stance on that date, and, for
    a position an analyst merged with others (a corroboration group, as the
    timeline shows it), the articles of the group's members with the same
    actor, issue and stance, whatever their dates; when another stance was
    reported for the same actor, issue and date, ``disputed`` lists it.
    """
    check_known(db, "issue", issues)
    check_known(db, "actor", actors)
    where, params = _filters(issues, actors, until=check_date(as_of, "--as-of"))
    # The rows on a cell's latest date need no date bound (that date met it);
    # repeating it would steer the planner to a range walk instead of a seek.
    outer, outer_params = _filters(issues, actors)
    if created_before:
        where += " AND p.created < ?"
        params.append(created_before)
        outer += " AND p.created < ?"
        outer_params.append(created_before)
    # Only the rows on each (actor, issue)'s latest visible date are read: a
    # loose scan of the (actor, issue, date) index finds the pairs, one seek per
    # pair finds its latest date, so the cost follows the number of cells, not
    # of positions.
    sql = f"""
        WITH RECURSIVE pairs(actor, issue) AS (
            SELECT * FROM (SELECT actor, issue FROM positions ORDER BY actor, issue LIMIT 1)
            UNION ALL
            -- The next issue of the same actor, else the first issue of the next actor.
            SELECT coalesce((SELECT min(q.actor) FROM positions q WHERE q.actor = pairs.actor AND q.issue > pairs.issue),
                            (SELECT min(q.actor) FROM positions q WHERE q.actor > pairs.actor)),
                   coalesce((SELECT min(q.issue) FROM positions q WHERE q.actor = pairs.actor AND q.issue > pairs.issue),
                            (SELECT min(q.issue) FROM positions q
                             WHERE q.actor = (SELECT min(r.actor) FROM positions r WHERE r.actor > pairs.actor)))
            FROM pairs WHERE pairs.actor IS NOT NULL
        ),
        latest(actor, issue, date) AS (
            SELECT pairs.actor, pairs.issue,
                   (SELECT p.date FROM positions p INDEXED BY positions_actor_issue_date
                    WHERE p.actor = pairs.actor AND p.issue = pairs.issue AND {where} AND p.date IS NOT NULL
                    ORDER BY p.date DESC LIMIT 1)
            FROM pairs WHERE pairs.actor IS NOT NULL
        )
        SELECT p.codebook, p.issue, p.actor, p.stance, p.date, p.date_precision, p.article_id, p.status, p.group_id
        FROM latest l JOIN positions p ON p.actor = l.actor AND p.issue = l.issue AND p.date = l.date
        WHERE {outer}
        ORDER BY p.issue, p.actor, p.date
    """
    cells: dict[tuple[str, str], dict] = {}
    for r in db.query(sql, params + outer_params):
        key = (r["issue"], r["actor"])
        cell = cells.get(key)
        if cell is None or r["date"] > cell["date"]:
            cell = cells[key] = {"codebook": r["codebook"], "date": r["date"], "date_precision": r["date_precision"],
                                 "stances": {}}
        if r["date"] == cell["date"]:
            arts = cell["stances"].setdefault(r["stance"], set())
            arts.add(r["article_id"])
            if (r["group_id"] or "").startswith("g"):  # merged ("g…"), not split (its own uid)
                # One index seek per merged position shown: analysts merge few.
                arts.update(a for (a,) in db.execute(
                    f"""SELECT DISTINCT p.article_id FROM positions p INDEXED BY positions_group
                        WHERE p.group_id = ? AND p.actor = ? AND p.issue = ? AND p.stance = ? AND {where}""",
                    [r["group_id"], r["actor"], r["issue"], r["stance"], *params]))
    out = []
    for (issue, actor), cell in sorted(cells.items()):
        # More sources win; on a tie, _STANCE_RANK.
        ranked = sorted(cell["stances"].items(), key=lambda kv: (-len(kv[1]), _STANCE_RANK.get(kv[0], 99)))
        stance, arts = ranked[0]
        out.append(
            {
                "issue": issue,
                "actor": actor,
                "stance": stance,
                "date": cell["date"],
                "date_precision": cell["date_precision"],
                "sources": len(arts),
                "disputed": [s for s, _ in ranked[1:]],
                "codebook": cell["codebook"],
            }
        )
    return out


def status_matrix(cells: list[dict]) -> tuple[list[str], list[dict]]:
    """Pivot status cells into table rows: one per issue, one column per actor."""
    actors = sorted({c["actor"] for c in cells})
    by_issue: dict[str, dict] = {}
    for c in cells:
        row = by_issue.setdefault(c["issue"], {"issue": c["issue"]})
        text = f"{c['stance']} {c['date']}"
        if c["sources"] > 1:
            text += f" ({c['sources']})"
        if c["disputed"]:
            text += " vs " + ",".join(c["disputed"])
        row[c["actor"]] = text
    return ["issue"] + actors, [by_issue[k] for k in sorted(by_issue)]


def unsearchable(db) -> int:
    """How many stored articles a search cannot see: those waiting for the
    full-text index that could not be indexed (the store is read-only)."""
    from negtrack import store

    return store.unindexed(db)


def _make_searchable(db) -> None:
    """Index any stored article the full-text index still waits for (one a killed
    ``add`` left); a read-only store is searched as it is (see ``unsearchable``)."""
    import sqlite3

    from negtrack import store

    try:
        store.index_pending(db)
    except sqlite3.OperationalError as e:
        if "readonly" not in str(e) and "read-only" not in str(e):
            raise


def articles(db, search: str | None = None, limit: int | None = None) -> list[dict]:
    cols = """a.id, a.published, a.title, a.source, a.path, a.codebook,
              (SELECT count(*) FROM positions p WHERE p.article_id = a.id AND p.status != 'rejected') AS positions,
              a.added"""
    if search:
        _make_searchable(db)
        sql = f"""SELECT {cols} FROM articles a JOIN articles_fts f ON f.rowid = a.id
                  WHERE articles_fts MATCH ? ORDER BY f.rank"""
        params = [_fts_query(search)]
    else:
        sql = f"SELECT {cols} FROM articles a ORDER BY a.published IS NULL, a.published, a.id"
        params = []
    if limit:
        sql += f" LIMIT {int(limit)}"
    return list(db.query(sql, params))


def _fts_query(text: str) -> str:
    """User words as FTS5 phrase terms, so punctuation can't be read as FTS syntax."""
    words = [w.replace('"', '""') for w in text.split()]
    if not words:
        raise UsageError("--search needs at least one word")
    return " ".join(f'"{w}"' for w in words)


def find_article(db, ref: str) -> dict:
    """An article by id, content-hash prefix or path as given."""
    row = None
    if ref.isdigit():
        row = next(db.query("SELECT * FROM articles WHERE id = ?", [int(ref)]), None)
    if row is None and len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref.lower()):
        row = next(db.query("SELECT * FROM articles WHERE hash LIKE ?", [ref.lower() + "%"]), None)
    if row is None:
        row = next(db.query("SELECT * FROM articles WHERE path = ? ORDER BY id DESC", [ref]), None)
    if row is None:
        raise NotFoundError(f"no article {ref!r} in the store (see `negtrack articles`)")
    return row


def show(db, ref: str, excerpt: int = 600) -> dict:
    a = find_article(db, ref)
    positions = list(
        db.query(
            """SELECT uid AS id, actor, issue, stance, speaker, target, date, date_precision, evidence,
                      start, "end", confidence, status, rule
               FROM positions WHERE article_id = ? ORDER BY start, actor, issue""",
            [a["id"]],
        )
    )
    text = a.pop("text")
    a["excerpt"] = snippet(text, excerpt)
    a["chars"] = len(text)
    a["positions"] = positions
    return a


def actors(db) -> list[dict]:
    """Each party with its people, how many positions it holds and on which issues."""
    people: dict[tuple, list[str]] = {}
    for r in db.execute("SELECT codebook, party, name FROM people ORDER BY name"):
        people.setdefault((r[0], r[1]), []).append(r[2])
    counts: dict[tuple, tuple[int, str]] = {
        (r[0], r[1]): (r[2], r[3] or "")
        for r in db.execute(
            f"""SELECT p.codebook, p.actor, count(*), group_concat(DISTINCT p.issue)
                FROM positions p WHERE {VISIBLE} GROUP BY p.codebook, p.actor""")
    }
    out = []
    for r in db.query("SELECT codebook, id, name, kind FROM actors ORDER BY codebook, id"):
        n, issues_ = counts.get((r["codebook"], r["id"]), (0, ""))
        out.append({**r, "people": people.get((r["codebook"], r["id"]), []), "positions": n,
                    "issues": sorted(filter(None, issues_.split(",")))})
    return out


def demand_input(db, as_of: str | None = None) -> tuple[list[dict], dict]:
    """What demand ↔ response linking needs, read through index seeks only.

    ``demands.link`` takes position rows; a store of a million positions would
    hand it a million. It does not need them: per (issue, party, ask) only the
    first and last date and how many reports back it, and per answering
    (party, stance) only the earliest and latest answer inside each window
    between two successive demands of other parties (the link rule gives every
    answer in a window to the demand that opens it). Ordered seeks on the
    covering ``positions_stance_dates`` index give the first (see
    ``_stance_spans``); two seeks per window the second. ``link`` of these rows equals
    ``link`` of all rows, but for answers in the middle of a window, which
    change no summary.
    """
    from negtrack.demands import ANSWERS, ASKS

    bound, params = "", []
    if as_of:
        bound = " AND p.date < ?"
        params.append(as_of + "~")  # same bound as status: dates are ASCII, "~" sorts after them
    every = _stance_spans(db, bound, params)
    triples = [t for t in every if t["stance"] in ASKS + ANSWERS]
    rows: list[dict] = []
    asks: dict[tuple, list[tuple[str, str]]] = {}
    for t in triples:
        if t["stance"] in ASKS:
            key = (t["codebook"], t["issue"])
            asks.setdefault(key, []).append((t["first"], t["actor"]))
            # No target here: it is not in the index, and reading it would mean
            # reading every row of the demand; linking then falls back to
            # "another party answers" (the rule without a target).
            base = {k: t[k] for k in ("codebook", "issue", "actor", "stance")}
            rows.append(dict(base, date=t["first"], id=None, target=None, sources=t["n"]))
            if t["last"] != t["first"]:
                rows.append(dict(base, date=t["last"], id=None, target=None, sources=0))
    seek = f"""SELECT p.date, p.uid FROM positions p INDEXED BY positions_stance_dates
               WHERE p.codebook = ? AND p.issue = ? AND p.actor = ? AND p.stance = ? AND p.date >= ?
                     AND p.date < ? AND {VISIBLE}{bound}
               ORDER BY p.date {{}} LIMIT 1"""
    for t in triples:
        if t["stance"] not in ANSWERS:
            continue
        starts = sorted({d for d, actor in asks.get((t["codebook"], t["issue"]), []) if actor != t["actor"]})
        for k, lo in enumerate(starts):
            hi = starts[k + 1] if k + 1 < len(starts) else "~"
            args = [t["codebook"], t["issue"], t["actor"], t["stance"], lo, hi] + ([as_of + "~"] if as_of else [])
            first = db.execute(seek.format("ASC"), args).fetchone()
            if first is None:
                continue
            last = db.execute(seek.format("DESC"), args).fetchone()
            for date, uid in {first, last}:
                rows.append({"codebook": t["codebook"], "issue": t["issue"], "actor": t["actor"],
                             "stance": t["stance"], "date": date, "id": uid, "target": None})
    # Each negotiation's latest news, over every stance: where "waiting" stops.
    latest: dict = {}
    for t in every:
        if t["last"] > latest.get(t["codebook"], ""):
            latest[t["codebook"]] = t["last"]
    return rows, latest


def _stance_spans(db, bound: str, params: list) -> list[dict]:
    """First and last date and count of every (codebook, issue, actor, stance) on record.

    Candidates come from the codebooks (actors × issues × stances, a few
    hundred) and each is two ordered seeks on ``positions_stance_dates``, so
    the cost does not grow with the number of positions; only asks are
    counted (a range count on the same index). Positions whose actor or issue
    has left its codebook since are not linked.
    """
    from negtrack.demands import ASKS
    from negtrack.models import STANCES

    # INDEXED BY: with a date bound the planner may prefer the (issue, date)
    # index and walk every date of the issue; this one seeks per party and stance.
    seek = f"""SELECT p.date FROM positions p INDEXED BY positions_stance_dates
               WHERE p.codebook = ? AND p.issue = ? AND p.actor = ? AND p.stance = ?
                     AND p.date IS NOT NULL AND {VISIBLE}{bound}
               ORDER BY p.date {{}} LIMIT 1"""
    count = f"""SELECT count(*) FROM positions p INDEXED BY positions_stance_dates
                WHERE p.codebook = ? AND p.issue = ? AND p.actor = ? AND p.stance = ?
                      AND p.date IS NOT NULL AND {VISIBLE}{bound}"""
    spans = []
    pairs = db.execute("SELECT a.codebook, i.slug, a.id FROM actors a JOIN issues i ON i.codebook = a.codebook")
    for codebook, issue, actor in pairs.fetchall():
        for stance in STANCES:
            args = [codebook, issue, actor, stance, *params]
            first = db.execute(seek.format("ASC"), args).fetchone()
            if first is None:
                continue
            last = db.execute(seek.format("DESC"), args).fetchone()
            n = db.execute(count, args).fetchone()[0] if stance in ASKS else 1
            spans.append({"codebook": codebook, "issue": issue, "actor": actor, "stance": stance,
                          "first": first[0], "last": last[0], "n": n})
    return spans


def linked_demands(db, as_of: str | None = None) -> list:
    from negtrack import demands

    rows, latest = demand_input(db, as_of)
    return demands.link(rows, as_of, latest=latest)


def issues(db, as_of: str | None = None) -> list[dict]:
    """Each issue with its proposition, its number of positions and where it stands."""
    stands = dict(issue_lines(db, as_of))
    counts = {(r[0], r[1]): r[2] for r in db.execute(
        f"SELECT p.codebook, p.issue, count(*) FROM positions p WHERE {VISIBLE} GROUP BY p.codebook, p.issue")}
    return [
        {**r, "positions": counts.get((r["codebook"], r["slug"]), 0), "stands": stands.get(r["slug"], "")}
        for r in db.query("SELECT codebook, slug, title, proposition FROM issues ORDER BY codebook, slug")
    ]


def demand_rows(db, open_only: bool = False, as_of: str | None = None, issues_=None, ds=None) -> list[dict]:
    check_known(db, "issue", issues_)
    rows = [d.as_row() for d in (ds if ds is not None else linked_demands(db, as_of))]
    if issues_:
        rows = [r for r in rows if r["issue"] in issues_]
    return [r for r in rows if r["open"]] if open_only else rows


def issue_lines(db, as_of=None, issues_=None, ds=None, cells=None) -> list[tuple[str, str]]:
    """(slug, where it stands) for each issue that has positions."""
    from negtrack import demands

    ds = ds if ds is not None else linked_demands(db, as_of)
    cells = cells if cells is not None else status(db, as_of=as_of)
    out = []
    for slug in sorted({c["issue"] for c in cells}):
        if issues_ and slug not in issues_:
            continue
        line = demands.issue_summary(ds, slug) or demands.stances_summary([c for c in cells if c["issue"] == slug])
        out.append((slug, line))
    return out


def attach_answers(db, rows: list[dict]) -> list[dict]:
    """Give each demand or proposal in ``rows`` the answers linked to it (``answers``)."""
    by_key = {(d.codebook, d.issue, d.actor, d.stance): d for d in linked_demands(db)}
    for r in rows:
        d = by_key.get((r.get("codebook"), r["issue"], r["actor"], r["stance"]))
        if d is not None:
            r["answers"] = [a.__dict__ for a in d.answers]
            r["waiting_days"] = d.waiting_days
    return rows
