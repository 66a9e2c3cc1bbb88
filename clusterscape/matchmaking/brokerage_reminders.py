"""Reminders before a meeting day: every participant with meetings on the next day (in the
event's time zone) gets one inbox message and e-mail listing them, with the agenda's link.
Run daily (`manage.py send_brokerage_reminders`).

Running it again sends nothing twice: the reminder's inbox message is its record (its link,
the agenda's full address under SITE_URL, names the day and the participant,
`…/agenda/#day-2030-03-12-17`), and each event's day is
handled in one transaction that locks its participants' rows, so two runs at the same time
wait for each other and the second finds the first one's messages.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from . import brokerage_services as services
from .brokerage_models import BrokerageEvent, Meeting, MeetingDay, MeetingSeat, Participant
from .models import InboxMessage


def _reminder_link(brokerage: BrokerageEvent, day: MeetingDay, participant: Participant) -> str:
    """The agenda's full address (the e-mail is read outside the site), naming the day and
    the participant reminded: the reminder's record."""
    return f"{settings.SITE_URL}{services._link(brokerage)}{_marker(day)}{participant.pk}"


def _marker(day: MeetingDay) -> str:
    return f"#day-{day.date.isoformat()}-"


def _language(brokerage: BrokerageEvent) -> str:
    """The event's language where the site speaks it, else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(brokerage.event, "language", "") or ""
    return language if language in codes else settings.LANGUAGE_CODE


def send_brokerage_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind every participant with meetings tomorrow (local time of each event) that has
    not been reminded of that day yet; returns how many participants were reminded."""
    now = now or timezone.now()
    reminded = 0
    days = MeetingDay.objects.filter(
        date__gte=(now - datetime.timedelta(days=1)).date(),
        date__lte=(now + datetime.timedelta(days=2)).date(),
        meetings__isnull=False,
    ).distinct()
    brokerages = BrokerageEvent.objects.filter(days__in=days).select_related("event").distinct()
    for brokerage in brokerages:
        tomorrow = now.astimezone(brokerage.zone).date() + datetime.timedelta(days=1)
        day = brokerage.days.filter(date=tomorrow).first()
        if day is not None:
            reminded += _remind_of_day(brokerage, day)
    return reminded


def _remind_of_day(brokerage: BrokerageEvent, day: MeetingDay) -> int:
    with transaction.atomic(), translation.override(_language(brokerage)):
        ids = sorted(
            set(
                MeetingSeat.objects.filter(meeting__day=day).values_list(
                    "participant_id", flat=True
                )
            )
        )
        # lock the participants (no crosswise waits: primary-key order), then read them
        list(Participant.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        participants = list(
            Participant.objects.filter(pk__in=ids)
            .select_related("organisation", "user")
            .order_by("pk")
        )
        links = {p.pk: _reminder_link(brokerage, day, p) for p in participants}
        # reminded already: the links of earlier reminders name the participants (whatever
        # SITE_URL and language they were sent with)
        agenda = f"/events/{brokerage.event.slug}/brokerage/agenda/{_marker(day)}"
        sent = InboxMessage.objects.filter(link__contains=agenda).values_list("link", flat=True)
        already = {int(link.rsplit("-", 1)[1]) for link in sent if link.rsplit("-", 1)[1].isdigit()}
        meetings = (
            Meeting.objects.filter(day=day)
            .select_related("request__sender__organisation", "request__recipient__organisation")
            .order_by("slot_start", "table")
        )
        by_participant: dict[int, list[str]] = {}
        for meeting in meetings:
            request = meeting.request
            for me, other in (
                (request.sender, request.recipient),
                (request.recipient, request.sender),
            ):
                by_participant.setdefault(me.pk, []).append(
                    _("%(start)s–%(end)s, table %(table)d: %(name)s")
                    % {
                        "start": formats.time_format(
                            meeting.slot_start.astimezone(brokerage.zone), "H:i"
                        ),
                        "end": formats.time_format(
                            meeting.slot_end.astimezone(brokerage.zone), "H:i"
                        ),
                        "table": meeting.table,
                        "name": other.organisation.display_name,
                    }
                )
        subject = _("Your meetings tomorrow at %(event)s") % {"event": brokerage.event.title}
        heading = _("Your meetings on %(day)s (times in %(zone)s):") % {
            "day": formats.date_format(day.date, "DATE_FORMAT"),
            "zone": brokerage.time_zone,
        }
        notes = [
            (
                [participant],
                subject,
                "\n".join([heading, *by_participant[participant.pk]]),
                links[participant.pk],
            )
            for participant in participants
            if participant.pk not in already and participant.pk in by_participant
        ]
        services._notify_all(notes)
        return len(notes)
