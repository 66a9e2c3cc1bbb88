"""Registration: a new partner that is not in the registry registers with a draft
organisation (created by the registry's record rules, hidden until an editor publishes
it); two registrations of the same organisation at once end in one participant and a
clear message, never an IntegrityError."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterscape.accounts.models import Membership
from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import Participant
from clusterscape.registry.models import Organisation
from clusterscape.registry.queries import published_organisations
from clusterscape.registry.services import set_organisation_status
from clusterscape.registry.tests.factories import OrganisationFactory

from .brokerage_factories import brokerage_event, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def url(name, brokerage, *args):
    return reverse(f"brokerage:{name}", args=[brokerage.event.slug, *args])


NEW_PARTNER = {
    "new_name": "Kansai Robotics Network",
    "new_country": "JP",
    "new_kind": "international-partner",
    "new_website": "kansai-robotics.example.jp",
}


def test_new_partner_registers_with_a_draft_organisation_hidden_until_published(client):
    brokerage = brokerage_event()
    participant(brokerage, name="Alpha")
    user = UserFactory()
    client.force_login(user)
    page = client.get(url("register", brokerage)).content.decode()
    assert "Or a new partner organisation" not in page  # the user has no organisation yet

    response = client.post(url("register", brokerage), NEW_PARTNER)

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Kansai Robotics Network")
    assert (
        organisation.slug,
        organisation.status,
        organisation.kind,
        organisation.country_id,
        organisation.website,
    ) == (
        "kansai-robotics-network",
        Organisation.Status.PENDING,
        "international-partner",
        "JP",
        "https://kansai-robotics.example.jp",
    )
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (organisation.pk, "manager")
    ]
    registered = Participant.objects.get(user=user)
    assert registered.organisation == organisation
    assert organisation not in published_organisations()
    client.logout()
    listed = client.get(url("detail", brokerage)).context["rows"]
    assert [row["participant"].organisation.name for row in listed] == ["Alpha"]

    set_organisation_status(organisation, status=Organisation.Status.PUBLISHED, by=None)
    listed = client.get(url("detail", brokerage)).context["rows"]
    assert [row["participant"].organisation.name for row in listed] == [
        "Alpha",
        "Kansai Robotics Network",
    ]


def test_new_partner_with_a_bad_record_writes_nothing_and_names_the_field(client):
    brokerage = brokerage_event()
    client.force_login(UserFactory())
    response = client.post(
        url("register", brokerage), NEW_PARTNER | {"new_kind": "", "new_website": "not a url"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_website": ["Enter a valid URL."],
        "new_kind": ["Give this for the new organisation."],
    }
    with pytest.raises(ValidationError) as error:
        services.register_new_partner(
            brokerage,
            by=UserFactory(),
            name="Kansai Robotics Network",
            country="XX",
            kind="international-partner",
            website="https://kansai.example.jp",
        )
    assert list(error.value.message_dict) == ["country"]
    assert (Organisation.objects.filter(name__startswith="Kansai").count(), 0) == (
        0,
        Participant.objects.count(),
    )


def test_new_partner_after_registration_closed_creates_no_organisation():
    brokerage = brokerage_event()
    brokerage.registration_opens = timezone.now() - datetime.timedelta(days=3)
    brokerage.registration_closes = timezone.now() - datetime.timedelta(days=1)
    brokerage.save()
    with pytest.raises(ValidationError) as error:
        services.register_new_partner(
            brokerage,
            by=UserFactory(),
            name="Late Partner",
            country="FR",
            kind="international-partner",
            website="https://late.example.fr",
        )
    assert error.value.message_dict == {"brokerage": ["Registration for this event is not open."]}
    assert not Organisation.objects.filter(name="Late Partner").exists()


def test_registration_form_asks_for_one_organisation_only(client):
    brokerage = brokerage_event()
    organisation = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=organisation).user)
    neither = client.post(url("register", brokerage), {"new_name": ""})
    both = client.post(url("register", brokerage), NEW_PARTNER | {"organisation": organisation.pk})
    assert neither.context["form"].non_field_errors() == [
        "Choose your organisation, or enter a new partner organisation below."
    ]
    assert both.context["form"].non_field_errors() == [
        "Choose your organisation or enter a new partner organisation, not both."
    ]
    assert Participant.objects.count() == 0


def test_registration_that_loses_the_race_gets_a_message_not_an_integrity_error(monkeypatch):
    """The check before the insert saw nothing (the other registration had not committed);
    the unique constraint refuses the insert and the service says why."""
    brokerage = brokerage_event()
    first = participant(brokerage)
    colleague = MembershipFactory(organisation=first.organisation).user
    real = services._already_registered
    calls = []

    def not_yet_committed(*args):
        calls.append(args)
        return "" if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_already_registered", not_yet_committed)
    with pytest.raises(ValidationError) as error:
        services.register_participant(brokerage, by=colleague, organisation=first.organisation)
    assert error.value.message_dict == {
        "organisation": ["This organisation is registered already."]
    }
    assert len(calls) == 2
    assert Participant.objects.count() == 1
