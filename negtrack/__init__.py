"""negtrack: a command-line negotiation-position tracker.

Feed it articles, statements and transcripts; it stores who demanded, proposed,
accepted, rejected or ignored which issue, when, and on what evidence, and
prints per-issue timelines and actor-by-issue status tables.
"""

__version__ = "0.1.0"
