"""The kept facet counts per kind of document: the directory (organisations only, among
news, events, calls and projects) reads its counts and totals from them."""

from django.db import migrations, models

RECOUNT = (
    "DELETE FROM search_searchfacetcount",
    "INSERT INTO search_searchfacetcount (kind, name, value, count) "
    "SELECT d.kind, f.name, f.value, COUNT(*) FROM search_searchfacet f "
    "JOIN search_searchdocument d ON d.id = f.document_id GROUP BY d.kind, f.name, f.value",
)
# Back to counts over every kind.
UNCOUNT = (
    "DELETE FROM search_searchfacetcount",
    "INSERT INTO search_searchfacetcount (kind, name, value, count) "
    "SELECT '', name, value, COUNT(*) FROM search_searchfacet GROUP BY name, value",
)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_key_indexes_without_pattern_twins"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="searchfacetcount",
            name="search_facet_count_unique",
        ),
        migrations.AddField(
            model_name="searchfacetcount",
            name="kind",
            field=models.CharField(default="", max_length=20),
        ),
        migrations.AddConstraint(
            model_name="searchfacetcount",
            constraint=models.UniqueConstraint(
                fields=("kind", "name", "value"), name="search_facet_count_by_kind"
            ),
        ),
        migrations.RunSQL(list(RECOUNT), reverse_sql=list(UNCOUNT)),
    ]
