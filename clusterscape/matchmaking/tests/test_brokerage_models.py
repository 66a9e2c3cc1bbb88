import datetime

import pytest
from django.db import IntegrityError, transaction

from clusterscape.matchmaking.brokerage_models import Meeting, MeetingSeat

from .brokerage_factories import brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.unit]


def test_slot_times_leave_out_breaks():
    brokerage = brokerage_event(slots=6)
    day = brokerage.days.get()
    day.breaks = [["10:00", "10:45"]]
    assert [(s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in day.slot_times()] == [
        ("09:00", "09:30"),
        ("09:30", "10:00"),
        ("10:45", "11:15"),
        ("11:15", "11:45"),
    ]


def _meeting(request, day, start, table):
    return Meeting.objects.create(
        brokerage=request.brokerage,
        request=request,
        day=day,
        slot_start=start,
        slot_end=start + datetime.timedelta(minutes=30),
        table=table,
    )


def test_database_refuses_two_meetings_at_one_table_and_slot():
    brokerage = brokerage_event()
    day = brokerage.days.get()
    a, b, c, d = (participant(brokerage) for _ in range(4))
    start = day.at(datetime.time(9), brokerage.zone)
    _meeting(meeting_request(a, b), day, start, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _meeting(meeting_request(c, d), day, start, 1)
    assert Meeting.objects.count() == 1


def test_database_refuses_one_participant_in_two_meetings_at_once():
    brokerage = brokerage_event()
    day = brokerage.days.get()
    a, b, c = (participant(brokerage) for _ in range(3))
    start = day.at(datetime.time(9), brokerage.zone)
    first = _meeting(meeting_request(a, b), day, start, 1)
    MeetingSeat.objects.create(meeting=first, participant=a, slot_start=start)
    second = _meeting(meeting_request(a, c), day, start, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingSeat.objects.create(meeting=second, participant=a, slot_start=start)
    assert list(MeetingSeat.objects.values_list("meeting_id", flat=True)) == [first.pk]
