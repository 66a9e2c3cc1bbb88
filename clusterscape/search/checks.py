"""System checks of what the search index needs from its database (`manage.py check`, and
before `migrate` and the server start)."""

import sqlite3
from collections.abc import Iterable

from django.conf import settings
from django.core import checks

# `DELETE … RETURNING` (services._delete_documents: a document's facets removed and counted
# in one statement) came with SQLite 3.35.0. Django 5.2 itself runs on 3.31.
MIN_SQLITE = (3, 35, 0)


@checks.register(checks.Tags.compatibility)
def sqlite_version(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    engines = [database["ENGINE"] for database in settings.DATABASES.values()]
    return sqlite_errors(engines, sqlite3.sqlite_version_info)


def sqlite_errors(engines: Iterable[str], version: tuple[int, ...]) -> list[checks.CheckMessage]:
    """An error when a database runs on SQLite older than the search index needs."""
    if tuple(version) >= MIN_SQLITE or not any(engine.endswith("sqlite3") for engine in engines):
        return []
    found = ".".join(map(str, version))
    needed = ".".join(map(str, MIN_SQLITE))
    return [
        checks.Error(
            f"SQLite {found} is too old for the search index, which needs {needed} or later "
            "(DELETE … RETURNING).",
            hint="Run with a Python built against a newer SQLite (python.org's builds, "
            "Debian 12, Ubuntu 22.04 have one), or on PostgreSQL (DATABASE_URL).",
            id="search.E001",
        )
    ]
