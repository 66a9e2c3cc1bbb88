"""Each document carries its facets in its own row (SearchDocument.facet_keys).

A search with words on PostgreSQL reads every matching row anyway (the text index's
matches are tested there); the facets of those rows were then looked up again, one index
descent per document to test each filter and another to count the facets, or every document
of a filter's value was hashed (country=DE: half the index). Of "Messtechnik" in Germany at
100,000 synthetic documents (968 of 1,905 matches), 6 ms went to hashing the 49,961
documents of country=DE and 9 ms to counting the facets by looking up each match's (EXPLAIN
ANALYZE, 2026-12-07). The facets' table stays: filters without words find documents by value
through it.

Existing documents get their keys from their facet rows, in the order of their ids (the
order services._store writes them in).
"""

from django.db import migrations, models

from clusterscape.core.migration_sql import run_for_vendor

# Added by hand on both: Django remakes a SQLite table to add a column with a default,
# which would drop the FTS5 triggers of migration 0002 with the old table. PostgreSQL adds
# a column with a constant default without rewriting the table.
ADD = "ALTER TABLE search_searchdocument ADD COLUMN facet_keys text NOT NULL DEFAULT ''"
DROP = "ALTER TABLE search_searchdocument DROP COLUMN facet_keys"
FORWARDS = {
    "postgresql": [
        ADD,
        "UPDATE search_searchdocument d SET facet_keys = COALESCE((SELECT '|' || "
        "string_agg(f.name || '=' || replace(f.value, '|', '/'), '|' ORDER BY f.id) || '|' "
        "FROM search_searchfacet f WHERE f.document_id = d.id), '')",
    ],
    "sqlite": [
        ADD,
        "UPDATE search_searchdocument SET facet_keys = COALESCE((SELECT '|' || "
        "group_concat(name || '=' || replace(value, '|', '/'), '|') || '|' FROM (SELECT "
        "name, value FROM search_searchfacet f WHERE f.document_id = "
        "search_searchdocument.id ORDER BY f.id)), '')",
    ],
}


BACKWARDS = {"postgresql": [DROP], "sqlite": [DROP]}


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0016_geo_btree_for_sqlite_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchdocument",
                    name="facet_keys",
                    field=models.TextField(blank=True, default=""),
                ),
            ],
            database_operations=[
                migrations.RunPython(run_for_vendor(FORWARDS), run_for_vendor(BACKWARDS)),
            ],
        ),
    ]
