"""Brokerage outcomes advance the funding programme's partnerships: where the meeting's two
organisations are a funded cluster and its partner, the outcome both sides agree on moves the
partnership's stage forward through the funding app's service, never backwards, once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusterscape.accounts.models import Version
from clusterscape.funding.models import Partnership
from clusterscape.funding.tests.factories import DatedGrantFactory, PartnershipFactory
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import MeetingOutcome
from clusterscape.registry.models import Country

from .brokerage_factories import DAY, brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def met(monkeypatch):
    """A German funded cluster met its French partner at 09:00 on DAY; now it is later."""
    brokerage = brokerage_event()
    cluster = participant(brokerage, name="Cluster Sachsen")
    partner = participant(brokerage, name="Pôle Lyon", country=Country.objects.get(code="FR"))
    meeting = services.accept_meeting_request(meeting_request(partner, cluster), by=cluster.user)
    grant = DatedGrantFactory(application__organisation=cluster.organisation)
    partnership = PartnershipFactory(
        grant=grant,
        partner_organisation=partner.organisation,
        partner_country=None,
        stage=Partnership.Stage.CONTACT,
        contact_on=datetime.date(2016, 5, 1),
    )
    monkeypatch.setattr(services, "now", lambda: meeting.slot_end + datetime.timedelta(hours=1))
    return meeting, cluster, partner, partnership


def record(meeting, side, kind):
    return services.record_outcome(meeting, side, by=side.user, kind=kind)


def test_both_sides_recording_an_mou_advances_the_partnership_with_the_day(met):
    meeting, cluster, partner, partnership = met

    record(meeting, cluster, "mou")
    partnership.refresh_from_db()
    assert partnership.stage == "contact"  # one side's word alone changes nothing

    record(meeting, partner, "mou")
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.mou_on) == ("mou", DAY)
    assert partnership.letter_of_intent_on is None
    assert Version.objects.filter(object_id=str(partnership.pk)).count() == 1


def test_the_lower_of_both_outcomes_counts(met):
    meeting, cluster, partner, partnership = met

    record(meeting, cluster, "mou")
    record(meeting, partner, "letter-of-intent")

    partnership.refresh_from_db()
    assert (partnership.stage, partnership.letter_of_intent_on) == ("letter-of-intent", DAY)


def test_never_backwards_and_idempotent(met):
    meeting, cluster, partner, partnership = met
    partnership.stage = Partnership.Stage.MOU
    partnership.mou_on = datetime.date(2017, 1, 1)
    partnership.save()

    record(meeting, cluster, "letter-of-intent")
    record(meeting, partner, "letter-of-intent")
    record(meeting, partner, "letter-of-intent")

    partnership.refresh_from_db()
    assert (partnership.stage, partnership.mou_on, partnership.letter_of_intent_on) == (
        "mou",
        datetime.date(2017, 1, 1),
        None,
    )
    assert Version.objects.filter(object_id=str(partnership.pk)).count() == 0


def test_a_project_idea_is_a_contact_and_no_follow_up_is_nothing(met):
    meeting, cluster, partner, partnership = met
    partnership.stage = ""
    partnership.contact_on = None
    partnership.save()

    record(meeting, cluster, "none")
    record(meeting, partner, "project-idea")
    partnership.refresh_from_db()
    assert partnership.stage == ""

    record(meeting, cluster, "project-idea")
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.contact_on) == ("contact", DAY)


def test_organisations_outside_the_programme_change_nothing(met):
    meeting, cluster, partner, _partnership = met
    other = PartnershipFactory(stage=Partnership.Stage.CONTACT)

    record(meeting, cluster, "mou")
    record(meeting, partner, "mou")

    other.refresh_from_db()
    assert other.stage == "contact"


def test_a_refusal_of_the_funding_rules_writes_nothing(met, monkeypatch):
    meeting, cluster, partner, _partnership = met
    record(meeting, cluster, "mou")

    def refuse(*args, **kwargs):
        raise ValidationError({"stage": ["The grant is closed."]})

    monkeypatch.setattr("clusterscape.funding.services.advance_partnership", refuse)
    with pytest.raises(ValidationError) as error:
        record(meeting, partner, "mou")

    assert error.value.message_dict == {
        "kind": [
            "The outcome cannot advance the partnership in the funding programme: "
            "The grant is closed."
        ]
    }
    assert list(MeetingOutcome.objects.values_list("participant_id", flat=True)) == [cluster.pk]


def test_the_agenda_tells_what_outcomes_do_in_the_programme(client, met):
    _meeting, cluster, _partner, _partnership = met
    client.force_login(cluster.user)

    page = client.get(
        reverse("brokerage:agenda", args=[cluster.brokerage.event.slug])
    ).content.decode()

    assert "the outcome you both record advances your partnership there" in page
