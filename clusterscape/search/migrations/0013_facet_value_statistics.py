"""PostgreSQL keeps statistics of which facet names, values and kinds go together.

Without them the planner took a facet's name and value as independent: name = 'state' AND
value = 'DE-BY' was estimated at 122 rows where 3,130 documents of 100,000 have that state,
so a page of them sorted by name looked up all 3,130 sort keys (10 ms) instead of walking
the name index and testing the state on each (4 ms). Extended statistics over the three
columns — their most common combinations (up to 1,000: every one of a corpus of 374) and
their dependencies — give it the real counts; this migration fills them at once, and
(auto)analyze keeps them. SQLite's planner has no such statistics.
"""

from django.db import migrations

from clusterscape.core.migration_sql import run_for_vendor

FORWARDS = {
    "postgresql": [
        "CREATE STATISTICS search_facet_values (mcv, dependencies) "
        "ON name, value, kind FROM search_searchfacet",
        "ALTER STATISTICS search_facet_values SET STATISTICS 1000",
        "ANALYZE search_searchfacet",
    ]
}
BACKWARDS = {"postgresql": ["DROP STATISTICS IF EXISTS search_facet_values"]}


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0012_facets_without_constraint"),
    ]

    operations = [
        migrations.RunPython(run_for_vendor(FORWARDS), run_for_vendor(BACKWARDS)),
    ]
