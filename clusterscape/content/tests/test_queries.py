"""The lists that start now (upcoming events, calls closing soon) and an organisation's
projects: each is found from its own index, and must still hold exactly the right items."""

import datetime

import pytest
from django.utils import timezone

from clusterscape.content import queries
from clusterscape.content.models import Status
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import (
    EventFactory,
    FundingCallFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    in_days,
)

pytestmark = pytest.mark.django_db


def titles(queryset) -> list[str]:
    return [item.title for item in queryset]


def test_upcoming_events_keep_one_that_began_long_ago_and_still_runs():
    now = timezone.now()
    EventFactory(title="Exhibition", starts_at=in_days(-400), ends_at=in_days(3))
    EventFactory(title="Next", starts_at=in_days(1), ends_at=in_days(1, 18))
    EventFactory(title="Later", starts_at=in_days(30), ends_at=in_days(31))
    EventFactory(title="Over", starts_at=in_days(-2), ends_at=in_days(-2, 18))

    assert titles(queries.upcoming_events(now)) == ["Exhibition", "Next", "Later"]


def test_upcoming_events_keep_the_longest_event_up_to_its_last_moment():
    """The bound (now minus the longest event) is computed in floating-point seconds, from
    milliseconds on SQLite: an event ending exactly now, which is also the longest, must not
    fall outside it."""
    now = timezone.now().replace(microsecond=987_400)  # SQLite reads milliseconds
    length = datetime.timedelta(days=9, hours=7, seconds=13, microseconds=123_457)
    EventFactory(title="Ends now", starts_at=now - length, ends_at=now)
    EventFactory(title="Ended", starts_at=now - length, ends_at=now - datetime.timedelta(0, 1))
    EventFactory(title="Draft", status=Status.DRAFT, starts_at=in_days(2), ends_at=in_days(3))

    assert titles(queries.upcoming_events(now)) == ["Ends now"]
    assert titles(queries.upcoming_events(now + datetime.timedelta(microseconds=1))) == []


def test_calls_closing_soon_are_those_whose_next_deadline_is_in_the_window():
    now = timezone.now()
    FundingCallFactory(title="Second round soon", deadlines=[in_days(-10), in_days(12)])
    FundingCallFactory(title="Two deadlines soon", deadlines=[in_days(3), in_days(20)])
    FundingCallFactory(title="Far", deadlines=[in_days(45)])
    FundingCallFactory(title="Closed", deadlines=[in_days(-3)])
    FundingCallFactory(title="Draft", status=Status.DRAFT, deadlines=[in_days(5)])

    closing = queries.calls_closing_soon(now)

    assert titles(closing) == ["Two deadlines soon", "Second round soon"]
    assert [call.next_deadline_at for call in closing] == [in_days(3), in_days(12)]
    assert titles(queries.calls_closing_soon(now, days=60)) == [
        "Two deadlines soon",
        "Second round soon",
        "Far",
    ]


def test_projects_of_an_organisation_in_any_role_each_once():
    cluster = OrganisationFactory()
    other = OrganisationFactory()
    everything = ProjectFactory(title="Published, led and partnered", organisation=cluster)
    ProjectPartnerFactory(project=everything, organisation=cluster)
    ProjectFactory(
        title="Led for another", organisation=other, lead_organisation=cluster,
        start_date=datetime.date(2025, 1, 1),
    )  # fmt: skip
    partnered = ProjectFactory(title="Partner only", organisation=other)
    ProjectPartnerFactory(project=partnered, organisation=cluster)
    ProjectPartnerFactory(project=partnered, organisation=cluster, name="Second listing")
    ProjectFactory(title="Not ours", organisation=other)
    ProjectFactory(title="Draft", organisation=cluster, status=Status.DRAFT)

    assert titles(queries.projects_of(cluster)) == [
        "Led for another",
        "Partner only",
        "Published, led and partnered",
    ]
