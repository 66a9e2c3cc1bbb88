"""PostgreSQL: the titles' trigram index holds each folded title without its spaces
(search.queries.TITLE_KEY), so that a phrase's words keep their order in it.

pg_trgm takes the trigrams of a text word by word: for `LIKE '%mechanical engineering%'`
the index of the titles with their spaces found every title holding both words, 7,772 at
1,000,000 synthetic documents ("Mechanical and plant engineering"), none of which held the
phrase, and each was then tested: 23 of the search's 28 ms (2026-12-07). Without the spaces
the trigrams across the words' border ("ale", "len" of "mechanicalengineering") are in the
phrase's titles only. A single word is found as before: as a part of the title.

The index replaces the one of migration 0014: one trigram index is written per document, as
before. SQLite's FTS5 finds titles by its name columns and needs neither.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

FORWARDS = {
    "postgresql": [
        "CREATE INDEX search_doc_title_joined_trgm ON search_searchdocument "
        "USING gin ((replace(sort_key, ' ', '')) gin_trgm_ops)",
        "DROP INDEX IF EXISTS search_doc_title_trgm",
    ]
}
BACKWARDS = {
    "postgresql": [
        "CREATE INDEX search_doc_title_trgm ON search_searchdocument "
        "USING gin (sort_key gin_trgm_ops)",
        "DROP INDEX IF EXISTS search_doc_title_joined_trgm",
    ]
}


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0017_facet_keys_in_the_row"),
    ]

    operations = [
        migrations.RunPython(run_for_vendor(FORWARDS), run_for_vendor(BACKWARDS)),
    ]
