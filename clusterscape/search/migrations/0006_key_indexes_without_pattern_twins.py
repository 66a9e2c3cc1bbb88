"""The exact-name keys keep one B-tree index each.

With db_index, PostgreSQL also had a varchar_pattern_ops index per key (for LIKE 'x%'),
which no search uses and every write paid for. The field change is made in the state only:
on SQLite, Django would remake the whole table for it, and that drops the triggers that keep
the FTS5 index in step (migration 0002). The old indexes are dropped by name instead.
"""

from django.db import migrations, models

# (column, the index db_index made, by Django's naming)
OLD_INDEXES = (
    ("name_key", "search_searchdocument_name_key_907b74b8"),
    ("short_key", "search_searchdocument_short_key_4a61af10"),
    ("alias_key", "search_searchdocument_alias_key_7de39c4f"),
)


def drop_old_indexes(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for _column, name in OLD_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        if postgresql:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}_like"')


def restore_old_indexes(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for column, name in OLD_INDEXES:
        schema_editor.execute(f'CREATE INDEX "{name}" ON "search_searchdocument" ("{column}")')
        if postgresql:
            schema_editor.execute(
                f'CREATE INDEX "{name}_like" ON "search_searchdocument" '
                f'("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_more_kinds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="searchdocument",
                    name="alias_key",
                    field=models.CharField(blank=True, max_length=255),
                ),
                migrations.AlterField(
                    model_name="searchdocument",
                    name="name_key",
                    field=models.CharField(max_length=255),
                ),
                migrations.AlterField(
                    model_name="searchdocument",
                    name="short_key",
                    field=models.CharField(blank=True, max_length=100),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_old_indexes, restore_old_indexes),
            ],
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["name_key"], name="search_doc_name_key"),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["short_key"], name="search_doc_short_key"),
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(fields=["alias_key"], name="search_doc_alias_key"),
        ),
    ]
