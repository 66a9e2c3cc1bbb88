import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory
from clusterscape.content.tests.factories import EventFactory
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import (
    Availability,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSeat,
    Participant,
)
from clusterscape.matchmaking.models import InboxMessage
from clusterscape.registry.models import Organisation
from clusterscape.registry.tests.factories import OrganisationFactory

from .brokerage_factories import DAY, brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def at(brokerage, hour, minute=0):
    return brokerage.days.get().at(datetime.time(hour, minute), brokerage.zone)


def test_set_up_brokerage_refuses_a_window_closing_before_it_opens():
    event = EventFactory()
    manager = MembershipFactory(organisation=event.organisation).user
    opens = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.set_up_brokerage(
            event,
            by=manager,
            organiser=event.organisation,
            registration_opens=opens,
            registration_closes=opens - datetime.timedelta(hours=1),
            languages=["en", "xx"],
        )
    assert error.value.message_dict == {
        "languages": ["Unknown language: xx."],
        "registration_closes": ["Registration must close after it opens."],
    }


def test_set_up_brokerage_by_a_stranger_is_forbidden():
    event = EventFactory()
    with pytest.raises(PermissionDenied):
        services.set_up_brokerage(
            event,
            by=UserFactory(),
            organiser=event.organisation,
            registration_opens=timezone.now(),
            registration_closes=timezone.now() + datetime.timedelta(days=1),
        )


def test_add_meeting_day_outside_the_event_names_the_date():
    brokerage = brokerage_event()
    manager = MembershipFactory(organisation=brokerage.organiser).user
    with pytest.raises(ValidationError) as error:
        services.add_meeting_day(
            brokerage,
            by=manager,
            date=DAY + datetime.timedelta(days=5),
            starts=datetime.time(9),
            ends=datetime.time(12),
            breaks=[("11:00", "10:00")],
        )
    assert error.value.message_dict == {
        "date": ["The day must lie within the event (2030-03-12 to 2030-03-12)."],
        "breaks": ["Each break must end after it starts, within the day."],
    }


def test_register_participant_is_available_every_day():
    brokerage = brokerage_event(days=2)
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    registered = services.register_participant(brokerage, by=user, organisation=organisation)
    assert list(
        Availability.objects.filter(participant=registered).values_list("day__date", "starts")
    ) == [(DAY, datetime.time(9)), (DAY + datetime.timedelta(days=1), datetime.time(9))]


def test_register_participant_twice_or_after_closing_is_refused():
    brokerage = brokerage_event()
    registered = participant(brokerage)
    brokerage.registration_closes = timezone.now() - datetime.timedelta(minutes=1)
    brokerage.registration_opens = timezone.now() - datetime.timedelta(days=2)
    brokerage.save()
    with pytest.raises(ValidationError) as error:
        services.register_participant(
            brokerage, by=registered.user, organisation=registered.organisation
        )
    assert error.value.message_dict == {
        "brokerage": ["Registration for this event is not open."],
        "organisation": ["This organisation is registered already."],
    }
    assert Participant.objects.count() == 1


def test_register_participant_for_another_organisation_is_forbidden():
    brokerage = brokerage_event()
    with pytest.raises(PermissionDenied):
        services.register_participant(
            brokerage, by=UserFactory(), organisation=OrganisationFactory()
        )


def test_request_meeting_with_own_organisation_is_refused():
    brokerage = brokerage_event()
    a = participant(brokerage)
    with pytest.raises(ValidationError) as error:
        services.request_meeting(a, a, by=a.user, message="Hello")
    assert error.value.message_dict == {"recipient": ["You cannot meet yourself."]}


def test_request_meeting_with_someone_of_another_event_is_refused():
    a = participant(brokerage_event())
    b = participant(brokerage_event())
    with pytest.raises(ValidationError) as error:
        services.request_meeting(a, b, by=a.user)
    assert error.value.message_dict == {
        "recipient": ["This organisation is not registered for the event."]
    }


def test_request_meeting_with_a_participant_whose_profile_is_not_yet_public_is_refused():
    """Such participants are off the participant list; posting their id does not reach them."""
    brokerage = brokerage_event()
    a, pending = participant(brokerage), participant(brokerage)
    Organisation.objects.filter(pk=pending.organisation_id).update(
        status=Organisation.Status.PENDING
    )
    pending.organisation.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        services.request_meeting(a, pending, by=a.user)

    assert error.value.message_dict == {
        "recipient": ["This organisation is not registered for the event."]
    }
    assert not MeetingRequest.objects.exists()


def test_request_meeting_notifies_both_sides():
    brokerage = brokerage_event()
    a, b = participant(brokerage, name="Alpha"), participant(brokerage, name="Beta")
    services.request_meeting(a, b, by=a.user, message="Sensors?")
    subject = f"Alpha asks for a meeting at {brokerage.event.title}"
    assert sorted(InboxMessage.objects.values_list("user_id", "subject")) == sorted(
        [(a.user_id, subject), (b.user_id, subject)]
    )


def test_accept_books_the_first_slot_free_for_both(django_capture_on_commit_callbacks):
    brokerage = brokerage_event(tables=1)
    a, b, c = (participant(brokerage) for _ in range(3))
    first = services.accept_meeting_request(meeting_request(c, b), by=b.user)
    # b is busy at 09:00; a is not, but the only table is taken then.
    Availability.objects.filter(participant=a).update(starts=datetime.time(9, 30))
    with django_capture_on_commit_callbacks(execute=True):
        second = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    assert (first.slot_start, first.table) == (at(brokerage, 9), 1)
    assert (second.slot_start, second.table) == (at(brokerage, 9, 30), 1)
    assert sorted(MeetingSeat.objects.values_list("participant_id", "slot_start")) == sorted(
        [
            (c.pk, at(brokerage, 9)),
            (b.pk, at(brokerage, 9)),
            (a.pk, at(brokerage, 9, 30)),
            (b.pk, at(brokerage, 9, 30)),
        ]
    )
    assert MeetingRequest.objects.get(pk=second.request_id).status == "accepted"
    assert len(mail.outbox) == 2
    agenda = f"{settings.SITE_URL}/en/events/{brokerage.event.slug}/brokerage/agenda/"
    assert mail.outbox[0].body.endswith(agenda)


def test_accept_respects_both_availabilities():
    brokerage = brokerage_event(slots=4)
    a, b = participant(brokerage), participant(brokerage)
    Availability.objects.filter(participant=a).update(starts=datetime.time(10))
    Availability.objects.filter(participant=b).update(ends=datetime.time(10, 30))
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    assert meeting.slot_start == at(brokerage, 10)


def test_accept_without_a_common_slot_books_nothing():
    brokerage = brokerage_event(slots=4)
    a, b = participant(brokerage), participant(brokerage)
    Availability.objects.filter(participant=a).update(starts=datetime.time(10))
    Availability.objects.filter(participant=b).update(ends=datetime.time(10))
    request = meeting_request(a, b)
    with pytest.raises(ValidationError) as error:
        services.accept_meeting_request(request, by=b.user)
    assert error.value.message_dict == {
        "slot": ["There is no slot free for both of you; change your availability."]
    }
    assert (Meeting.objects.count(), MeetingSeat.objects.count()) == (0, 0)
    request.refresh_from_db()
    assert request.status == "requested"


def test_accept_a_taken_slot_proposes_the_next_free_one():
    brokerage = brokerage_event(tables=1)
    a, b, c = (participant(brokerage) for _ in range(3))
    services.accept_meeting_request(meeting_request(a, c), by=c.user)  # 09:00, a busy
    request = meeting_request(a, b)
    with pytest.raises(services.SlotTaken) as error:
        services.accept_meeting_request(request, by=b.user, slot_start=at(brokerage, 9))
    assert error.value.proposal.start == at(brokerage, 9, 30)
    assert error.value.message_dict == {
        "slot": [
            "This slot has just been taken. The next slot free for both is "
            "03/12/2030 9:30 a.m. (Europe/Berlin)."
        ]
    }
    assert Meeting.objects.count() == 1


def test_accept_by_the_sender_is_forbidden():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    with pytest.raises(PermissionDenied):
        services.accept_meeting_request(meeting_request(a, b), by=a.user)


def test_proposed_slot_is_booked_when_the_sender_accepts():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    request = services.propose_other_slot(
        meeting_request(a, b), by=b.user, slot_start=at(brokerage, 10)
    )
    assert (request.status, request.proposed_slot) == ("proposed", at(brokerage, 10))
    meeting = services.accept_meeting_request(request, by=a.user)
    assert (meeting.slot_start, meeting.table) == (at(brokerage, 10), 1)


def test_propose_a_time_outside_the_days_is_refused():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    with pytest.raises(ValidationError) as error:
        services.propose_other_slot(meeting_request(a, b), by=b.user, slot_start=at(brokerage, 20))
    assert error.value.message_dict == {"slot": ["Choose one of the event's meeting slots."]}


def test_declined_request_cannot_be_accepted():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    request = services.decline_meeting_request(meeting_request(a, b), by=b.user)
    with pytest.raises(ValidationError) as error:
        services.accept_meeting_request(request, by=b.user)
    assert error.value.message_dict == {"status": ["This request has been answered."]}
    assert Meeting.objects.count() == 0


def test_availability_cannot_drop_a_booked_meeting():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    services.accept_meeting_request(meeting_request(a, b), by=b.user)  # 09:00
    with pytest.raises(ValidationError) as error:
        services.set_availability(
            a, by=a.user, day=brokerage.days.get(), starts=datetime.time(9, 30), ends=None
        )
    assert error.value.message_dict == {"starts": ["You have meetings booked on this day."]}
    with pytest.raises(ValidationError) as error:
        services.set_availability(
            a,
            by=a.user,
            day=brokerage.days.get(),
            starts=datetime.time(9, 30),
            ends=datetime.time(11),
        )
    assert error.value.message_dict == {"starts": ["You have meetings booked outside these times."]}


def test_outcome_before_the_meeting_is_refused_and_after_it_recorded(monkeypatch):
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    meeting = services.accept_meeting_request(meeting_request(a, b), by=b.user)
    with pytest.raises(ValidationError) as error:
        services.record_outcome(meeting, a, by=a.user, kind="mou")
    assert error.value.message_dict == {"kind": ["Record the outcome after the meeting."]}
    monkeypatch.setattr(services, "now", lambda: at(brokerage, 12))
    services.record_outcome(meeting, a, by=a.user, kind="mou")
    services.record_outcome(meeting, a, by=a.user, kind="follow-up")
    assert list(MeetingOutcome.objects.values_list("participant_id", "kind")) == [
        (a.pk, "follow-up")
    ]
