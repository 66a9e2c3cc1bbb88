"""The facets keep no foreign-key constraint in the database (see SearchFacet.document):
its deferred check at each commit cost 5-16 % of indexing's time."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0011_vector_made_by_the_app"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchfacet",
            name="document",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="facets",
                to="search.searchdocument",
            ),
        ),
    ]
