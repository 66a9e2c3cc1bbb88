"""PostgreSQL: a GiST index of the documents' points, for searches within a circle.

A circle is first a box of latitudes and longitudes. The B-tree over (latitude, longitude)
answers only the latitudes, reading every document in their band (at 1,000,000 documents a
50 km circle's band holds about a fifth of them); the GiST index of point(longitude,
latitude) answers the box, and the planner can intersect it with the text index's matches.
The condition must read as backends.PostgresBackend.box_condition writes it. SQLite keeps
the B-tree.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

FORWARDS = {
    "postgresql": [
        "CREATE INDEX search_doc_point ON search_searchdocument "
        "USING gist (point(longitude, latitude))",
    ]
}
BACKWARDS = {"postgresql": ["DROP INDEX IF EXISTS search_doc_point"]}


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0014_broad_search_indexes"),
    ]

    operations = [
        migrations.RunPython(run_for_vendor(FORWARDS), run_for_vendor(BACKWARDS)),
    ]
