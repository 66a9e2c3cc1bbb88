"""PostgreSQL finds the documents of a facet's values through a GIN index of the documents'
facet keys (SearchDocument.facet_keys as an array), instead of the facets' B-tree over
(name, value, kind, document).

That B-tree was the largest single cost of indexing on PostgreSQL: each of about eleven
facet rows a document went into it at one of a few hundred places, each insert a descent of
its own. Measured on the Intel Xeon (2026-12-08, the facets of 100,000 documents, 1,079,051
rows, copied into a table of their own): 4.3–4.7 s with that index, 0.7 s with none;
the GIN index takes the same documents' keys in 0.75 s more than their rows without it
(each key of a document once, in a posting list of its value). The searches that read it
were faster too at 100,000 documents: the counts of a state's documents (a sample) 12.6 →
6.5 ms, the first 20 of them by name 5.3 → 2.0 ms.

SQLite keeps the B-tree (its searches read it; it has no GIN): the index leaves the model's
state and lives on in SQLite's schema as migration 0008 made it, as migration 0016 did for
the geo B-tree. The facets' rows stay on both: their key, (document, name, value), finds a
document's facets for the counts and for their removal.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

# (queries.FACET_KEY_ARRAY is this expression: PostgreSQL uses the index only for it)
FORWARDS = {
    "postgresql": [
        "CREATE INDEX search_doc_facets ON search_searchdocument "
        "USING gin (string_to_array(trim(BOTH '|' FROM facet_keys), '|'))",
        "DROP INDEX IF EXISTS search_facet_lookup_kind",
    ]
}
BACKWARDS = {
    "postgresql": [
        "CREATE INDEX search_facet_lookup_kind ON search_searchfacet "
        "(name, value, kind, document_id)",
        "DROP INDEX IF EXISTS search_doc_facets",
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0021_geo_cells"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="searchfacet", name="search_facet_lookup_kind"),
            ],
            database_operations=[
                migrations.RunPython(run_for_vendor(FORWARDS), run_for_vendor(BACKWARDS)),
            ],
        ),
    ]
