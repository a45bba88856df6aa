"""The commented codebook template `negtrack codebook new` writes.

Design decisions:

* The template is a working codebook, not a form: it loads and validates as
  written (a test checks it), with one of everything (issue, two actors, a
  person, stance cues), so a user edits from something that runs rather than
  debugging a blank page.
* Comments explain each key where it is used; the full reference stays in
  the ``negtrack.codebook`` docstring and the README, so the template stays
  short enough to read.
* Writing is ``open(path, "x")``: an existing file is never overwritten, even
  if it appears between the check and the write.
"""

from __future__ import annotations

from pathlib import Path

from negtrack.errors import UsageError

TEMPLATE = '''\
# negtrack codebook: {name}
# Issues, actors, people and cue words of one negotiation.
# Check it with:   negtrack codebook validate {name}.toml
# Use it with:     negtrack add articles/ --codebook {name}
# After changing an alias or a cue:  negtrack reprocess --codebook {name}
# Cues and aliases are plain phrases, matched case-insensitively on word boundaries;
# write a regular expression as "re:..." (e.g. "re:\\\\bwater[- ]sharing\\\\b").

[codebook]
name = "{name}"                      # lowercase letters, digits and '-'; must match --codebook
title = "{title}"
description = "Who is negotiating what, and when."
# version = "1"                      # optional; by default a hash of this file

# --- Issues ------------------------------------------------------------------
# Each issue states ONE proposition on the table; every stance is toward it
# (demand it, propose it, accept it, reject it, ...). Slugs are your stable ids.

[[issues]]
slug = "example-issue"
title = "Example issue"
proposition = "Party A's proposal is adopted"
cues = ["example proposal", "the proposal"]   # phrases that name the issue
# counter = ["the alternative plan"]           # phrases of the counter-position (upholding one = reject)
# weak = ["talks", "negotiations"]             # too general alone; used only when no other issue is named

# --- Actors --------------------------------------------------------------------
# Parties that hold positions: states, organisations, blocs, parties. Never journalists.

[[actors]]
id = "party-a"
name = "Party A"
kind = "state"                       # state, organisation, bloc, party, executive, ...
aliases = ["Party A"]                # names in the text that mean this actor
adjectives = []                      # e.g. "Ruritanian" (counts before "officials", "delegation", ...)
# metonyms = ["the capital"]          # names that stand for it in context

[[actors]]
id = "party-b"
name = "Party B"
kind = "state"
aliases = ["Party B"]
adjectives = []

# --- People ----------------------------------------------------------------------
# People are mapped to the party they speak for.

[[people]]
id = "a-negotiator"
name = "A. Negotiator"
aliases = ["Negotiator"]
party = "party-a"
# from = 2024-01-01                   # optional: in office from / to (TOML dates)
# to = 2026-12-31
# labels = ["MR. NEGOTIATOR"]         # transcript speaker labels
# pronoun = "he"                      # he, she or they: which of "he"/"she" may stand for them

# --- Stances -----------------------------------------------------------------------
# Extra cue phrases per stance, added to the engine's own. Stances: demand, propose,
# accept, open, reject, no-response, warn, consult, respond.

[stances]
reject = ["not for discussion"]
# demand = ["insists on"]

# Optional: the issue a stance cue is about when its sentence names none.
# [defaults]
# consult = "example-issue"
'''


def render(name: str, title: str | None = None) -> str:
    """The template for codebook ``name`` (validated: a bad name is a usage error)."""
    from negtrack.codebook import SLUG_RE

    if not SLUG_RE.match(name):
        raise UsageError(f"codebook name {name!r} must be lowercase letters, digits and '-' (e.g. nile-water-2025)")
    title = title or name.replace("-", " ").capitalize()
    return TEMPLATE.format(name=name, title=title.replace('"', "'"))


def write_new(name: str, path: str | None = None, title: str | None = None) -> Path | None:
    """Write the template to ``path`` (default: the user's codebook dir); ``-`` prints it.

    Returns the path written, or None when printed.
    """
    import sys

    from negtrack.codebook import user_dir

    text = render(name, title)
    if path == "-":
        sys.stdout.write(text)
        return None
    target = Path(path) if path else user_dir() / f"{name}.toml"
    if target.is_dir():
        target = target / f"{name}.toml"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise UsageError(f"{target} exists; refusing to overwrite it (pick another name or -o PATH)") from None
    except OSError as e:
        raise UsageError(f"{target}: cannot write: {e.strerror}") from None
    return target
