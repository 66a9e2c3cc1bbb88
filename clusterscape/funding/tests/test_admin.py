import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from clusterscape.accounts.history import versions_of
from clusterscape.funding.models import Grant, Milestone

from .factories import DatedGrantFactory, GrantFactory, MilestoneFactory

try:
    from clusterscape.accounts.tests.factories import sign_in_staff
except ImportError:  # before the accounts app asks staff for a second factor

    def sign_in_staff(client, user) -> None:
        client.force_login(user)


pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MODELS = [
    "fundingprogramme",
    "round",
    "criterion",
    "application",
    "reviewerassignment",
    "review",
    "grant",
    "budgetline",
    "milestone",
    "partnership",
    "exchangepost",
    "exchangecomment",
    "exchangeattachment",
]


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-root-123")
    sign_in_staff(client, user)
    client.user = user
    return client


@pytest.mark.parametrize("model", MODELS)
def test_admin_lists_every_funding_model(admin_client, model):
    GrantFactory()

    response = admin_client.get(f"/en/admin/funding/{model}/")

    assert response.status_code == 200


def grant_form(grant: Grant, **changes) -> dict:
    data = {
        "application": grant.application_id,
        "total_eur": "4000000",
        "concept_start": "2016-01-01",
        "concept_end": "2017-12-31",
        "concept_budget_eur": "1000000",
        "implementation_start": "2018-01-01",
        "implementation_end": "2020-12-31",
        "implementation_budget_eur": "3000000",
        "source_urls": "",
    }
    data.update(changes)
    return data


def test_admin_grant_shows_the_rule_error_on_the_field_and_saves_nothing(admin_client):
    grant = DatedGrantFactory()

    response = admin_client.post(
        f"/en/admin/funding/grant/{grant.pk}/change/",
        grant_form(grant, implementation_end="2021-04-30"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "implementation_end": [
            "The implementation phase is 40 months; the programme allows at most 36."
        ]
    }
    assert Grant.objects.get().implementation_end == datetime.date(2020, 12, 31)
    assert list(versions_of(grant)) == []


def test_admin_grant_saves_through_the_service_with_a_version(admin_client):
    grant = DatedGrantFactory()

    response = admin_client.post(
        f"/en/admin/funding/grant/{grant.pk}/change/",
        grant_form(grant, concept_budget_eur="900000"),
    )

    assert response.status_code == 302
    assert Grant.objects.get().concept_budget_eur == Decimal("900000.00")
    assert [(v.action, v.changed_by) for v in versions_of(grant)] == [("update", admin_client.user)]


def test_admin_adds_a_milestone_through_the_service(admin_client):
    grant = MilestoneFactory().grant

    response = admin_client.post(
        "/en/admin/funding/milestone/add/",
        {
            "grant": grant.pk,
            "kind": "deliverable",
            "title": "Roadmap",
            "due_on": "2015-01-01",
            "status": "planned",
        },
    )

    assert response.context["adminform"].form.errors == {
        "due_on": ["2015-01-01 lies outside the grant period, 2016-01-01 to 2020-12-31."]
    }
    assert Milestone.objects.count() == 1
