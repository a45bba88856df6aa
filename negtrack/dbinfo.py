"""What `negtrack db status` reports: location, size, schema version, counts."""

from __future__ import annotations

import os
from pathlib import Path


def info(db, path: Path) -> dict:
    from negtrack.db import schema_version

    def count(sql: str) -> int:
        return db.execute(sql).fetchone()[0]

    size = sum(os.path.getsize(p) for p in (str(path), f"{path}-wal") if os.path.exists(p))
    return {
        "path": str(path),
        "size_bytes": size,
        "schema_version": schema_version(db),
        "articles": count("SELECT count(*) FROM articles"),
        "positions": count("SELECT count(*) FROM positions"),
        "reviewed": count("SELECT count(*) FROM positions WHERE status != 'auto'"),
        "codebooks": ", ".join(r[0] for r in db.execute("SELECT name FROM codebooks ORDER BY name")),
        "undated_articles": count("SELECT count(*) FROM articles WHERE published IS NULL"),
    }
