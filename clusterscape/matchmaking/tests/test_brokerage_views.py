import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory
from clusterscape.content.tests.factories import EventFactory
from clusterscape.matchmaking import brokerage_services
from clusterscape.matchmaking.brokerage_models import (
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    Participant,
)
from clusterscape.matchmaking.brokerage_services import accept_meeting_request
from clusterscape.registry.models import Country
from clusterscape.registry.tests.factories import OrganisationFactory

from .brokerage_factories import brokerage_event, meeting_request, participant
from .factories import matched_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def url(name, brokerage, *args):
    return reverse(f"brokerage:{name}", args=[brokerage.event.slug, *args])


def test_detail_lists_participants_filtered_by_country(client):
    brokerage = brokerage_event()
    participant(brokerage, name="Alpha Cluster")
    participant(brokerage, name="Beta Cluster", country=Country.objects.get(code="FR"))
    response = client.get(url("detail", brokerage), {"country": "FR"})
    assert response.status_code == 200
    assert [row["participant"].organisation.name for row in response.context["rows"]] == [
        "Beta Cluster"
    ]
    assert "Ask for a meeting" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_detail_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    brokerage = brokerage_event()
    for _number in range(count):
        participant(brokerage)
    # the ids in the list's order, then the page's participants in full with their offers
    with django_assert_max_num_queries(14):
        client.get(url("detail", brokerage))


@pytest.mark.parametrize("count", [1, 4])
def test_detail_for_a_participant_query_count_does_not_grow(
    client, django_assert_max_num_queries, count
):
    brokerage = brokerage_event()
    me = participant(brokerage, matched_organisation(fields=("automotive",)))
    for _number in range(count):
        participant(brokerage, matched_organisation(fields=("automotive",)))
    client.force_login(me.user)
    client.get(url("detail", brokerage))  # the session and the taxonomy labels are read once
    # the scores of all, then the page and the suggestions in full: none per participant
    with django_assert_max_num_queries(35):
        response = client.get(url("detail", brokerage))
    assert len(response.context["suggestions"]) == count


def test_detail_shows_a_participant_match_scores_and_reasons(client):
    brokerage = brokerage_event()
    me = participant(
        brokerage,
        matched_organisation(fields=("automotive",), seeks=(("automotive", "manufacturing"),)),
    )
    other = participant(
        brokerage,
        matched_organisation(
            fields=("automotive",),
            offers=(("automotive", "manufacturing"),),
            country="FR",
        ),
    )
    client.force_login(me.user)
    response = client.get(url("detail", brokerage))
    rows = response.context["rows"]
    assert [row["participant"] for row in rows] == [other, me]
    assert rows[0]["match"].percent > 0
    assert rows[0]["match"].summary == (
        "Both work on Automotive; they offer Manufacturing in Automotive, which you seek"
    )
    assert rows[0]["match"].summary in response.content.decode()


def test_register_page_registers_the_users_organisation(client):
    brokerage = brokerage_event()
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    client.force_login(user)
    response = client.post(url("register", brokerage), {"organisation": organisation.pk})
    assert response.status_code == 302
    assert list(Participant.objects.values_list("organisation_id", "user_id")) == [
        (organisation.pk, user.pk)
    ]


def test_request_and_accept_by_the_pages(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    client.force_login(a.user)
    client.post(url("request", brokerage), {"recipient": b.pk, "message": "Hi"})
    request = MeetingRequest.objects.get()
    assert (request.sender, request.recipient, request.message) == (a, b, "Hi")
    client.force_login(b.user)
    response = client.post(url("answer", brokerage, request.pk), {"answer": "accept"})
    assert response.status_code == 302
    assert Meeting.objects.get().request == request
    agenda = client.get(url("agenda", brokerage))
    assert [m.pk for m, _outcome, _begun in agenda.context["meetings"]] == [
        Meeting.objects.get().pk
    ]


def test_accept_of_someone_elses_request_is_refused(client):
    brokerage = brokerage_event()
    a, b, c = (participant(brokerage) for _ in range(3))
    request = meeting_request(a, b)
    client.force_login(c.user)
    response = client.post(url("answer", brokerage, request.pk), {"answer": "accept"})
    assert response.status_code == 403
    assert Meeting.objects.count() == 0


def test_agenda_ics_holds_the_meetings_in_the_events_zone(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage, name="Alpha"), participant(brokerage, name="Beta")
    client.force_login(b.user)
    client.post(url("answer", brokerage, meeting_request(a, b).pk), {"answer": "accept"})
    client.force_login(a.user)
    response = client.get(url("agenda-ics", brokerage))
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "DTSTART;TZID=Europe/Berlin:20300312T090000" in body
    assert "SUMMARY:Meeting with Beta" in body
    assert "LOCATION:Table 1" in body


def test_dashboard_previews_then_books(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    meeting_request(a, b), meeting_request(b, a)
    client.force_login(MembershipFactory(organisation=brokerage.organiser).user)
    preview = client.get(url("dashboard", brokerage), {"preview": "1"})
    assert [(p.request.sender, p.table) for p in preview.context["preview"]] == [(a, 1)]
    assert Meeting.objects.count() == 0
    client.post(url("dashboard", brokerage))
    assert Meeting.objects.count() == 1


def test_dashboard_is_forbidden_to_participants(client):
    brokerage = brokerage_event()
    client.force_login(UserFactory())
    assert client.get(url("dashboard", brokerage)).status_code == 403


def test_detail_in_german(client):
    brokerage = brokerage_event()
    participant(brokerage)
    with translation.override("de"):
        response = client.get(url("detail", brokerage))
    assert response.context["LANGUAGE_CODE"] == "de"
    assert f"<h1>Gespräche bei {brokerage.event.title}</h1>" in response.content.decode()


def test_outcome_recorded_by_the_page_shows_in_the_event_figures(client, monkeypatch):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    meeting = accept_meeting_request(meeting_request(a, b), by=b.user)
    later = meeting.slot_end + datetime.timedelta(hours=1)
    monkeypatch.setattr(brokerage_services, "now", lambda: later)
    client.force_login(a.user)
    response = client.post(url("outcome", brokerage, meeting.pk), {"kind": "mou"})
    assert response.status_code == 302
    assert list(MeetingOutcome.objects.values_list("participant_id", "kind")) == [(a.pk, "mou")]
    figures = client.get(url("detail", brokerage)).context["figures"]
    assert dict(figures["outcomes"])["memorandum of understanding"] == 1
    assert (figures["meetings"], figures["held"]) == (1, 0)


def test_outcome_of_a_meeting_of_others_is_refused(client, monkeypatch):
    brokerage = brokerage_event()
    a, b, c = (participant(brokerage) for _ in range(3))
    meeting = accept_meeting_request(meeting_request(a, b), by=b.user)
    monkeypatch.setattr(
        brokerage_services, "now", lambda: meeting.slot_end + datetime.timedelta(hours=1)
    )
    client.force_login(c.user)
    client.post(url("outcome", brokerage, meeting.pk), {"kind": "mou"})
    assert MeetingOutcome.objects.count() == 0


def test_event_page_leads_to_its_brokerage_and_other_events_do_not(client):
    brokerage = brokerage_event()
    plain = EventFactory()

    with_brokerage = client.get(brokerage.event.get_absolute_url()).content.decode()
    without = client.get(plain.get_absolute_url()).content.decode()

    assert f'<a href="{url("detail", brokerage)}">' in with_brokerage
    assert "/brokerage/" not in without
