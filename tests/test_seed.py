"""The seed article (a wire story, read from ../shared only) reads in `status` as it does on the page."""

import json

from conftest import needs_shared


def test_seed_status_reads_like_the_article(cli):
    seed = needs_shared("seeds", "000_8270bfdcc4d74447.txt")
    r = cli("add", seed, "--published", "2022-02-14")
    assert r.code == 0, r.err
    cells = {(c["issue"], c["actor"]): c for c in json.loads(cli("status", "--json").out)}

    def stance(issue, actor):
        return cells[(issue, actor)]["stance"] if (issue, actor) in cells else None

    for issue in ("nato-expansion", "strike-weapons", "1997-configuration", "indivisibility-of-security"):
        assert stance(issue, "russia") == "demand", issue
    for issue in ("nato-expansion", "strike-weapons", "1997-configuration"):
        assert stance(issue, "us") == "reject", issue
    for issue in ("intermediate-range-missiles", "risk-reduction"):
        assert stance(issue, "us") in ("propose", "open"), issue
        assert stance(issue, "russia") == "open", issue
    assert stance("indivisibility-of-security", "osce") == "no-response"
    responded = [json.loads(x) for x in cli("timeline", "--issue", "security-guarantees", "--nl").out.splitlines()]
    respond = {r["actor"]: r["date"] for r in responded if r["stance"] == "respond"}
    assert {"us", "nato"} <= set(respond)
    assert all(d.startswith("2022-01") and (len(d) == 7 or d >= "2022-01-21") for d in respond.values())
    # The table itself says the same, and the OSCE's silence shows in where the issue stands.
    table = cli("status").out
    assert "no-response" in table and "reject" in table and "demand" in table
    demands = json.loads(cli("demands", "--json").out)
    ind = next(d for d in demands if d["issue"] == "indivisibility-of-security" and d["actor"] == "russia")
    assert any(a["actor"] == "osce" and a["stance"] == "no-response" for a in ind["answers"])
