"""`negtrack report`: one self-contained file to share — status, timelines, a chart.

Design decisions:

* The chart is inline SVG written here (no plotting library, no script, no web
  font, no network): issues are lanes, time runs left to right, each actor has
  a colour and each stance a marker shape. It opens in any browser offline and
  survives being mailed around.
* Markdown embeds the same SVG (GitHub and most viewers render inline SVG in
  HTML blocks); the tables are plain Markdown.
* All text is escaped: article titles and evidence are untrusted input.
"""

from __future__ import annotations

from datetime import date
from html import escape

from negtrack.demands import first_day

ACTOR_PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                 "#7f7f7f", "#bcbd22"]
# One marker shape per stance: the same everywhere in the report.
STANCE_MARKERS = {
    "demand": "square",
    "propose": "diamond",
    "accept": "circle",
    "open": "ring",
    "reject": "cross",
    "no-response": "dash",
    "warn": "triangle",
    "consult": "plus",
    "respond": "triangle-down",
}


def actor_colours(actors: list[str]) -> dict[str, str]:
    return {a: ACTOR_PALETTE[i % len(ACTOR_PALETTE)] for i, a in enumerate(sorted(set(actors)))}


# Polygon markers as corner offsets from the marker's centre (radius 6).
_POLYGONS = {
    "diamond": ((0, -7), (7, 0), (0, 7), (-7, 0)),
    "triangle": ((0, -7), (7, 6), (-7, 6)),
    "triangle-down": ((0, 7), (7, -6), (-7, -6)),
}


def _marker(shape: str, x: float, y: float, colour: str, title: str) -> str:
    r = 6
    t = f"<title>{escape(title)}</title>"
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{colour}">{t}</rect>'
    if shape in _POLYGONS:
        pts = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in _POLYGONS[shape])
        return f'<polygon points="{pts}" fill="{colour}">{t}</polygon>'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}">{t}</circle>'
    if shape == "ring":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r - 1}" fill="white" stroke="{colour}" stroke-width="3">{t}</circle>'
    if shape == "cross":
        return (f'<g stroke="{colour}" stroke-width="3">{t}<line x1="{x - r:.1f}" y1="{y - r:.1f}" x2="{x + r:.1f}" '
                f'y2="{y + r:.1f}"/><line x1="{x - r:.1f}" y1="{y + r:.1f}" x2="{x + r:.1f}" y2="{y - r:.1f}"/></g>')
    if shape == "plus":
        return (f'<g stroke="{colour}" stroke-width="3">{t}<line x1="{x - r:.1f}" y1="{y:.1f}" x2="{x + r:.1f}" '
                f'y2="{y:.1f}"/><line x1="{x:.1f}" y1="{y - r:.1f}" x2="{x:.1f}" y2="{y + r:.1f}"/></g>')
    return (f'<line x1="{x - r:.1f}" y1="{y:.1f}" x2="{x + r:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="4">{t}</line>')


def chart_svg(rows: list[dict], width: int = 960) -> str:
    """Issues as lanes, actors as colours, stances as markers."""
    dated = [r for r in rows if first_day(r.get("date"))]
    issues = sorted({r["issue"] for r in dated})
    if not dated:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><text x="10" y="25">no dated positions</text></svg>'
    colours = actor_colours([r["actor"] for r in dated])
    days = [first_day(r["date"]) for r in dated]
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)
    left, right, top, lane = 200, 30, 30, 34
    plot_w = width - left - right
    legend_h = 60
    height = top + lane * len(issues) + 40 + legend_h
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" '
           f'aria-label="timeline chart">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for i, issue in enumerate(issues):
        y = top + lane * i + lane / 2
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(issue)}</text>')
    axis_y = top + lane * len(issues) + 10
    out.append(f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="#555"/>')
    for k in range(5):
        d = date.fromordinal(lo.toordinal() + round(span * k / 4))
        x = left + plot_w * k / 4
        out.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">{d.isoformat()}</text>')
    seen_offsets: dict[tuple, int] = {}
    for r in dated:
        d = first_day(r["date"])
        x = left + plot_w * (d - lo).days / span
        i = issues.index(r["issue"])
        k = seen_offsets.get((r["issue"], d), 0)
        seen_offsets[(r["issue"], d)] = k + 1
        y = top + lane * i + lane / 2 + ((k % 3) - 1) * 7  # stack same-day markers a little apart
        title = f"{r['date']} {r['actor']} {r['stance']} {r['issue']}"
        out.append(_marker(STANCE_MARKERS.get(r["stance"], "circle"), x, y, colours[r["actor"]], title))
    ly = axis_y + 36
    x = left
    for actor, colour in colours.items():
        out.append(f'<rect x="{x}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="{ly}">{escape(actor)}</text>')
        x += 24 + 7 * len(actor)
    x = left
    for stance, shape in STANCE_MARKERS.items():
        out.append(_marker(shape, x + 5, ly + 18, "#333", stance) + f'<text x="{x + 14}" y="{ly + 22}">{stance}</text>')
        x += 28 + 7 * len(stance)
    out.append("</svg>")
    return "".join(out)


def build(db, as_of: str | None = None, title: str = "negtrack report", codebook: str | None = None) -> dict:
    """Everything a report shows, as plain data: one section per codebook (negotiation).

    Negotiations are kept apart because their time scales differ: one chart
    spanning 2022 and 2023 would squeeze each into a sliver.
    """
    from negtrack import views

    rows = views.timeline(db, until=as_of)
    cells = views.status(db, as_of=as_of)
    lines = dict(views.issue_lines(db, as_of, cells=cells))
    books = sorted({r["codebook"] for r in rows} | {c["codebook"] for c in cells})
    if codebook:
        books = [b for b in books if b == codebook]
    sections = []
    for book in books:
        mine = [r for r in rows if r["codebook"] == book]
        issues = sorted({r["issue"] for r in mine})
        sections.append({
            "codebook": book,
            "status": [c for c in cells if c["codebook"] == book],
            "timeline": mine,
            "summaries": {i: lines.get(i, "") for i in issues},
            "chart": chart_svg(mine),
        })
    return {"title": title, "as_of": as_of, "sections": sections}


def _matrix(cells):
    from negtrack.views import status_matrix

    return status_matrix(cells)


def to_markdown(data: dict) -> str:
    out = [f"# {data['title']}", ""]
    if data["as_of"]:
        out += [f"As of {data['as_of']}.", ""]
    if not data["sections"]:
        out.append("No positions yet.")
    for sec in data["sections"]:
        columns, rows = _matrix(sec["status"])
        out += [f"## {sec['codebook']}", "", "### Status", ""]
        out.append("| " + " | ".join(columns) + " |")
        out.append("|" + "---|" * len(columns))
        for r in rows:
            out.append("| " + " | ".join(_md(r.get(c, "")) for c in columns) + " |")
        out += ["", "### Chart", "", sec["chart"], ""]
        for issue, summary in sec["summaries"].items():
            out += [f"### {issue}", "", f"*{_md(summary)}*" if summary else "", ""]
            for r in (r for r in sec["timeline"] if r["issue"] == issue):
                speaker = f" (per {r['speaker']})" if r.get("speaker") else ""
                out.append(f"- **{r['date'] or 'undated'}** {r['actor']} *{r['stance']}*{speaker}: "
                           f"“{_md(r['evidence'])}” — {_md(r['source'] or '')}")
            out.append("")
    return "\n".join(out)


def _md(text) -> str:
    return escape(str(text or "")).replace("|", "\\|").replace("\n", " ")


CSS = """body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left}
th{background:#f3f3f3}.summary{color:#555;font-style:italic}li{margin:.3em 0}.date{font-weight:bold}"""


def to_html(data: dict) -> str:
    h = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         f"<title>{escape(data['title'])}</title><style>{CSS}</style></head><body>",
         f"<h1>{escape(data['title'])}</h1>"]
    if data["as_of"]:
        h.append(f"<p>As of {escape(data['as_of'])}.</p>")
    if not data["sections"]:
        h.append("<p>No positions yet.</p>")
    for sec in data["sections"]:
        columns, rows = _matrix(sec["status"])
        h += [f"<h2>{escape(sec['codebook'])}</h2>", "<h3>Status</h3>",
              "<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in columns) + "</tr>"]
        for r in rows:
            h.append("<tr>" + "".join(f"<td>{escape(str(r.get(c, '')))}</td>" for c in columns) + "</tr>")
        h += ["</table>", "<h3>Chart</h3>", f'<div class="chart">{sec["chart"]}</div>']
        for issue, summary in sec["summaries"].items():
            h.append(f"<h3>{escape(issue)}</h3>")
            if summary:
                h.append(f'<p class="summary">{escape(summary)}</p>')
            h.append("<ul>")
            for r in (r for r in sec["timeline"] if r["issue"] == issue):
                speaker = f" (per {escape(r['speaker'])})" if r.get("speaker") else ""
                h.append(f'<li><span class="date">{escape(r["date"] or "undated")}</span> {escape(r["actor"])} '
                         f'<em>{escape(r["stance"])}</em>{speaker}: “{escape(r["evidence"])}” — '
                         f'{escape(r["source"] or "")}</li>')
            h.append("</ul>")
    h.append("</body></html>")
    return "\n".join(h)
