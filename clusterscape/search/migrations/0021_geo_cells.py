"""PostgreSQL: a document's geo cell as a term of its text's vector
(search.backends.geo_cell), so that the text index finds a word's matches within a circle
by the cells the circle's box touches (PostgresBackend.cells_condition).

Before, the planner intersected two bitmaps: the points' index gave the box's documents
and the text index every match of the word, anywhere. A broad word's bitmap is most of
such a search: "E-Health" within 50 km of a city at 1,000,000 synthetic documents read
76,919 matches from the text index (15.5 ms) for 785 in the circle. With the cells in the
same index scan, GIN steps through the word's list of documents to those of the cells:
2.3-4.5 ms (2026-12-07, AMD EPYC, an index over the vector and its cell made to try it).

The cells of the documents indexed already are added here, from their coordinates, as
the app adds them to the vectors it writes (tests/test_backends.py compares them). This
rewrites every row that has coordinates, and the table is locked meanwhile: 2 minutes 51
seconds at 1,000,000 synthetic documents, then 18 seconds of VACUUM ANALYZE (AMD EPYC;
docs/deploy.md).
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor


def geo_cell_sql(latitude: str, longitude: str) -> str:
    """The cell term of a point as backends.geo_cell makes it (GEO_CELLS_PER_DEGREE 2)."""
    return f"'~' || floor({latitude} * 2)::integer || '_' || floor({longitude} * 2)::integer"


CELL = geo_cell_sql("latitude", "longitude")
# (backends.on_the_globe: NaN is greater than any number in PostgreSQL)
HAS_PLACE = "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180"

POSTGRES_FORWARDS = [
    f"UPDATE search_searchdocument SET search_vector = search_vector "
    f"|| array_to_tsvector(ARRAY[{CELL}]) WHERE {HAS_PLACE}",
]
POSTGRES_BACKWARDS = [
    f"UPDATE search_searchdocument SET search_vector = ts_delete(search_vector, {CELL}) "
    f"WHERE {HAS_PLACE}",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0020_title_vector"),
    ]

    operations = [
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRES_FORWARDS}),
            run_for_vendor({"postgresql": POSTGRES_BACKWARDS}),
        ),
    ]
