"""PostgreSQL compresses the index's long values (body, keywords, the analysed text and the
tsvector made from it) with lz4 instead of pglz, where the server was built with lz4:
pglz was the function the server spent most time in while indexing (about 7 % of its
time), and indexing 30,000 documents took 3-13 % less server time with lz4 (three runs
alternating with pglz). Values already
stored keep their compression until they are written again; a server without lz4 keeps
pglz. Nothing to do on SQLite."""

from django.db import migrations

COLUMNS = ("body", "keywords", "keyword_terms", "body_terms", "phrase_terms", "search_vector")


def set_compression(method: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            # lz4 is among the setting's values only on servers built with it
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
            row = cursor.fetchone()
        # before PostgreSQL 14 there is no setting and no choice of compression
        if row is None or (method == "lz4" and not row[0]):
            return
        schema_editor.execute(
            "ALTER TABLE search_searchdocument "
            + ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COLUMNS)
        )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0009_text_index_by_kind")]

    operations = [migrations.RunPython(set_compression("lz4"), set_compression("pglz"))]
