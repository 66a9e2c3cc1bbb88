"""Participants withdraw requests, cancel booked meetings and withdraw their registration;
the slot and table become free again and both sides are told (inbox and e-mail)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import (
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Participant,
)
from clusterscape.matchmaking.models import InboxMessage

from .brokerage_factories import brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def url(name, brokerage, *args):
    return reverse(f"brokerage:{name}", args=[brokerage.event.slug, *args])


def inbox():
    return sorted(InboxMessage.objects.values_list("user_id", "subject"))


def test_sender_withdraws_a_request_and_both_sides_are_told(django_capture_on_commit_callbacks):
    brokerage = brokerage_event()
    a, b = participant(brokerage, name="Alpha"), participant(brokerage, name="Beta")
    request = meeting_request(a, b)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_meeting_request(request, by=a.user)
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.WITHDRAWN
    subject = f"Alpha has withdrawn the meeting request at {brokerage.event.title}"
    assert inbox() == sorted([(a.user_id, subject), (b.user_id, subject)])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.user.email, b.user.email])
    with pytest.raises(ValidationError) as error:
        services.accept_meeting_request(request, by=b.user)
    assert error.value.message_dict == {"status": ["This request has been answered."]}
    assert Meeting.objects.count() == 0


def test_recipient_cannot_withdraw_and_a_booked_request_is_cancelled_instead():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    request = meeting_request(a, b)
    with pytest.raises(PermissionDenied):
        services.withdraw_meeting_request(request, by=b.user)
    services.accept_meeting_request(request, by=b.user)
    with pytest.raises(ValidationError) as error:
        services.withdraw_meeting_request(request, by=a.user)
    assert error.value.message_dict == {
        "status": ["The meeting is booked; cancel the meeting instead."]
    }


def test_withdrawn_request_can_be_sent_again():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    request = meeting_request(a, b)
    services.withdraw_meeting_request(request, by=a.user)
    again = services.request_meeting(a, b, by=a.user, message="Second try")
    assert (again.pk, again.status, again.message) == (request.pk, "requested", "Second try")


def test_cancelled_meeting_frees_the_slot_and_table(django_capture_on_commit_callbacks):
    brokerage = brokerage_event(tables=1, slots=1)
    a, b = participant(brokerage, name="Alpha"), participant(brokerage, name="Beta")
    c, d = participant(brokerage), participant(brokerage)
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    waiting = meeting_request(c, d)
    with pytest.raises(ValidationError):  # the only slot's only table is taken
        services.accept_meeting_request(waiting, by=d.user)

    InboxMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.cancel_meeting(meeting, by=b.user)

    assert cancelled.status == MeetingRequest.Status.CANCELLED
    assert (Meeting.objects.count(), MeetingSeat.objects.count()) == (0, 0)
    subject = "Meeting cancelled: Alpha and Beta at 03/12/2030 9 a.m. (Europe/Berlin)"
    assert inbox() == sorted([(a.user_id, subject), (b.user_id, subject)])
    assert [m.body.split("\n")[0] for m in mail.outbox] == ["Cancelled by Beta."] * 2
    again = services.accept_meeting_request(waiting, by=d.user)
    assert (again.slot_start, again.table) == (meeting.slot_start, meeting.table)


def test_cancel_by_a_stranger_or_after_the_start_is_refused(monkeypatch):
    brokerage = brokerage_event()
    a, b, c = (participant(brokerage) for _ in range(3))
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    with pytest.raises(PermissionDenied):
        services.cancel_meeting(meeting, by=c.user)
    monkeypatch.setattr(services, "now", lambda: meeting.slot_start)
    with pytest.raises(ValidationError) as error:
        services.cancel_meeting(meeting, by=a.user)
    assert error.value.message_dict == {
        "meeting": ["A meeting that has begun cannot be cancelled."]
    }
    assert Meeting.objects.count() == 1


def test_withdrawn_registration_cancels_meetings_and_requests_and_tells_everyone():
    brokerage = brokerage_event(tables=1)
    a = participant(brokerage, name="Alpha")
    b, c, d = (participant(brokerage, name=name) for name in ("Beta", "Gamma", "Delta"))
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    meeting_request(a, c)
    meeting_request(d, a)
    kept = meeting_request(c, d)
    InboxMessage.objects.all().delete()

    services.withdraw_registration(a, by=a.user)

    assert not Participant.objects.filter(pk=a.pk).exists()
    assert list(MeetingRequest.objects.values_list("pk", flat=True)) == [kept.pk]
    assert Meeting.objects.count() == 0
    event = brokerage.event.title
    assert inbox() == sorted(
        [
            (a.user_id, f"You have withdrawn from {event}"),
            (
                b.user_id,
                f"Meeting cancelled: Alpha has withdrawn from {event} "
                "(03/12/2030 9 a.m. (Europe/Berlin))",
            ),
            (c.user_id, f"Alpha has withdrawn from {event}"),
            (d.user_id, f"Alpha has withdrawn from {event}"),
        ]
    )
    assert InboxMessage.objects.get(user=a.user).body == "3 meetings and requests are cancelled."
    # the slot is free for others again
    assert services.free_slots(b, c)[0][0].start == meeting.slot_start


def test_registration_cannot_be_withdrawn_once_the_meetings_began(monkeypatch):
    brokerage = brokerage_event()
    a = participant(brokerage)
    first = brokerage.days.get().at(datetime.time(9), brokerage.zone)
    monkeypatch.setattr(services, "now", lambda: first)
    with pytest.raises(ValidationError) as error:
        services.withdraw_registration(a, by=a.user)
    assert error.value.message_dict == {
        "participant": ["The meetings have begun; the registration cannot be withdrawn."]
    }
    assert Participant.objects.count() == 1


# --- pages -------------------------------------------------------------------------------


def test_agenda_offers_cancel_and_withdraw_and_they_work(client):
    brokerage = brokerage_event()
    a, b, c = (participant(brokerage) for _ in range(3))
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    request = meeting_request(a, c)
    client.force_login(a.user)
    page = client.get(url("agenda", brokerage)).content.decode()
    assert f'action="{url("cancel-meeting", brokerage, meeting.pk)}"' in page
    assert f'action="{url("withdraw-request", brokerage, request.pk)}"' in page

    response = client.post(url("withdraw-request", brokerage, request.pk))
    assert response.status_code == 302
    assert MeetingRequest.objects.get(pk=request.pk).status == "withdrawn"
    client.post(url("cancel-meeting", brokerage, meeting.pk))
    assert Meeting.objects.count() == 0
    messages = [str(m) for m in client.get(url("agenda", brokerage)).context["messages"]]
    assert messages == [
        "Your request is withdrawn.",
        "The meeting is cancelled; both sides are told.",
    ]
    detail = client.get(url("detail", brokerage))
    assert [row["requested"] for row in detail.context["rows"] if row["participant"] == c] == [
        False
    ]


def test_cancel_of_others_meeting_by_the_page_is_refused(client):
    brokerage = brokerage_event()
    a, b, c = (participant(brokerage) for _ in range(3))
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    client.force_login(c.user)
    assert client.post(url("cancel-meeting", brokerage, meeting.pk)).status_code == 403
    assert Meeting.objects.count() == 1


def test_withdraw_page_says_what_it_cancels_then_withdraws(client):
    brokerage = brokerage_event()
    a, b, c = (participant(brokerage) for _ in range(3))
    services.accept_meeting_request(meeting_request(a, b), by=b.user)
    meeting_request(c, a)
    client.force_login(a.user)
    page = client.get(url("withdraw", brokerage))
    assert (page.context["meetings"], page.context["requests"]) == (1, 1)
    assert "1 booked meeting is cancelled; its slot and table become free." in (
        page.content.decode()
    )
    response = client.post(url("withdraw", brokerage))
    assert response["Location"] == url("detail", brokerage)
    assert list(Participant.objects.order_by("pk")) == [b, c]
    assert client.get(url("withdraw", brokerage)).status_code == 404
