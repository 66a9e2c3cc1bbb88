"""Two acceptances at the same moment, in two real transactions on separate connections
(PostgreSQL): exactly one booking wins, the other gets a clear message and a proposal."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import Meeting, MeetingRequest, MeetingSeat

from .brokerage_factories import brokerage_event, meeting_request, participant

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a server database"
    ),
]


def accept_together(requests, users, slot_start):
    """Accept each request in its own thread and connection, released together."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def accept(index):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # the language is per thread
                results[index] = services.accept_meeting_request(
                    requests[index], by=users[index], slot_start=slot_start
                )
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_acceptances_for_the_last_table_book_one_meeting():
    brokerage = brokerage_event(tables=1)
    a, b, c, d = (participant(brokerage) for _ in range(4))
    first, second = meeting_request(a, b), meeting_request(c, d)
    nine = brokerage.days.get().slot_times()[0][0]
    slot_start = brokerage.days.get().at(nine, brokerage.zone)

    results = accept_together([first, second], [b.user, d.user], slot_start)

    booked = [r for r in results if isinstance(r, Meeting)]
    refused = [r for r in results if isinstance(r, services.SlotTaken)]
    assert (len(booked), len(refused)) == (1, 1), results
    assert refused[0].proposal.start.astimezone(brokerage.zone).strftime("%H:%M") == "09:30"
    assert refused[0].message_dict == {
        "slot": [
            "This slot has just been taken. The next slot free for both is "
            "03/12/2030 9:30 a.m. (Europe/Berlin)."
        ]
    }
    assert list(Meeting.objects.values_list("slot_start", "table")) == [(slot_start, 1)]
    assert MeetingSeat.objects.count() == 2
    assert sorted(MeetingRequest.objects.values_list("status", flat=True)) == [
        "accepted",
        "requested",
    ]


def test_two_acceptances_with_one_participant_at_one_slot_book_one_meeting():
    brokerage = brokerage_event(tables=5)
    a, b, c = (participant(brokerage) for _ in range(3))
    first, second = meeting_request(a, b), meeting_request(a, c)
    slot_start = brokerage.days.get().at(brokerage.days.get().slot_times()[0][0], brokerage.zone)

    results = accept_together([first, second], [b.user, c.user], slot_start)

    assert sorted(type(r).__name__ for r in results) == ["Meeting", "SlotTaken"]
    assert list(MeetingSeat.objects.filter(participant=a).values_list("slot_start", flat=True)) == [
        slot_start
    ]
    assert Meeting.objects.count() == 1
