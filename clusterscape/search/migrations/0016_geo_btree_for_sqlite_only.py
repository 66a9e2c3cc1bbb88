"""The B-tree over (latitude, longitude) is SQLite's alone.

PostgreSQL answers a circle's box from the GiST index of points (migration 0015); no
statement of the search mix read the B-tree there any more (pg_stat_user_indexes after the
benchmark's queries at 100,000 documents: 0 scans), while every document written paid for
it: 3-4 % of PostgreSQL's indexing time in alternating runs (2026-12-07). SQLite keeps it for
its box condition (backends.SearchBackend.box_condition). The index leaves the model's state
and lives on in SQLite's schema as the migration that made it left it.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

FORWARDS = {"postgresql": ["DROP INDEX IF EXISTS search_doc_geo"]}
BACKWARDS = {
    "postgresql": [
        "CREATE INDEX search_doc_geo ON search_searchdocument (latitude, longitude)",
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0015_point_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="searchdocument", name="search_doc_geo"),
            ],
            database_operations=[
                migrations.RunPython(run_for_vendor(FORWARDS), run_for_vendor(BACKWARDS)),
            ],
        ),
    ]
