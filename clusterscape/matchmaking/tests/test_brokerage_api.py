"""The brokerage part of the API: events, participants (public part), and the signed-in
participant's meeting requests and agenda through the same services as the pages."""

import datetime

import pytest

from clusterscape.accounts.services import create_api_token
from clusterscape.accounts.tests.factories import UserFactory
from clusterscape.matchmaking import brokerage_services
from clusterscape.matchmaking.brokerage_models import Meeting, MeetingOutcome, MeetingRequest
from clusterscape.matchmaking.brokerage_services import accept_meeting_request
from clusterscape.matchmaking.models import InboxMessage
from clusterscape.matchmaking.requests import publish_partner_request
from clusterscape.registry.models import Country

from .brokerage_factories import brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def api(brokerage, tail=""):
    """The URL, answering in English (the API's default language is German)."""
    return f"/api/v1/brokerage-events/{brokerage.event.slug}{tail}?lang=en"


def bearer(p):
    _token, raw = create_api_token(p.user, name="agenda", organisations=[p.organisation])
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_events_list_and_detail_show_days_slots_and_window(client):
    brokerage = brokerage_event(slots=3, tables=4)
    participant(brokerage)

    listed = client.get("/api/v1/brokerage-events").json()["results"]
    detail = client.get(api(brokerage)).json()

    assert [(e["slug"], e["participants"], e["languages"]) for e in listed] == [
        (brokerage.event.slug, 1, ["en", "de"])
    ]
    assert detail["registration_open"] is True
    assert detail["time_zone"] == "Europe/Berlin"
    assert [(d["date"], d["tables"], d["slot_minutes"]) for d in detail["days"]] == [
        ("2030-03-12", 4, 30)
    ]
    assert [s["start"] for s in detail["days"][0]["slots"]] == [
        "2030-03-12T09:00:00+01:00",
        "2030-03-12T09:30:00+01:00",
        "2030-03-12T10:00:00+01:00",
    ]
    assert client.get("/api/v1/brokerage-events/nowhere").status_code == 404


def test_participants_show_the_public_part_only(client):
    brokerage = brokerage_event()
    lyon = participant(brokerage, name="Lyon Biotech", country=Country.objects.get(code="FR"))
    participant(brokerage, name="Dresden Chips")
    offer = publish_partner_request(
        lyon.organisation,
        by=lyon.user,
        title="Clinical trials partner",
        seeks="Trial sites",
        offers="Assays",
        cooperation="project",
        deadline=brokerage.event.starts_at.date(),
        language="en",
        fields=[],
        target_countries=[],
    )
    lyon.partner_requests.set([offer])

    found = client.get(api(brokerage, "/participants"), {"country": "fr", "lang": "en"}).json()
    found = found["results"]

    assert found == [
        {
            "id": lyon.pk,
            "organisation": lyon.organisation.slug,
            "name": "Lyon Biotech",
            "kind": lyon.organisation.kind,
            "country": "FR",
            "fields": [],
            "offers_and_requests": [
                {
                    "id": offer.pk,
                    "title": "Clinical trials partner",
                    "seeks": "Trial sites",
                    "offers": "Assays",
                    "cooperation": "project",
                }
            ],
        }
    ]
    assert client.get(api(brokerage, "/participants")).json()["count"] == 2


def test_my_requests_need_credentials_and_a_registration(client):
    brokerage = brokerage_event()
    assert client.get(api(brokerage, "/meeting-requests")).status_code == 401
    assert client.get(api(brokerage, "/agenda")).status_code == 401

    client.force_login(UserFactory())
    refused = client.get(api(brokerage, "/meeting-requests"))

    assert refused.status_code == 403
    assert refused.json() == {"detail": "You are not registered for this event.", "errors": {}}


def test_request_accept_and_agenda_by_token(client):
    brokerage = brokerage_event()
    a = participant(brokerage, name="Alpha")
    b = participant(brokerage, name="Beta", country=Country.objects.get(code="FR"))

    sent = client.post(
        api(brokerage, "/meeting-requests"),
        {"recipient": b.pk, "message": "Let us talk about sensors."},
        content_type="application/json",
        **bearer(a),
    )
    assert sent.status_code == 201
    request_id = sent.json()["id"]
    assert (sent.json()["direction"], sent.json()["status"]) == ("sent", "requested")
    assert sorted(InboxMessage.objects.values_list("user_id", flat=True)) == sorted(
        [a.user_id, b.user_id]
    )  # both sides are told, as on the pages

    received = client.get(api(brokerage, "/meeting-requests"), **bearer(b)).json()["results"]
    assert [(r["id"], r["direction"], r["sender"]["name"]) for r in received] == [
        (request_id, "received", "Alpha")
    ]
    accepted = client.post(
        api(brokerage, f"/meeting-requests/{request_id}/accept"),
        {},
        content_type="application/json",
        **bearer(b),
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["meeting"]["start"] == "2030-03-12T09:00:00+01:00"

    agenda = client.get(api(brokerage, "/agenda"), **bearer(a)).json()
    assert agenda["organisation"] == a.organisation.slug
    assert [
        (m["start"], m["table"], m["partner"]["name"], m["partner"]["country"])
        for m in agenda["meetings"]
    ] == [("2030-03-12T09:00:00+01:00", 1, "Beta", "FR")]


def test_bad_meeting_requests_are_422_naming_the_field(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    client.force_login(a.user)

    to_self = client.post(
        api(brokerage, "/meeting-requests"), {"recipient": a.pk}, content_type="application/json"
    )
    unknown = client.post(
        api(brokerage, "/meeting-requests"),
        {"recipient": 2_000_000},
        content_type="application/json",
    )
    too_long = client.post(
        api(brokerage, "/meeting-requests"),
        {"recipient": b.pk, "message": "x" * 2001},
        content_type="application/json",
    )

    assert (to_self.status_code, to_self.json()["errors"]) == (
        422,
        {"recipient": ["You cannot meet yourself."]},
    )
    assert unknown.json()["errors"] == {"recipient": ["No participant of this event has this id."]}
    assert too_long.json()["errors"] == {"message": ["Write at most 2000 characters."]}
    assert MeetingRequest.objects.count() == 0


def test_others_requests_are_403_and_nothing_is_booked(client):
    brokerage = brokerage_event()
    a, b, c = (participant(brokerage) for _ in range(3))
    request = meeting_request(a, b)

    client.force_login(c.user)
    by_session = client.post(
        api(brokerage, f"/meeting-requests/{request.pk}/accept"),
        {},
        content_type="application/json",
    )
    by_sender = client.post(api(brokerage, f"/meeting-requests/{request.pk}/decline"), **bearer(a))

    assert by_session.status_code == 403
    assert by_sender.status_code == 403
    assert Meeting.objects.count() == 0
    assert MeetingRequest.objects.get().status == "requested"


def test_decline_and_answering_twice(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    request = meeting_request(a, b)
    client.force_login(b.user)

    declined = client.post(api(brokerage, f"/meeting-requests/{request.pk}/decline"))
    again = client.post(
        api(brokerage, f"/meeting-requests/{request.pk}/accept"),
        {},
        content_type="application/json",
    )

    assert (declined.status_code, declined.json()["status"]) == (200, "declined")
    assert (again.status_code, again.json()["errors"]) == (
        422,
        {"status": ["This request has been answered."]},
    )


def test_propose_another_time_then_the_sender_accepts_it(client):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    request = meeting_request(a, b)
    client.force_login(b.user)
    base = api(brokerage, f"/meeting-requests/{request.pk}").replace("?lang=en", "")

    outside = client.post(
        f"{base}/propose?lang=en",
        {"slot": "2030-03-12T09:10:00+01:00"},
        content_type="application/json",
    )
    proposed = client.post(
        f"{base}/propose?lang=en",
        {"slot": "2030-03-12T10:00:00+01:00"},
        content_type="application/json",
    )
    client.force_login(a.user)
    accepted = client.post(f"{base}/accept?lang=en", {}, content_type="application/json")

    assert outside.json()["errors"] == {"slot": ["Choose one of the event's meeting slots."]}
    assert (proposed.json()["status"], proposed.json()["proposed_slot"]) == (
        "proposed",
        "2030-03-12T10:00:00+01:00",
    )
    assert (accepted.json()["direction"], accepted.json()["meeting"]["start"]) == (
        "sent",
        "2030-03-12T10:00:00+01:00",
    )


def test_a_taken_slot_is_409_naming_the_next_free_slot(client):
    brokerage = brokerage_event(tables=1)
    a, b, c, d = (participant(brokerage) for _ in range(4))
    accept_meeting_request(meeting_request(c, d), by=d.user)  # 09:00, the only table
    request = meeting_request(a, b)
    client.force_login(b.user)

    taken = client.post(
        api(brokerage, f"/meeting-requests/{request.pk}/accept"),
        {"slot": "2030-03-12T09:00:00+01:00"},
        content_type="application/json",
    )

    assert taken.status_code == 409
    assert "The next slot free for both is" in taken.json()["detail"]
    assert Meeting.objects.count() == 1


def test_api_messages_in_german(client):
    brokerage = brokerage_event()
    client.force_login(UserFactory())
    refused = client.get(api(brokerage, "/agenda").replace("lang=en", "lang=de"))
    assert refused.json()["detail"] == "Sie sind für diese Veranstaltung nicht angemeldet."


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_participants(client, django_assert_num_queries, count):
    brokerage = brokerage_event()
    people = [participant(brokerage) for _ in range(count)]
    for sender in people[1:]:
        meeting_request(sender, people[0])
    client.get(api(brokerage, "/participants"))  # warm caches (countries, content types)
    client.force_login(people[0].user)

    with django_assert_num_queries(EXPECTED["participants"]):
        assert len(client.get(api(brokerage, "/participants")).json()["results"]) == count
    with django_assert_num_queries(EXPECTED["events"]):
        assert len(client.get("/api/v1/brokerage-events?lang=en").json()["results"]) == 1
    with django_assert_num_queries(EXPECTED["requests"]):
        found = client.get(api(brokerage, "/meeting-requests")).json()["results"]
        assert len(found) == count - 1


# the same at 1 and 3 participants (session and user lookups included; one count per page)
EXPECTED = {"participants": 7, "events": 2, "requests": 8}


def test_lists_come_in_pages_with_links(client):
    brokerage = brokerage_event()
    people = [participant(brokerage, name=name) for name in ("Alpha", "Beta", "Gamma")]
    for sender in people[1:]:
        meeting_request(sender, people[0])
    base = f"http://testserver/api/v1/brokerage-events/{brokerage.event.slug}/participants"

    second = client.get(api(brokerage, "/participants"), {"page_size": 2, "page": 2}).json()
    client.force_login(people[0].user)
    requests = client.get(api(brokerage, "/meeting-requests"), {"page_size": 1}).json()
    events = client.get("/api/v1/brokerage-events", {"page_size": 1, "lang": "en"}).json()

    assert {key: value for key, value in second.items() if key != "results"} == {
        "count": 3,
        "page": 2,
        "page_size": 2,
        "pages": 2,
        "next": None,
        "previous": f"{base}?page_size=2&page=1",
    }
    assert [p["name"] for p in second["results"]] == ["Gamma"]
    assert (requests["count"], requests["pages"], len(requests["results"])) == (2, 2, 1)
    assert requests["next"].endswith("page_size=1&page=2")
    assert (events["count"], events["next"], events["previous"]) == (1, None, None)


@pytest.mark.parametrize(
    ("params", "name"), [({"page": 0}, "page"), ({"page_size": 0}, "page_size")]
)
def test_bad_page_parameters_are_400_naming_them(client, params, name):
    brokerage = brokerage_event()

    refused = client.get(api(brokerage, "/participants"), params)

    assert (refused.status_code, list(refused.json()["errors"])) == (400, [name])


@pytest.fixture
def met(monkeypatch):
    """Alpha and Beta met at the first slot; now it is an hour after it."""
    brokerage = brokerage_event()
    a = participant(brokerage, name="Alpha")
    b = participant(brokerage, name="Beta")
    meeting = accept_meeting_request(meeting_request(a, b), by=b.user)
    later = meeting.slot_end + datetime.timedelta(hours=1)
    monkeypatch.setattr(brokerage_services, "now", lambda: later)
    return brokerage, meeting, a, b


def outcome_url(brokerage, meeting) -> str:
    return api(brokerage, f"/meetings/{meeting.pk}/outcome")


def test_participant_records_an_outcome_seen_on_the_agenda(client, met):
    brokerage, meeting, a, _b = met

    recorded = client.post(
        outcome_url(brokerage, meeting),
        {"kind": "follow-up", "note": " Call in May. "},
        content_type="application/json",
        **bearer(a),
    )
    agenda = client.get(api(brokerage, "/agenda"), **bearer(a)).json()

    assert recorded.status_code == 200
    assert {k: v for k, v in recorded.json().items() if k != "recorded_at"} == {
        "meeting": meeting.pk,
        "participant": a.pk,
        "kind": "follow-up",
        "note": "Call in May.",
    }
    assert list(MeetingOutcome.objects.values_list("participant", "kind")) == [(a.pk, "follow-up")]
    assert [(m["meeting"], m["outcome"]) for m in agenda["meetings"]] == [(meeting.pk, "follow-up")]


def test_someone_not_in_the_meeting_is_refused(client, met):
    brokerage, meeting, _a, _b = met
    other = participant(brokerage, name="Gamma")

    refused = client.post(
        outcome_url(brokerage, meeting),
        {"kind": "mou"},
        content_type="application/json",
        **bearer(other),
    )
    client.force_login(UserFactory())
    stranger = client.post(
        outcome_url(brokerage, meeting), {"kind": "mou"}, content_type="application/json"
    )

    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "You were not in this meeting.", "errors": {}},
    )
    assert stranger.status_code == 403
    assert MeetingOutcome.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "contract"}, "kind", "Choose one of the outcomes."),
        ({"kind": "mou", "note": "x" * 2001}, "note", None),
        ({"note": "no kind"}, "kind", None),
    ],
)
def test_bad_outcomes_are_422_naming_the_field(client, met, body, field, message):
    brokerage, meeting, _a, b = met

    refused = client.post(
        outcome_url(brokerage, meeting), body, content_type="application/json", **bearer(b)
    )

    assert (refused.status_code, list(refused.json()["errors"])) == (422, [field])
    if message:
        assert refused.json()["errors"][field] == [message]
    assert MeetingOutcome.objects.count() == 0


def test_an_outcome_before_the_meeting_is_422(client, met, monkeypatch):
    brokerage, meeting, a, _b = met
    monkeypatch.setattr(
        brokerage_services, "now", lambda: meeting.slot_start - datetime.timedelta(minutes=1)
    )

    refused = client.post(
        outcome_url(brokerage, meeting),
        {"kind": "mou"},
        content_type="application/json",
        **bearer(a),
    )

    assert (refused.status_code, refused.json()["errors"]) == (
        422,
        {"kind": ["Record the outcome after the meeting."]},
    )
