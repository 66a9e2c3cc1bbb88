"""Reminders before a meeting day: one per participant with meetings the next day, never
twice."""

import datetime
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from clusterscape.matchmaking.brokerage_reminders import send_brokerage_reminders
from clusterscape.matchmaking.brokerage_services import accept_meeting_request
from clusterscape.matchmaking.models import InboxMessage

from .brokerage_factories import DAY, brokerage_event, meeting_request, participant

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

BERLIN = datetime.timezone(datetime.timedelta(hours=1))
EVE = datetime.datetime.combine(DAY - datetime.timedelta(days=1), datetime.time(18), BERLIN)


@pytest.fixture
def booked():
    brokerage = brokerage_event(days=2)
    a = participant(brokerage, name="Alpha")
    b = participant(brokerage, name="Beta")
    c = participant(brokerage, name="Gamma")
    first = brokerage.days.order_by("date").first()
    second = brokerage.days.order_by("date").last()
    accept_meeting_request(
        meeting_request(a, b), by=b.user, slot_start=first.at(datetime.time(9), brokerage.zone)
    )
    accept_meeting_request(
        meeting_request(c, a), by=a.user, slot_start=second.at(datetime.time(10), brokerage.zone)
    )
    InboxMessage.objects.all().delete()
    return brokerage, a, b, c


def test_participants_with_meetings_tomorrow_get_one_reminder(
    booked, django_capture_on_commit_callbacks
):
    brokerage, a, b, _c = booked

    with django_capture_on_commit_callbacks(execute=True):
        count = send_brokerage_reminders(now=EVE)

    assert count == 2
    reminders = InboxMessage.objects.order_by("user_id")
    assert [m.user_id for m in reminders] == sorted([a.user_id, b.user_id])
    alpha = InboxMessage.objects.get(user=a.user)
    assert alpha.subject == f"Your meetings tomorrow at {brokerage.event.title}"
    assert alpha.body == (
        "Your meetings on March 12, 2030 (times in Europe/Berlin):\n09:00–09:30, table 1: Beta"
    )
    assert alpha.link == (
        f"{settings.SITE_URL}/en/events/{brokerage.event.slug}/brokerage/agenda/"
        f"#day-2030-03-12-{a.pk}"
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.user.email, b.user.email])
    assert alpha.link in mail.outbox[0].body


def test_running_twice_sends_nothing_twice(booked):
    _brokerage, _a, _b, _c = booked

    send_brokerage_reminders(now=EVE)
    again = send_brokerage_reminders(now=EVE + datetime.timedelta(hours=3))

    assert again == 0
    assert InboxMessage.objects.count() == 2


def test_the_next_day_reminds_of_its_own_meetings(booked):
    _brokerage, a, b, c = booked
    send_brokerage_reminders(now=EVE)

    count = send_brokerage_reminders(now=EVE + datetime.timedelta(days=1))

    assert count == 2
    assert sorted(InboxMessage.objects.values_list("user_id", flat=True)) == sorted(
        [a.user_id, a.user_id, b.user_id, c.user_id]
    )


def test_nothing_is_sent_days_before(booked):
    assert send_brokerage_reminders(now=EVE - datetime.timedelta(days=3)) == 0
    assert InboxMessage.objects.count() == 0


def test_reminders_follow_the_events_time_zone(booked):
    # 23:30 UTC on the eve is already the meeting day in Berlin: tomorrow is the second day
    late = datetime.datetime.combine(
        DAY - datetime.timedelta(days=1), datetime.time(23, 30), datetime.UTC
    )
    _brokerage, a, _b, c = booked

    assert send_brokerage_reminders(now=late) == 2
    assert sorted(InboxMessage.objects.values_list("user_id", flat=True)) == sorted(
        [a.user_id, c.user_id]
    )


def test_command_reports_how_many_were_reminded(booked, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: EVE)
    out = io.StringIO()

    call_command("send_brokerage_reminders", stdout=out)
    call_command("send_brokerage_reminders", stdout=out)

    assert out.getvalue() == "reminded 2 participants\nreminded 0 participants\n"


def test_reminders_speak_the_events_language(booked):
    brokerage, a, _b, _c = booked
    brokerage.event.language = "de"
    brokerage.event.save(update_fields=["language"])

    send_brokerage_reminders(now=EVE)

    reminder = InboxMessage.objects.get(user=a.user)
    assert reminder.subject == f"Ihre Gespräche morgen bei {brokerage.event.title}"
    assert reminder.body == (
        "Ihre Gespräche am 12. März 2030 (Zeiten in Europe/Berlin):\n09:00–09:30, Tisch 1: Beta"
    )
    assert reminder.link.startswith(
        f"{settings.SITE_URL}/de/events/{brokerage.event.slug}/brokerage/agenda/"
    )


def test_a_changed_site_address_sends_nothing_twice(booked, settings):
    send_brokerage_reminders(now=EVE)
    settings.SITE_URL = "https://clusterscape.example"

    assert send_brokerage_reminders(now=EVE) == 0
