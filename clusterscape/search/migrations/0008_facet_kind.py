"""Each facet row carries its document's kind, and the look-up index has it: a filter within
a type (the directory's organisations among a million news items and events) collects only
documents of that type."""

from django.db import migrations, models

BACKFILL = (
    "UPDATE search_searchfacet SET kind = (SELECT d.kind FROM search_searchdocument d "
    "WHERE d.id = search_searchfacet.document_id)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_facet_counts_by_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchfacet",
            name="kind",
            field=models.CharField(default="", max_length=20),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.RemoveIndex(
            model_name="searchfacet",
            name="search_facet_lookup",
        ),
        migrations.AddIndex(
            model_name="searchfacet",
            index=models.Index(
                fields=["name", "value", "kind", "document"], name="search_facet_lookup_kind"
            ),
        ),
    ]
