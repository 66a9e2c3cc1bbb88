"""Every write of brokerage events: setting up, registering, meeting requests and their
answers, outcomes. Each write is one transaction; every rule raises a ValidationError
naming the field, and notifications go out by e-mail (on commit) and to the inbox.

Booking a meeting locks both participants' rows (`select_for_update`, in primary-key order
so two bookings never wait on each other crosswise); a table taken at the same moment by a
booking of two other participants is caught by the unique (event, slot, table) constraint,
and the loser gets `SlotTaken` with the next slot free for both.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.permissions import (
    AnyUser,
    can_act_for_organisation,
    can_manage_organisation,
    require,
)
from clusterscape.content.models import Event
from clusterscape.registry.models import Organisation

from .brokerage_models import (
    Availability,
    BrokerageEvent,
    Meeting,
    MeetingDay,
    MeetingOutcome,
    MeetingRequest,
    MeetingSeat,
    Participant,
)
from .models import InboxMessage, PartnerRequest

LANGUAGES = ("de", "en", "fr", "es", "it", "nl", "pl", "cs", "da", "sv", "fi", "pt", "ja", "zh")


@dataclass(frozen=True)
class Slot:
    """A meeting slot of a day (aware date-times in the event's time zone)."""

    day: MeetingDay
    start: datetime.datetime
    end: datetime.datetime


class SlotTaken(ValidationError):
    """The wanted slot was taken; `proposal` is the next slot free for both (or None)."""

    def __init__(self, message: str, proposal: Slot | None):
        super().__init__({"slot": [message]})
        self.proposal = proposal


def now() -> datetime.datetime:
    return timezone.now()


def can_organise(user: AnyUser, brokerage: BrokerageEvent) -> bool:
    return can_manage_organisation(user, brokerage.organiser)


def registration_is_open(brokerage: BrokerageEvent) -> bool:
    return brokerage.registration_opens <= now() < brokerage.registration_closes


# --- notifications ---------------------------------------------------------------------


def _notify(participants: Iterable[Participant], subject: str, body: str, link: str) -> None:
    _notify_all([(list(participants), subject, body, link)])


def _notify_all(notes: list[tuple[list[Participant], str, str, str]]) -> None:
    """For each note, an inbox message and an e-mail (sent when the transaction commits) to
    the person who registered each participant and its organisation's managers (users and
    managers read in one query for all notes)."""
    organisation_ids = {p.organisation_id for participants, *_rest in notes for p in participants}
    managers: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        organisation_id__in=organisation_ids, role=Membership.Role.MANAGER, user__is_active=True
    ).select_related("user"):
        managers.setdefault(membership.organisation_id, []).append(membership.user)
    messages, mails = [], []
    for participants, subject, body, link in notes:
        users = {}
        for participant in participants:
            if participant.user.is_active:
                users[participant.user.pk] = participant.user
            for user in managers.get(participant.organisation_id, []):
                users[user.pk] = user
        for user in users.values():
            messages.append(InboxMessage(user=user, subject=subject[:200], body=body, link=link))
            if user.email:
                mails.append(EmailMessage(subject, f"{body}\n\n{link}".strip(), to=[user.email]))
    InboxMessage.objects.bulk_create(messages, batch_size=1000)
    if mails:
        transaction.on_commit(lambda: get_connection().send_messages(mails))


def _link(brokerage: BrokerageEvent) -> str:
    return reverse("brokerage:agenda", kwargs={"slug": brokerage.event.slug})


def _when(moment: datetime.datetime, brokerage: BrokerageEvent) -> str:
    local = moment.astimezone(brokerage.zone)
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({brokerage.time_zone})"


# --- setting up ------------------------------------------------------------------------


def set_up_brokerage(
    event: Event,
    *,
    by: AnyUser,
    organiser: Organisation,
    registration_opens: datetime.datetime,
    registration_closes: datetime.datetime,
    time_zone: str = "",
    languages: Iterable[str] = ("en",),
    fee_note: str = "",
) -> BrokerageEvent:
    """Give an event its brokerage part; the organiser's managers (or an editor) run it."""
    require(can_manage_organisation(by, organiser))
    errors: dict[str, list[str]] = {}
    languages = [code.strip().lower() for code in languages if code.strip()]
    if not languages:
        errors["languages"] = [_("Name at least one language of the meetings.")]
    elif unknown := [code for code in languages if code not in LANGUAGES]:
        errors["languages"] = [_("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if registration_closes <= registration_opens:
        errors["registration_closes"] = [_("Registration must close after it opens.")]
    elif registration_closes > event.ends_at:
        errors["registration_closes"] = [_("Registration must close before the event ends.")]
    if BrokerageEvent.objects.filter(event=event).exists():
        errors["event"] = [_("This event has a brokerage part already.")]
    if errors:
        raise ValidationError(errors)
    brokerage = BrokerageEvent(
        event=event,
        organiser=organiser,
        registration_opens=registration_opens,
        registration_closes=registration_closes,
        time_zone=time_zone or event.time_zone,
        languages=",".join(languages),
        fee_note=fee_note.strip(),
    )
    brokerage.full_clean()
    brokerage.save()
    return brokerage


def add_meeting_day(
    brokerage: BrokerageEvent,
    *,
    by: AnyUser,
    date: datetime.date,
    starts: datetime.time,
    ends: datetime.time,
    slot_minutes: int = 30,
    breaks: Iterable[tuple[str, str]] = (),
    tables: int = 10,
) -> MeetingDay:
    """A day of meetings within the event's dates."""
    require(can_organise(by, brokerage))
    errors: dict[str, list[str]] = {}
    event = brokerage.event
    first = event.starts_at.astimezone(brokerage.zone).date()
    last = event.ends_at.astimezone(brokerage.zone).date()
    if not first <= date <= last:
        errors["date"] = [
            _("The day must lie within the event (%(first)s to %(last)s).")
            % {
                "first": first.isoformat(),
                "last": last.isoformat(),
            }
        ]
    if ends <= starts:
        errors["ends"] = [_("The meetings must end after they start.")]
    if slot_minutes < 5:
        errors["slot_minutes"] = [_("A meeting lasts at least 5 minutes.")]
    if tables < 1:
        errors["tables"] = [_("Give at least one table or online room.")]
    pairs = []
    for pair in breaks:
        try:
            start, end = (datetime.time.fromisoformat(value) for value in pair)
        except (TypeError, ValueError):
            errors["breaks"] = [_("Write each break as two times such as 12:00 and 13:00.")]
            break
        if end <= start or start < starts or end > ends:
            errors["breaks"] = [_("Each break must end after it starts, within the day.")]
            break
        pairs.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    if errors:
        raise ValidationError(errors)
    day = MeetingDay(
        brokerage=brokerage,
        date=date,
        starts=starts,
        ends=ends,
        slot_minutes=slot_minutes,
        breaks=sorted(pairs),
        tables=tables,
    )
    day.full_clean()
    day.save()
    return day


# --- registration ----------------------------------------------------------------------


def register_participant(
    brokerage: BrokerageEvent,
    *,
    by: AnyUser,
    organisation: Organisation,
    partner_requests: Iterable[PartnerRequest] = (),
) -> Participant:
    """Register the organisation, by one of its people, while registration is open; it is
    available all of every meeting day until it says otherwise."""
    require(can_act_for_organisation(by, organisation))
    errors: dict[str, list[str]] = {}
    if not registration_is_open(brokerage):
        errors["brokerage"] = [_("Registration for this event is not open.")]
    if Participant.objects.filter(brokerage=brokerage, organisation=organisation).exists():
        errors["organisation"] = [_("This organisation is registered already.")]
    elif Participant.objects.filter(brokerage=brokerage, user=by).exists():
        errors["organisation"] = [_("You have registered an organisation for this event already.")]
    partner_requests = list(partner_requests)
    if any(request.organisation_id != organisation.pk for request in partner_requests):
        errors["partner_requests"] = [_("Choose only the organisation's own partner requests.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        participant = Participant.objects.create(
            brokerage=brokerage, organisation=organisation, user=by
        )
        participant.partner_requests.set(partner_requests)
        Availability.objects.bulk_create(
            Availability(participant=participant, day=day, starts=day.starts, ends=day.ends)
            for day in brokerage.days.all()
        )
    return participant


def set_availability(
    participant: Participant,
    *,
    by: AnyUser,
    day: MeetingDay,
    starts: datetime.time | None,
    ends: datetime.time | None,
) -> Availability | None:
    """When the participant can meet on the day (None for both: not at all). Booked
    meetings outside the new times must be cancelled first."""
    require(can_act_for_organisation(by, participant.organisation))
    if day.brokerage_id != participant.brokerage_id:
        raise ValidationError({"day": [_("This day belongs to another event.")]})
    with transaction.atomic():
        Participant.objects.select_for_update().get(pk=participant.pk)
        seats = MeetingSeat.objects.filter(participant=participant, meeting__day=day)
        if starts is None or ends is None:
            if seats.exists():
                raise ValidationError({"starts": [_("You have meetings booked on this day.")]})
            Availability.objects.filter(participant=participant, day=day).delete()
            return None
        if ends <= starts:
            raise ValidationError({"ends": [_("The time must end after it starts.")]})
        if starts < day.starts or ends > day.ends:
            raise ValidationError({"starts": [_("Choose times within the meeting day.")]})
        zone = participant.brokerage.zone
        if seats.exclude(
            slot_start__gte=day.at(starts, zone), meeting__slot_end__lte=day.at(ends, zone)
        ).exists():
            raise ValidationError({"starts": [_("You have meetings booked outside these times.")]})
        availability, _created = Availability.objects.update_or_create(
            participant=participant, day=day, defaults={"starts": starts, "ends": ends}
        )
        return availability


# --- meeting requests ------------------------------------------------------------------


def request_meeting(
    sender: Participant, recipient: Participant, *, by: AnyUser, message: str = ""
) -> MeetingRequest:
    """Ask another participant of the same event for a meeting; both sides are told."""
    require(can_act_for_organisation(by, sender.organisation))
    brokerage = sender.brokerage
    errors: dict[str, list[str]] = {}
    if recipient.brokerage_id != sender.brokerage_id:
        errors["recipient"] = [_("This organisation is not registered for the event.")]
    elif recipient.pk == sender.pk:
        errors["recipient"] = [_("You cannot meet yourself.")]
    elif recipient.organisation_id == sender.organisation_id:
        errors["recipient"] = [_("You cannot meet your own organisation.")]
    elif MeetingRequest.objects.filter(sender=sender, recipient=recipient).exists():
        errors["recipient"] = [_("You have asked this participant for a meeting already.")]
    if not registration_is_open(brokerage):
        errors["brokerage"] = [_("Registration for this event is closed.")]
    if len(message) > MeetingRequest.MESSAGE_MAX_LENGTH:
        errors["message"] = [
            _("Write at most %(count)d characters.") % {"count": MeetingRequest.MESSAGE_MAX_LENGTH}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting_request = MeetingRequest.objects.create(
            brokerage=brokerage, sender=sender, recipient=recipient, message=message.strip()
        )
        _notify(
            [sender, recipient],
            _("%(name)s asks for a meeting at %(event)s")
            % {"name": sender.organisation.name, "event": brokerage.event.title},
            meeting_request.message,
            _link(brokerage),
        )
    return meeting_request


def _answering_side(meeting_request: MeetingRequest) -> Participant:
    """Who answers now: the recipient, or the sender when the recipient proposed a time."""
    if meeting_request.status == MeetingRequest.Status.PROPOSED:
        return meeting_request.sender
    return meeting_request.recipient


def _check_open(meeting_request: MeetingRequest, by: AnyUser) -> None:
    require(can_act_for_organisation(by, _answering_side(meeting_request).organisation))
    if meeting_request.status not in (
        MeetingRequest.Status.REQUESTED,
        MeetingRequest.Status.PROPOSED,
    ):
        raise ValidationError({"status": [_("This request has been answered.")]})


def decline_meeting_request(meeting_request: MeetingRequest, *, by: AnyUser) -> MeetingRequest:
    _check_open(meeting_request, by)
    with transaction.atomic():
        meeting_request.status = MeetingRequest.Status.DECLINED
        meeting_request.answered_at = now()
        meeting_request.save(update_fields=["status", "answered_at"])
        _notify(
            [meeting_request.sender, meeting_request.recipient],
            _("No meeting between %(a)s and %(b)s")
            % {
                "a": meeting_request.sender.organisation.name,
                "b": meeting_request.recipient.organisation.name,
            },
            meeting_request.message,
            _link(meeting_request.brokerage),
        )
    return meeting_request


# --- slots -----------------------------------------------------------------------------


def slots_of(brokerage: BrokerageEvent) -> list[Slot]:
    zone = brokerage.zone
    return [
        Slot(day, day.at(start, zone), day.at(end, zone))
        for day in brokerage.days.order_by("date")
        for start, end in day.slot_times()
    ]


def _available(participant: Participant) -> dict[int, tuple[datetime.time, datetime.time]]:
    return {a.day_id: (a.starts, a.ends) for a in participant.availability.all()}


def _fits(slot: Slot, windows: dict[int, tuple[datetime.time, datetime.time]], zone) -> bool:
    window = windows.get(slot.day.pk)
    if window is None:
        return False
    local_start, local_end = slot.start.astimezone(zone), slot.end.astimezone(zone)
    return window[0] <= local_start.time() and local_end.time() <= window[1]


def free_slots(a: Participant, b: Participant) -> list[tuple[Slot, int]]:
    """The slots free for both within both availabilities, each with its lowest free
    table, in time order (read as of now; booking checks again under lock)."""
    brokerage = a.brokerage
    zone = brokerage.zone
    busy = set(
        MeetingSeat.objects.filter(participant__in=[a, b]).values_list("slot_start", flat=True)
    )
    used: dict[datetime.datetime, set[int]] = {}
    for start, table in Meeting.objects.filter(brokerage=brokerage).values_list(
        "slot_start", "table"
    ):
        used.setdefault(start, set()).add(table)
    windows_a, windows_b = _available(a), _available(b)
    found = []
    for slot in slots_of(brokerage):
        if slot.start in busy or not (
            _fits(slot, windows_a, zone) and _fits(slot, windows_b, zone)
        ):
            continue
        taken = used.get(slot.start, set())
        table = next((t for t in range(1, slot.day.tables + 1) if t not in taken), None)
        if table is not None:
            found.append((slot, table))
    return found


def _slot_at(brokerage: BrokerageEvent, moment: datetime.datetime) -> Slot | None:
    return next((slot for slot in slots_of(brokerage) if slot.start == moment), None)


def propose_other_slot(
    meeting_request: MeetingRequest, *, by: AnyUser, slot_start: datetime.datetime
) -> MeetingRequest:
    """The recipient proposes another time (a slot free for both); the sender accepts or
    declines it."""
    if meeting_request.status != MeetingRequest.Status.REQUESTED:
        raise ValidationError({"status": [_("This request has been answered.")]})
    _check_open(meeting_request, by)
    free = {
        slot.start for slot, _table in free_slots(meeting_request.sender, meeting_request.recipient)
    }
    if _slot_at(meeting_request.brokerage, slot_start) is None:
        raise ValidationError({"slot": [_("Choose one of the event's meeting slots.")]})
    if slot_start not in free:
        raise ValidationError({"slot": [_("This slot is not free for both of you.")]})
    with transaction.atomic():
        meeting_request.status = MeetingRequest.Status.PROPOSED
        meeting_request.proposed_slot = slot_start
        meeting_request.answered_at = now()
        meeting_request.save(update_fields=["status", "proposed_slot", "answered_at"])
        _notify(
            [meeting_request.sender, meeting_request.recipient],
            _("%(name)s proposes to meet at %(when)s")
            % {
                "name": meeting_request.recipient.organisation.name,
                "when": _when(slot_start, meeting_request.brokerage),
            },
            meeting_request.message,
            _link(meeting_request.brokerage),
        )
    return meeting_request


def _lock(*participants: Participant) -> None:
    """Lock the participants' rows in primary-key order (no crosswise waits)."""
    ids = sorted({p.pk for p in participants})
    list(Participant.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def book_meeting(meeting_request: MeetingRequest, slot: Slot, table: int) -> Meeting:
    """Write the meeting and its two seats (inside a transaction the caller holds)."""
    meeting = Meeting.objects.create(
        brokerage=meeting_request.brokerage,
        request=meeting_request,
        day=slot.day,
        slot_start=slot.start,
        slot_end=slot.end,
        table=table,
    )
    MeetingSeat.objects.bulk_create(
        MeetingSeat(meeting=meeting, participant_id=participant_id, slot_start=slot.start)
        for participant_id in (meeting_request.sender_id, meeting_request.recipient_id)
    )
    return meeting


def accept_meeting_request(
    meeting_request: MeetingRequest,
    *,
    by: AnyUser,
    slot_start: datetime.datetime | None = None,
) -> Meeting:
    """Accept: book the wanted slot (the proposed one when the recipient proposed a time),
    or else the first slot and table free for both within both availabilities. If the slot
    was taken meanwhile, nothing is written and `SlotTaken` names the next free slot."""
    _check_open(meeting_request, by)
    sender, recipient = meeting_request.sender, meeting_request.recipient
    if slot_start is None:
        slot_start = meeting_request.proposed_slot
    with transaction.atomic():
        _lock(sender, recipient)
        fresh = MeetingRequest.objects.select_for_update().get(pk=meeting_request.pk)
        if fresh.status not in (MeetingRequest.Status.REQUESTED, MeetingRequest.Status.PROPOSED):
            raise ValidationError({"status": [_("This request has been answered.")]})
        free = free_slots(sender, recipient)
        if not free:
            raise ValidationError(
                {"slot": [_("There is no slot free for both of you; change your availability.")]}
            )
        if slot_start is None:
            slot, table = free[0]
        else:
            if _slot_at(meeting_request.brokerage, slot_start) is None:
                raise ValidationError({"slot": [_("Choose one of the event's meeting slots.")]})
            chosen = next(((s, t) for s, t in free if s.start == slot_start), None)
            if chosen is None:
                raise _taken(meeting_request, free[0][0])
            slot, table = chosen
        try:
            with transaction.atomic():
                meeting = book_meeting(meeting_request, slot, table)
        except IntegrityError:
            # Another booking took the table (or a seat) at the same moment.
            later = [s for s, _t in free_slots(sender, recipient) if s.start != slot.start]
            raise _taken(meeting_request, later[0] if later else None) from None
        meeting_request.status = MeetingRequest.Status.ACCEPTED
        meeting_request.proposed_slot = slot.start
        meeting_request.answered_at = now()
        meeting_request.save(update_fields=["status", "proposed_slot", "answered_at"])
        _notify(
            [sender, recipient],
            _("Meeting booked: %(a)s and %(b)s at %(when)s, table %(table)d")
            % {
                "a": sender.organisation.name,
                "b": recipient.organisation.name,
                "when": _when(slot.start, meeting_request.brokerage),
                "table": table,
            },
            meeting_request.message,
            _link(meeting_request.brokerage),
        )
    return meeting


def _taken(meeting_request: MeetingRequest, proposal: Slot | None) -> SlotTaken:
    if proposal is None:
        return SlotTaken(_("This slot has just been taken and no other slot is free."), None)
    return SlotTaken(
        _("This slot has just been taken. The next slot free for both is %(when)s.")
        % {"when": _when(proposal.start, meeting_request.brokerage)},
        proposal,
    )


# --- outcomes --------------------------------------------------------------------------


def record_outcome(
    meeting: Meeting, participant: Participant, *, by: AnyUser, kind: str, note: str = ""
) -> MeetingOutcome:
    """One side's outcome of a meeting that has begun."""
    require(can_act_for_organisation(by, participant.organisation))
    if not meeting.seats.filter(participant=participant).exists():
        raise ValidationError({"participant": [_("This participant was not in the meeting.")]})
    if meeting.slot_start > now():
        raise ValidationError({"kind": [_("Record the outcome after the meeting.")]})
    if kind not in MeetingOutcome.Kind.values:
        raise ValidationError({"kind": [_("Choose one of the outcomes.")]})
    with transaction.atomic():
        outcome, _created = MeetingOutcome.objects.update_or_create(
            meeting=meeting, participant=participant, defaults={"kind": kind, "note": note.strip()}
        )
        outcome.full_clean()
    return outcome
