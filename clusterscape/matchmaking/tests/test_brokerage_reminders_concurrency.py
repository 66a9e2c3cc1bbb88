"""Two reminder runs at the same moment, in two real transactions on separate connections
(PostgreSQL): each participant is reminded once."""

import datetime
import threading

import pytest
from django.db import connection, connections

from clusterscape.matchmaking.brokerage_reminders import send_brokerage_reminders
from clusterscape.matchmaking.brokerage_services import accept_meeting_request
from clusterscape.matchmaking.models import InboxMessage

from .brokerage_factories import DAY, brokerage_event, meeting_request, participant

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need a server database"
    ),
]


def test_two_runs_at_once_remind_each_participant_once():
    brokerage = brokerage_event()
    a, b = participant(brokerage), participant(brokerage)
    accept_meeting_request(meeting_request(a, b), by=b.user)
    InboxMessage.objects.all().delete()
    eve = datetime.datetime.combine(
        DAY - datetime.timedelta(days=1), datetime.time(17), datetime.UTC
    )
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = send_brokerage_reminders(now=eve)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [0, 2], results
    assert sorted(InboxMessage.objects.values_list("user_id", flat=True)) == sorted(
        [a.user_id, b.user_id]
    )
