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

The facet counts of a state's documents, over a sample of them (queries.FACET_SAMPLE), read
each of them from its row to test the sample's condition on its id: at 1,000,000 documents
31,000 rows for 500 (115 ms instead of 33–53 with the facets' B-tree). A B-tree of the ids'
hash (the sample's condition, queries.HASH_MULTIPLIER) gives the planner the sample's
documents, whose rows and the value's it intersects before reading any row; it takes
100,000 documents in 0.1–0.15 s more.

SQLite keeps the B-tree (its searches read it; it has no GIN): the index leaves the model's
state and lives on in SQLite's schema as migration 0008 made it, as migration 0016 did for
the geo B-tree. The facets' rows stay on both: their key, (document, name, value), finds a
document's facets for the counts and for their removal.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

# (models.facet_key_array is this expression: PostgreSQL uses the index only for it)
KEYS = "string_to_array(trim(BOTH '|' FROM facet_keys), '|')"
# The samples' predicates as queries.sampled writes them (%% is the operator %: the
# statements are sent with parameters, none), as in migration 0014.
SAMPLE = "(id * 2654435761) %% 4294967296 < 268435456"
SPARSE_SAMPLE = "(id * 2654435761) %% 4294967296 < 16777216"
FORWARDS = {
    "postgresql": [
        f"CREATE INDEX search_doc_facets ON search_searchdocument USING gin ({KEYS})",
        f"CREATE INDEX search_doc_facets_sample ON search_searchdocument USING gin ({KEYS}) "
        f"WHERE {SAMPLE}",
        f"CREATE INDEX search_doc_facets_sparse_sample ON search_searchdocument "
        f"USING gin ({KEYS}) WHERE {SPARSE_SAMPLE}",
        "DROP INDEX IF EXISTS search_facet_lookup_kind",
    ]
}
BACKWARDS = {
    "postgresql": [
        "CREATE INDEX search_facet_lookup_kind ON search_searchfacet "
        "(name, value, kind, document_id)",
        "DROP INDEX IF EXISTS search_doc_facets_sparse_sample",
        "DROP INDEX IF EXISTS search_doc_facets_sample",
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
