"""An organiser changes a meeting day while a participant books a meeting on it, in two
real transactions on separate connections (PostgreSQL): whichever comes first, no booked
meeting ends up outside the day's slots or tables."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from clusterscape.accounts.tests.factories import MembershipFactory
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import Meeting, MeetingDay

from .brokerage_factories import brokerage_event, meeting_request, participant

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent transactions need a server database"
    ),
]


def together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):
                results[index] = calls[index]()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_day_change_and_booking_at_once_leave_no_meeting_outside_the_slots(attempt):
    brokerage = brokerage_event(tables=2, slots=4)  # 09:00 to 11:00 in 30-minute slots
    a, b = participant(brokerage), participant(brokerage)
    request = meeting_request(a, b)
    day = brokerage.days.get()
    organiser = MembershipFactory(organisation=brokerage.organiser).user
    half_past_nine = day.at(datetime.time(9, 30), brokerage.zone)

    booked, changed = together(
        lambda: services.accept_meeting_request(request, by=b.user, slot_start=half_past_nine),
        lambda: services.update_meeting_day(
            day,
            by=organiser,
            date=day.date,
            starts=datetime.time(9),
            ends=datetime.time(11),
            slot_minutes=45,
            tables=2,
        ),
    )

    # exactly one of the two happened, and the other was told why
    outcomes = sorted([type(booked).__name__, type(changed).__name__])
    assert outcomes in (["Meeting", "ValidationError"], ["MeetingDay", "ValidationError"]), (
        booked,
        changed,
    )
    day = MeetingDay.objects.get(pk=day.pk)
    slots = {(day.at(s, brokerage.zone), day.at(e, brokerage.zone)) for s, e in day.slot_times()}
    for meeting in Meeting.objects.all():
        assert (meeting.slot_start, meeting.slot_end) in slots
        assert meeting.table <= day.tables
    if isinstance(changed, ValidationError):
        assert day.slot_minutes == 30
        assert Meeting.objects.count() == 1
    else:
        assert Meeting.objects.count() == 0
