import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_models import (
    Availability,
    Meeting,
    MeetingRequest,
    MeetingSeat,
)
from clusterscape.matchmaking.brokerage_scheduler import plan_schedule, run_scheduler
from clusterscape.matchmaking.models import InboxMessage

from .brokerage_factories import brokerage_event, meeting_request, participant
from .factories import matched_organisation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def at(brokerage, hour, minute=0):
    return brokerage.days.get().at(datetime.time(hour, minute), brokerage.zone)


def mutual(a, b):
    return meeting_request(a, b), meeting_request(b, a)


def organiser(brokerage):
    return MembershipFactory(organisation=brokerage.organiser).user


def test_plan_books_the_best_matching_mutual_pair_first():
    brokerage = brokerage_event(tables=1, slots=1)
    weak = [participant(brokerage, matched_organisation(country="DE")) for _ in range(2)]
    strong = [
        participant(
            brokerage,
            matched_organisation(
                fields=("automotive",),
                offers=(("automotive", "testing-certification"),),
                seeks=(("automotive", "manufacturing"),),
                country="DE",
            ),
        ),
        participant(
            brokerage,
            matched_organisation(
                fields=("automotive",),
                offers=(("automotive", "manufacturing"),),
                seeks=(("automotive", "testing-certification"),),
                country="FR",
            ),
        ),
    ]
    mutual(*weak)
    first, _back = mutual(*strong)
    meeting_request(weak[0], strong[0])  # one-sided: not scheduled
    plan = plan_schedule(brokerage)
    assert [(p.request, p.slot.start, p.table) for p in plan] == [(first, at(brokerage, 9), 1)]
    assert plan[0].score > 0.3
    assert Meeting.objects.count() == 0  # the preview writes nothing


def test_plan_respects_bookings_availability_and_tables():
    brokerage = brokerage_event(tables=1, slots=3)
    a, b, c, d = (participant(brokerage) for _ in range(4))
    services.accept_meeting_request(meeting_request(a, c), by=c.user)  # 09:00, table 1
    Availability.objects.filter(participant=b).update(starts=datetime.time(10))
    ab, _ba = mutual(a, b)
    cd, _dc = mutual(c, d)
    plan = plan_schedule(brokerage)
    assert sorted((p.request.pk, p.slot.start, p.table) for p in plan) == sorted(
        [(cd.pk, at(brokerage, 9, 30), 1), (ab.pk, at(brokerage, 10), 1)]
    )


def test_run_scheduler_books_the_plan_and_accepts_both_requests(
    django_capture_on_commit_callbacks,
):
    brokerage = brokerage_event(tables=2, slots=2)
    a, b, c = (participant(brokerage) for _ in range(3))
    mutual(a, b)
    mutual(a, c)
    with django_capture_on_commit_callbacks(execute=True):
        plan = run_scheduler(brokerage, by=organiser(brokerage), dry_run=False)
    assert len(plan) == 2
    assert sorted(
        Meeting.objects.values_list("request__sender_id", "request__recipient_id", "table")
    ) == sorted([(a.pk, b.pk, 1), (a.pk, c.pk, 1)])
    assert sorted(
        MeetingSeat.objects.filter(participant=a).values_list("slot_start", flat=True)
    ) == [at(brokerage, 9), at(brokerage, 9, 30)]
    assert set(MeetingRequest.objects.values_list("status", flat=True)) == {"accepted"}
    assert InboxMessage.objects.filter(user=a.user).count() == 2
    assert len(mail.outbox) == 4  # each meeting to both sides
    assert run_scheduler(brokerage, by=organiser(brokerage), dry_run=False) == []


def test_run_scheduler_by_a_participant_is_forbidden():
    brokerage = brokerage_event()
    with pytest.raises(PermissionDenied):
        run_scheduler(brokerage, by=UserFactory(), dry_run=True)
