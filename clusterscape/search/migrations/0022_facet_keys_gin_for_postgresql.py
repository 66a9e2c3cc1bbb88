"""PostgreSQL keeps a document's facets only as its keys (SearchDocument.facet_keys), and
finds the documents of a facet's values through a GIN index of them, instead of a row of
search_searchfacet for each value in a B-tree over (name, value, kind, document) and the
key's B-tree over (document, name, value). SQLite keeps the rows and both B-trees.

The facet rows were the largest single cost of indexing on PostgreSQL. Measured on the
Intel Xeon (2026-12-08) with the facets of 100,000 documents (1,079,051 rows) copied into a
table of their own: 0.7 s without an index, 1.8 s with the key's, 4.3-4.7 s with the
(name, value, kind, document) one alone (an insert at one of a few hundred places, each a
descent of its own); the GIN index takes the same documents' keys in 0.75 s (each
document's keys once, in a posting list of each value). The documents' rows already
carried the keys: PostgreSQL's searches with words test filters and count facets on them
(migration 0017); now those without words do too.

A facet count over a sample of a value's documents (queries.FACET_SAMPLE) reads only the
sample's rows through two GIN indexes of the keys of the text index's samples (their
predicates, migration 0014): without them, the counts of a state's documents at 1,000,000
read 31,000 rows for 500 (115 ms).

The B-tree over (name, value, kind, document) leaves the model's state and lives on in
SQLite's schema as migration 0008 made it, as migration 0016 did for the geo B-tree.
PostgreSQL's facet rows are emptied (backwards, they are made again from the keys).
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

# (models.facet_key_array is this expression: PostgreSQL uses the index only for it)
KEYS = "string_to_array(trim(BOTH '|' FROM facet_keys), '|')"
# The samples' predicates as queries.sampled writes them (%% is the operator %: the
# statements are sent with parameters, none), as in migration 0014, and a test every
# document passes (each has its type) that only the facets' conditions state
# (queries._keys_condition): with the samples' predicates alone, the planner read a broad
# search's sample from these indexes instead of from the sample's text index.
SAMPLE = "(id * 2654435761) %% 4294967296 < 268435456 AND facet_keys <> ''"
SPARSE_SAMPLE = "(id * 2654435761) %% 4294967296 < 16777216 AND facet_keys <> ''"
FORWARDS = {
    "postgresql": [
        f"CREATE INDEX search_doc_facets ON search_searchdocument USING gin ({KEYS})",
        f"CREATE INDEX search_doc_facets_sample ON search_searchdocument USING gin ({KEYS}) "
        f"WHERE {SAMPLE}",
        f"CREATE INDEX search_doc_facets_sparse_sample ON search_searchdocument "
        f"USING gin ({KEYS}) WHERE {SPARSE_SAMPLE}",
        "DROP INDEX IF EXISTS search_facet_lookup_kind",
        # the documents' keys are their facets from now on (backends' FACET_ROWS)
        "TRUNCATE search_searchfacet",
    ]
}
BACKWARDS = {
    "postgresql": [
        "INSERT INTO search_searchfacet (document_id, name, value, kind) "
        "SELECT d.id, split_part(f.k, '=', 1), substr(f.k, strpos(f.k, '=') + 1), d.kind "
        f"FROM search_searchdocument d CROSS JOIN LATERAL unnest({KEYS}) AS f(k)",
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
