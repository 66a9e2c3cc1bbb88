"""PostgreSQL: a broad search finds the titles holding a query word through a vector of the
title's terms (search.backends.title_vector_literal) instead of the titles' trigrams.

A trigram index finds every title holding the word's trigrams, wherever they stand, and
each is then read from the table to be tested: "maschinenbau" has all its trigrams in
"Maschinen- und Anlagenbau", so at 1,000,000 synthetic documents the index found 11,807
titles for none that held the word, 42 ms warm and about 200 from the operating system's
cache; "optics", "sensors", "Netze", "Fintech" and "water" 1,700-8,000 each (2026-12-07).
The planner cannot foresee this: it estimates the true titles, not the index's false ones.

The vector holds the terms of the title and the short name, as the text's vector holds them
with weight A (the forms each word matches by: stems, parts of compounds, joined hyphenated
words), and each two neighbouring words of the title ("~hydrogen valley"): a quoted
phrase's titles are those holding each of its pairs, where migration 0018 read them from
the trigrams of the title without its spaces. A title is now a "title match" where its
terms match the word, as on SQLite, whose FTS5 name columns answer the same question.

The vectors of the documents indexed already are made here from their text's vector and
their sort key; the app makes the same (tests/test_backends.py compares them). One index is
written per document, as before.

Measured on 2026-12-07 (Intel Xeon, a slow phase):
- "Maschinenbau" at 1,000,000 documents: 13.7 ms against 46.5 warm. The single word's p95
  over the benchmark's 60 searches, each run after a restart of the server: 36.5-40.2 ms
  against 35.7-97.8.
- Indexing: 30,000 documents stored into 100,000, alternating: 2,613-2,655 documents/s
  against 2,337-2,668, no difference beyond the noise. Beside the same documents without a
  title index, the server's time grew by 0.2-0.5 s with this index and by 1.1-1.5 s with
  the trigrams'. The index is 70 MB at 1,000,000 documents, the trigrams' was 86.
- This migration took 3 minutes 53 seconds on 1,000,000 documents (with VACUUM ANALYZE):
  the table is locked meanwhile.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor


def title_vector_sql(vector: str, sort_key: str) -> str:
    """The title vector as backends.title_vector_literal makes it, from a document's text
    vector (its lexemes of weight A) and its sort key (each two neighbouring words of it as
    backends.title_pair joins them: the words as analysis.WORD_RE finds them)."""
    pairs = (
        "SELECT pair FROM (SELECT '~' || word[1] || ' ' || lead(word[1]) OVER (ORDER BY n) AS pair "
        f"FROM regexp_matches({sort_key}, '[a-z0-9]+', 'g') WITH ORDINALITY AS words(word, n)) "
        "pairs WHERE pair IS NOT NULL"
    )
    return f"strip(ts_filter({vector}, '{{a}}')) || array_to_tsvector(ARRAY({pairs}))"


POSTGRES_FORWARDS = [
    "ALTER TABLE search_searchdocument ADD COLUMN title_vector tsvector",
    "UPDATE search_searchdocument "
    f"SET title_vector = {title_vector_sql('search_vector', 'sort_key')}",
    "CREATE INDEX search_doc_title_vector ON search_searchdocument USING gin (title_vector)",
    "DROP INDEX IF EXISTS search_doc_title_joined_trgm",
]
POSTGRES_BACKWARDS = [
    "CREATE INDEX search_doc_title_joined_trgm ON search_searchdocument "
    "USING gin ((replace(sort_key, ' ', '')) gin_trgm_ops)",
    "ALTER TABLE search_searchdocument DROP COLUMN title_vector",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0019_facet_key_of_document_name_value"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRES_FORWARDS}),
            run_for_vendor({"postgresql": POSTGRES_BACKWARDS}),
        ),
    ]
