"""Running a migration of the search app over documents indexed before it, in a test."""

import contextlib
from collections.abc import Iterator

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@contextlib.contextmanager
def migrated_from(before: str, migration: str) -> Iterator[None]:
    """Inside: the schema migrated back to `before` and forwards to `migration` (the data
    written before kept). After, the latest migrations again, for the rest of the test and
    the tests after it. The test needs django_db(transaction=True, serialized_rollback=True)."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("search")
    try:
        executor.migrate([("search", before)])
        executor.loader.build_graph()
        executor.migrate([("search", migration)])
        yield
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)
