"""The benchmark generators at a small scale: what they write is valid for the app, marked
synthetic, in the design's proportions, and never written into the portal's database."""

import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import F, Sum

from clusterscape.content import queries as content_queries
from clusterscape.content.models import CallDeadline, Event, FundingCall, NewsItem, Project
from clusterscape.registry.models import Organisation

sys.path.insert(0, str(Path(settings.BASE_DIR) / "bench"))

import bench_support
import content
import organisations

MEMBER_FIELDS = list(organisations.MEMBER_SHARES)


@pytest.mark.integration
@pytest.mark.django_db
def test_generators_write_synthetic_organisations_with_members_and_content(client):
    organisations.generate(40)
    content.generate(200)

    synthetic = Organisation.objects.filter(slug__startswith="synthetic-")
    members = synthetic.aggregate(**{name: Sum(name) for name in MEMBER_FIELDS})
    items = [*NewsItem.objects.all(), *Event.objects.all(), *FundingCall.objects.all()]
    items += list(Project.objects.all())
    assert synthetic.count() == 40
    assert sum(members.values()) == 40 * organisations.MEMBERS_PER_ORGANISATION
    assert members["members_sme"] > members["members_large"] > 0
    assert [NewsItem.objects.count(), Event.objects.count()] == [90, 50]
    assert [FundingCall.objects.count(), Project.objects.count()] == [20, 40]
    assert all(item.slug.startswith("synthetic-") for item in items)
    assert all(item.title.endswith("(synthetic)") for item in items)
    assert {item.organisation.slug[:10] for item in items} == {"synthetic-"}
    assert content_queries.public(NewsItem).count() == 90
    assert CallDeadline.objects.filter(call__last_deadline_at__gte=F("deadline_at")).count() == (
        CallDeadline.objects.count()
    )
    assert not NewsItem.objects.filter(fields=None).exists()
    for item in (items[0], items[100], items[150], items[-1]):
        assert client.get(item.get_absolute_url()).status_code == 200


@pytest.mark.integration
@pytest.mark.django_db
def test_generated_ids_leave_the_sequences_ready_for_new_items():
    content.generate(20)

    created = NewsItem.objects.create(
        title="After the bench", slug="after-the-bench", language="en", teaser="New."
    )

    assert (
        created.pk == max(NewsItem.objects.exclude(pk=created.pk).values_list("pk", flat=True)) + 1
    )


@pytest.mark.unit
def test_member_compositions_add_up_to_the_design_scale():
    import random

    compositions = organisations.member_compositions(20_000, random.Random(1))

    sizes = sorted(sum(composition.values()) for composition in compositions)
    assert sum(sizes) == 500_000
    assert sizes[len(sizes) // 2] < 25 < sizes[-1] // 4  # many small, a few large


@pytest.mark.unit
def test_generators_refuse_the_portal_database(monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "/srv/var/clusterscape.sqlite3")

    with pytest.raises(SystemExit, match="refusing to write synthetic data"):
        bench_support.check_bench_database()


@pytest.mark.unit
@pytest.mark.parametrize(
    "name", ["/srv/var/bench/site-20000.sqlite3", "clusterscape_bench", "/data/h_bench.sqlite3"]
)
def test_generators_accept_bench_databases(monkeypatch, name):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", name)

    bench_support.check_bench_database()


@pytest.mark.integration
@pytest.mark.django_db
def test_a_benchmark_report_names_the_database_and_its_page_cache():
    """A latency at 1,000,000 documents means little without the server's page cache."""
    from django.db import connection

    described = bench_support.machine(connection)["database"]

    if connection.vendor == "postgresql":
        assert described.startswith("PostgreSQL ")
        assert ", shared_buffers " in described
    else:
        assert described.startswith("SQLite 3.")
