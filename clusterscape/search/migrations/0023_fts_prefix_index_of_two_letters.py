"""SQLite's FTS5 table keeps one prefix index, of two letters, instead of three (two, three
and four letters).

Each prefix index takes every term of every document again: at 100,000 documents of the
benchmark, FTS5 took 8.7-10.5 s to index them with the three, 5.1-5.3 s with none, and each
one cost 1.4-1.7 s (the Intel Xeon, 2026-12-08). A word of three letters or more being
typed is now matched by the vocabulary's terms that begin with it (backends'
PREFIX_INDEX_LENGTH, as on PostgreSQL), which FTS5 reads 2-3 times faster than a prefix;
only a prefix that begins more than MAX_COMPLETIONS terms is matched by FTS5 itself, which
reads each of those terms' lists ("was"*: 2.3 ms instead of 0.3 at 100,000 documents).
Two letters ("ma"*: 52,365 documents) keep their index: without it, 13.7 ms instead of 1.6.

The table is made again with the same columns and content table, and filled from it (its
triggers belong to search_searchdocument and stay). PostgreSQL has no such table.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

COLUMNS = "title_terms, short_terms, keyword_terms, body_terms, phrase_terms"


def fts_table(prefixes: str) -> list[str]:
    return [
        "DROP TABLE search_fts",
        f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        {COLUMNS},
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='{prefixes}'
    )""",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0022_facet_keys_gin_for_postgresql"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor({"sqlite": fts_table("2")}),
            run_for_vendor({"sqlite": fts_table("2 3 4")}),
        ),
    ]
