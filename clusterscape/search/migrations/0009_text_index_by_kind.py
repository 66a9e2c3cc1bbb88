"""PostgreSQL's text index holds each document's kind beside its words (btree_gin), so a
search confined to one kind (the directory's organisations among a million news items)
reads only the matches of that kind. Searches over every kind use the same index as before:
a GIN index over two columns answers a condition on either alone."""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

POSTGRES_FORWARDS = [
    "CREATE INDEX search_doc_kind_vector ON search_searchdocument USING gin (kind, search_vector)",
    "DROP INDEX search_doc_vector",
]
POSTGRES_BACKWARDS = [
    "CREATE INDEX search_doc_vector ON search_searchdocument USING gin (search_vector)",
    "DROP INDEX search_doc_kind_vector",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0008_facet_kind")]

    operations = [
        BtreeGinExtension(),  # does nothing on databases other than PostgreSQL
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRES_FORWARDS}),
            run_for_vendor({"postgresql": POSTGRES_BACKWARDS}),
        ),
    ]
