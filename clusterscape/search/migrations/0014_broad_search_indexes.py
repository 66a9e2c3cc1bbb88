"""PostgreSQL: two indexes that let a broad search (thousands of matches) read a bounded
number of its matches instead of every one (search.queries, BROAD_LIMIT).

- search_doc_sample: the text index of a fixed sixteenth of the documents, those whose
  hashed id falls in the first sixteenth of the hash's range. The total and the facet
  counts of a broad search are estimated from its matches there (a uniform sample: the
  hash is Knuth's multiplicative one, as elsewhere in search.queries).
- search_doc_sparse_sample: the same for a 256th (within the sixteenth), for searches with
  tens of thousands of matches.

  The predicates must read exactly as queries.sampled() (where a doubled % is one, as in
  statements with parameters): the planner uses a partial index only for conditions it can
  prove imply the predicate (a test holds them together).
- search_doc_title_trgm: trigrams of the folded titles, so the documents with a query word
  in their title (which rank highest and are never left out of a broad search's
  candidates) are found without reading every match.

SQLite's FTS5 ranks every match inside the engine and needs neither.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

FORWARDS = {
    "postgresql": [
        "CREATE INDEX search_doc_sample ON search_searchdocument USING gin (kind, search_vector) "
        "WHERE (id * 2654435761) %% 4294967296 < 268435456",
        "CREATE INDEX search_doc_sparse_sample ON search_searchdocument "
        "USING gin (kind, search_vector) WHERE (id * 2654435761) %% 4294967296 < 16777216",
        "CREATE INDEX search_doc_title_trgm ON search_searchdocument "
        "USING gin (sort_key gin_trgm_ops)",
    ]
}
BACKWARDS = {
    "postgresql": [
        "DROP INDEX IF EXISTS search_doc_sample",
        "DROP INDEX IF EXISTS search_doc_sparse_sample",
        "DROP INDEX IF EXISTS search_doc_title_trgm",
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0013_facet_value_statistics"),
    ]

    operations = [
        migrations.RunPython(run_for_vendor(FORWARDS), run_for_vendor(BACKWARDS)),
    ]
