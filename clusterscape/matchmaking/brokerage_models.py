"""Brokerage events: an event of the content app with matchmaking days of 1:1 meetings.

A `BrokerageEvent` adds a registration window, time zone, languages and a fee note to a
content `Event`. `MeetingDay`s divide into slots of `slot_minutes` (without the breaks),
each with `tables` tables or online rooms. Organisations register as `Participant`s, mark
their `Availability` per day and send `MeetingRequest`s; an accepted request becomes a
`Meeting` at one slot and table.

Double bookings are impossible in the database: a table holds one meeting per slot
(unique event × slot × table), and every meeting has one `MeetingSeat` per side with a
unique (participant, slot), so nobody sits in two meetings at the same time.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterscape.registry.models import Organisation

__all__ = [
    "Availability",
    "BrokerageEvent",
    "Meeting",
    "MeetingDay",
    "MeetingOutcome",
    "MeetingRequest",
    "MeetingSeat",
    "Participant",
]


def _validate_time_zone(value: str) -> None:
    from clusterscape.content.models import validate_time_zone

    validate_time_zone(value)


class BrokerageEvent(models.Model):
    """The brokerage part of a content event."""

    event = models.OneToOneField(
        "content.Event",
        on_delete=models.CASCADE,
        related_name="brokerage",
        verbose_name=_("event"),
    )
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="brokerage_events",
        verbose_name=_("organiser"),
    )
    registration_opens = models.DateTimeField(_("registration opens"))
    registration_closes = models.DateTimeField(_("registration closes"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Berlin",
        validators=[_validate_time_zone],
        help_text=_("Where the meetings take place, e.g. Europe/Berlin."),
    )
    languages = models.CharField(
        _("languages"),
        max_length=100,
        default="en",
        help_text=_("Languages of the meetings, as codes separated by commas (de, en)."),
    )
    fee_note = models.TextField(_("fee"), blank=True, help_text=_("Optional note on fees."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("brokerage event")
        verbose_name_plural = _("brokerage events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_closes__gt=models.F("registration_opens")),
                name="brokerage_registration_window",
            )
        ]

    def __str__(self) -> str:
        return str(self.event)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def language_list(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]


class MeetingDay(models.Model):
    """A day of meetings: from `starts` to `ends` (local time of the event) in slots of
    `slot_minutes`; slots overlapping a break are left out. `breaks` is a list of
    ["HH:MM", "HH:MM"] pairs."""

    brokerage = models.ForeignKey(
        BrokerageEvent, on_delete=models.CASCADE, related_name="days", verbose_name=_("event")
    )
    date = models.DateField(_("date"))
    starts = models.TimeField(_("first meeting"))
    ends = models.TimeField(_("end of the last meeting"))
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per meeting"), default=30)
    breaks = models.JSONField(_("breaks"), default=list, blank=True)
    tables = models.PositiveSmallIntegerField(_("tables or online rooms"), default=10)

    class Meta:
        verbose_name = _("meeting day")
        verbose_name_plural = _("meeting days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["brokerage", "date"], name="brokerage_day_once"),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="brokerage_day_order"
            ),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5), name="brokerage_day_slot_length"
            ),
            models.CheckConstraint(condition=models.Q(tables__gte=1), name="brokerage_day_tables"),
        ]

    def __str__(self) -> str:
        return f"{self.brokerage} {self.date}"

    def break_times(self) -> list[tuple[datetime.time, datetime.time]]:
        return [
            (datetime.time.fromisoformat(start), datetime.time.fromisoformat(end))
            for start, end in self.breaks
        ]

    def slot_times(self) -> list[tuple[datetime.time, datetime.time]]:
        """The slots' local start and end times, in order."""
        slots = []
        breaks = self.break_times()
        length = datetime.timedelta(minutes=self.slot_minutes)
        moment = datetime.datetime.combine(self.date, self.starts)
        last = datetime.datetime.combine(self.date, self.ends)
        while moment + length <= last:
            start, end = moment.time(), (moment + length).time()
            clash = next((b for b in breaks if start < b[1] and b[0] < end), None)
            if clash is None:
                slots.append((start, end))
                moment += length
            else:
                moment = datetime.datetime.combine(self.date, clash[1])
        return slots

    def at(self, time: datetime.time, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
        return datetime.datetime.combine(self.date, time, tzinfo=zone)


class Participant(models.Model):
    """An organisation registered for a brokerage event by one of its people."""

    brokerage = models.ForeignKey(
        BrokerageEvent,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("event"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="brokerage_participations",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="brokerage_participations",
        verbose_name=_("registered by"),
    )
    partner_requests = models.ManyToManyField(
        "matchmaking.PartnerRequest",
        blank=True,
        related_name="brokerage_participants",
        verbose_name=_("cooperation offers and requests"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["brokerage", "organisation"], name="brokerage_participant_once"
            ),
            models.UniqueConstraint(
                fields=["brokerage", "user"], name="brokerage_participant_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.brokerage}"


class Availability(models.Model):
    """When a participant can meet on one day (local time of the event)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="availability"
    )
    day = models.ForeignKey(MeetingDay, on_delete=models.CASCADE, related_name="availability")
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="brokerage_available_once"),
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="brokerage_available_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.day.date} {self.starts}–{self.ends}"


class MeetingRequest(models.Model):
    """One participant asks another for a meeting."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        PROPOSED = "proposed", _("other time proposed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        CANCELLED = "cancelled", _("cancelled")

    MESSAGE_MAX_LENGTH = 2000

    brokerage = models.ForeignKey(
        BrokerageEvent, on_delete=models.CASCADE, related_name="meeting_requests"
    )
    sender = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="sent_requests", verbose_name=_("from")
    )
    recipient = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="received_requests",
        verbose_name=_("to"),
    )
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    proposed_slot = models.DateTimeField(_("proposed time"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "recipient"], name="brokerage_request_once"),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")),
                name="brokerage_request_not_self",
            ),
        ]
        indexes = [models.Index(fields=["brokerage", "status"], name="brokerage_request_status")]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"


class Meeting(models.Model):
    """A booked meeting: one slot at one table."""

    brokerage = models.ForeignKey(BrokerageEvent, on_delete=models.CASCADE, related_name="meetings")
    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    day = models.ForeignKey(MeetingDay, on_delete=models.CASCADE, related_name="meetings")
    slot_start = models.DateTimeField(_("starts"))
    slot_end = models.DateTimeField(_("ends"))
    table = models.PositiveSmallIntegerField(_("table or room"))
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot_start", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["brokerage", "slot_start", "table"], name="brokerage_table_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.slot_start:%Y-%m-%d %H:%M} #{self.table}"


class MeetingSeat(models.Model):
    """One side of a meeting at its slot: a participant sits in one meeting at a time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="seats")
    slot_start = models.DateTimeField()

    class Meta:
        verbose_name = _("meeting seat")
        verbose_name_plural = _("meeting seats")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "slot_start"], name="brokerage_seat_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.slot_start:%Y-%m-%d %H:%M}"


class MeetingOutcome(models.Model):
    """What one side records after a meeting."""

    class Kind(models.TextChoices):
        NONE = "none", _("no follow-up")
        FOLLOW_UP = "follow-up", _("follow-up agreed")
        LETTER_OF_INTENT = "letter-of-intent", _("letter of intent")
        MOU = "mou", _("memorandum of understanding")
        PROJECT_IDEA = "project-idea", _("joint project idea")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="brokerage_outcome_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_kind_display()}"
