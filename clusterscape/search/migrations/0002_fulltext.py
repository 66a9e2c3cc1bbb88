"""The full-text structures of each database, beside the tables of 0001.

SQLite: an FTS5 table over the pre-analysed columns of search_searchdocument (external
content, kept in step by triggers, as the FTS5 documentation describes), with prefix indexes
for search as you type.

PostgreSQL: the pg_trgm extension (typo candidates from the vocabulary), a generated
tsvector column with weights A (title, short name), B (keywords), C (body), D (phrase
stream) and a GIN index on it, and a trigram GIN index on the vocabulary.

Note for later migrations of search_searchdocument: on SQLite, Django alters a table by
copying it, which drops its triggers; such a migration must run SQLITE_FORWARDS' triggers
again and then `manage.py rebuild_search_index`.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

COLUMNS = "title_terms, short_terms, keyword_terms, body_terms, phrase_terms"
NEW = ", ".join(f"new.{column}" for column in COLUMNS.split(", "))
OLD = ", ".join(f"old.{column}" for column in COLUMNS.split(", "))

SQLITE_FORWARDS = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        {COLUMNS},
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3 4'
    )""",
    f"""CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
    f"""CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
    END""",
    f"""CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD});
        INSERT INTO search_fts(rowid, {COLUMNS}) VALUES (new.id, {NEW});
    END""",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER search_fts_update",
    "DROP TRIGGER search_fts_delete",
    "DROP TRIGGER search_fts_insert",
    "DROP TABLE search_fts",
]

# Migration 0011 makes the column a plain one, written by the app; its way back runs this.
ADD_GENERATED_VECTOR = """ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, short_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, keyword_terms), 'B')
        || setweight(to_tsvector('simple'::regconfig, body_terms), 'C')
        || setweight(to_tsvector('simple'::regconfig, phrase_terms), 'D')
    ) STORED"""

POSTGRES_FORWARDS = [
    ADD_GENERATED_VECTOR,
    "CREATE INDEX search_doc_vector ON search_searchdocument USING gin (search_vector)",
    "CREATE INDEX search_term_trgm ON search_searchterm USING gin (term gin_trgm_ops)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX search_term_trgm",
    "DROP INDEX search_doc_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),  # does nothing on databases other than PostgreSQL
        migrations.RunPython(
            run_for_vendor({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRES_FORWARDS}),
            run_for_vendor({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRES_BACKWARDS}),
        ),
    ]
