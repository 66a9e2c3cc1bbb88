"""Every write of brokerage events: setting up, registering, meeting requests and their
answers, outcomes. Each write is one transaction; every rule raises a ValidationError
naming the field, and notifications go out by e-mail (on commit) and to the inbox.

Booking a meeting locks both participants' rows (`select_for_update`, in primary-key order
so two bookings never wait on each other crosswise); a table taken at the same moment by a
booking of two other participants is caught by the unique (event, slot, table) constraint,
and the loser gets `SlotTaken` with the next slot free for both.
"""

import datetime
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.permissions import (
    AnyUser,
    can_act_for_organisation,
    can_manage_organisation,
    is_signed_in,
    require,
)
from clusterscape.content.models import Event
from clusterscape.core.cache import public_pages_changed
from clusterscape.core.mail import send_mails_later, site_link
from clusterscape.registry.models import Organisation

from .brokerage_funding import advance_partnerships
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
                mails.append(
                    EmailMessage(subject, f"{body}\n\n{site_link(link)}".strip(), to=[user.email])
                )
    InboxMessage.objects.bulk_create(messages, batch_size=1000)
    send_mails_later(mails)


def _link(brokerage: BrokerageEvent) -> str:
    return reverse("brokerage:agenda", kwargs={"slug": brokerage.event.slug})


def _when(moment: datetime.datetime, brokerage: BrokerageEvent) -> str:
    local = moment.astimezone(brokerage.zone)
    return f"{formats.date_format(local, 'SHORT_DATETIME_FORMAT')} ({brokerage.time_zone})"


# --- setting up ------------------------------------------------------------------------


def _window_errors(
    event: Event,
    *,
    registration_opens: datetime.datetime,
    registration_closes: datetime.datetime,
    first_meeting: datetime.datetime | None,
) -> dict[str, list[str]]:
    if registration_closes <= registration_opens:
        return {"registration_closes": [_("Registration must close after it opens.")]}
    if first_meeting is not None and registration_closes > first_meeting:
        return {
            "registration_closes": [
                _("Registration must close before the first meeting day begins (%(when)s).")
                % {"when": formats.date_format(first_meeting, "SHORT_DATETIME_FORMAT")}
            ]
        }
    if registration_closes > event.ends_at:
        return {"registration_closes": [_("Registration must close before the event ends.")]}
    return {}


def _language_codes(languages: Iterable[str], errors: dict[str, list[str]]) -> list[str]:
    codes = [code.strip().lower() for code in languages if code.strip()]
    if not codes:
        errors["languages"] = [_("Name at least one language of the meetings.")]
    elif unknown := [code for code in codes if code not in LANGUAGES]:
        errors["languages"] = [_("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}]
    return list(dict.fromkeys(codes))


def _first_meeting(brokerage: BrokerageEvent, zone) -> datetime.datetime | None:
    first = brokerage.days.order_by("date").first() if brokerage.pk else None
    return first.at(first.starts, zone) if first else None


def _lock_everyone(brokerage: BrokerageEvent) -> None:
    """Lock every participant's row (in primary-key order, as bookings and the scheduler
    do) before anything else: a change of the days or the zone waits for bookings under
    way, and bookings wait for it, then read the days as changed. The event's and the
    day's rows are then locked FOR NO KEY UPDATE, which a booking's foreign keys (FOR KEY
    SHARE) do not wait for."""
    list(
        Participant.objects.select_for_update()
        .filter(brokerage=brokerage)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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
    codes = _language_codes(languages, errors)
    errors.update(
        _window_errors(
            event,
            registration_opens=registration_opens,
            registration_closes=registration_closes,
            first_meeting=None,
        )
    )
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
        languages=",".join(codes),
        fee_note=fee_note.strip(),
    )
    brokerage.full_clean()
    try:
        with transaction.atomic():
            brokerage.save()
            public_pages_changed()  # the cached event page links to its meetings now
    except IntegrityError:
        # another organiser set the event up at the same moment
        raise ValidationError({"event": [_("This event has a brokerage part already.")]}) from None
    return brokerage


def update_brokerage(
    brokerage: BrokerageEvent,
    *,
    by: AnyUser,
    registration_opens: datetime.datetime,
    registration_closes: datetime.datetime,
    time_zone: str,
    languages: Iterable[str],
    fee_note: str = "",
) -> BrokerageEvent:
    """Change the registration window, time zone, languages or fee note. The time zone stays
    as it is once meetings are booked (their times would move)."""
    require(can_organise(by, brokerage))
    errors: dict[str, list[str]] = {}
    codes = _language_codes(languages, errors)
    time_zone = time_zone.strip() or brokerage.time_zone
    with transaction.atomic():
        if time_zone != brokerage.time_zone:
            _lock_everyone(brokerage)
        brokerage = BrokerageEvent.objects.select_for_update(no_key=True).get(pk=brokerage.pk)
        if time_zone != brokerage.time_zone and brokerage.meetings.exists():
            errors["time_zone"] = [
                _("Meetings are booked in this time zone; it cannot change any more.")
            ]
        candidate = BrokerageEvent(
            pk=brokerage.pk,
            event=brokerage.event,
            organiser=brokerage.organiser,
            registration_opens=registration_opens,
            registration_closes=registration_closes,
            time_zone=time_zone,
            languages=",".join(codes) or brokerage.languages,
            fee_note=fee_note.strip(),
        )
        try:
            candidate.full_clean(exclude=["event", "organiser"], validate_unique=False)
        except ValidationError as error:
            for name, texts in error.message_dict.items():
                errors.setdefault(name, texts)
        if "time_zone" not in errors:
            errors.update(
                _window_errors(
                    brokerage.event,
                    registration_opens=registration_opens,
                    registration_closes=registration_closes,
                    first_meeting=_first_meeting(brokerage, candidate.zone),
                )
            )
        if errors:
            raise ValidationError(errors)
        candidate.created_at = brokerage.created_at
        candidate.save(
            update_fields=[
                "registration_opens",
                "registration_closes",
                "time_zone",
                "languages",
                "fee_note",
            ]
        )
    return candidate


@dataclass(frozen=True)
class DayPlan:
    """A meeting day as the organiser enters it (checked by `check_meeting_day`)."""

    date: datetime.date
    starts: datetime.time
    ends: datetime.time
    slot_minutes: int = 30
    breaks: tuple[tuple[str, str], ...] = ()
    tables: int = 10


MAX_TABLES = 1000
MAX_SLOT_MINUTES = 480


def _break_pairs(plan: DayPlan, errors: dict[str, list[str]]) -> list[list[str]]:
    pairs = []
    for pair in plan.breaks:
        try:
            start, end = (
                value if isinstance(value, datetime.time) else datetime.time.fromisoformat(value)
                for value in pair
            )
        except (TypeError, ValueError):
            errors["breaks"] = [_("Write each break as two times such as 12:00 and 13:00.")]
            return []
        if end <= start or start < plan.starts or end > plan.ends:
            errors["breaks"] = [_("Each break must end after it starts, within the day.")]
            return []
        pairs.append((start, end))
    pairs.sort()
    if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(pairs)):
        errors["breaks"] = [_("Breaks must not overlap.")]
        return []
    return [[start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in pairs]


def check_meeting_day(
    brokerage: BrokerageEvent, plan: DayPlan, *, day: MeetingDay | None = None
) -> MeetingDay:
    """The day as it would be stored, or a ValidationError naming each field: within the
    event, after registration closes, breaks inside the day, at least one slot and one
    table, and (when `day` is stored already) every meeting booked on it still at one of
    its slots and tables. Writes nothing."""
    errors: dict[str, list[str]] = {}
    zone = brokerage.zone
    event = brokerage.event
    first = event.starts_at.astimezone(zone).date()
    last = event.ends_at.astimezone(zone).date()
    if not first <= plan.date <= last:
        errors["date"] = [
            _("The day must lie within the event (%(first)s to %(last)s).")
            % {"first": first.isoformat(), "last": last.isoformat()}
        ]
    elif (
        MeetingDay.objects.filter(brokerage=brokerage, date=plan.date)
        .exclude(pk=day.pk if day else None)
        .exists()
    ):
        errors["date"] = [_("There is a meeting day on this date already.")]
    elif datetime.datetime.combine(plan.date, plan.starts, tzinfo=zone) < (
        brokerage.registration_closes
    ):
        errors["date"] = [_("The meetings must begin after registration closes.")]
    if plan.ends <= plan.starts:
        errors["ends"] = [_("The meetings must end after they start.")]
    if plan.slot_minutes < 5:
        errors["slot_minutes"] = [_("A meeting lasts at least 5 minutes.")]
    elif plan.slot_minutes > MAX_SLOT_MINUTES:
        errors["slot_minutes"] = [
            _("A meeting lasts at most %(count)d minutes.") % {"count": MAX_SLOT_MINUTES}
        ]
    if plan.tables < 1:
        errors["tables"] = [_("Give at least one table or online room.")]
    elif plan.tables > MAX_TABLES:
        errors["tables"] = [
            _("Give at most %(count)d tables or online rooms.") % {"count": MAX_TABLES}
        ]
    pairs = _break_pairs(plan, errors) if "ends" not in errors else []
    candidate = MeetingDay(
        pk=day.pk if day else None,
        brokerage=brokerage,
        date=plan.date,
        starts=plan.starts,
        ends=plan.ends,
        slot_minutes=plan.slot_minutes,
        breaks=pairs,
        tables=plan.tables,
    )
    candidate._state.adding = day is None
    if not errors and not candidate.slot_times():
        errors["slot_minutes"] = [_("No meeting fits into this day; make the meetings shorter.")]
    if not errors and day is not None:
        slots = {
            (candidate.at(start, zone), candidate.at(end, zone))
            for start, end in candidate.slot_times()
        }
        orphans = [
            meeting
            for meeting in Meeting.objects.filter(day=day)
            if (meeting.slot_start, meeting.slot_end) not in slots or meeting.table > plan.tables
        ]
        if orphans:
            errors[NON_FIELD_ERRORS] = [
                ngettext(
                    "%(count)d booked meeting would no longer fit these times or tables; "
                    "its participants must cancel it first.",
                    "%(count)d booked meetings would no longer fit these times or tables; "
                    "their participants must cancel them first.",
                    len(orphans),
                )
                % {"count": len(orphans)}
            ]
    if errors:
        raise ValidationError(errors)
    return candidate


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
    """A day of meetings within the event's dates; every participant registered so far is
    available all of it until they say otherwise."""
    require(can_organise(by, brokerage))
    plan = DayPlan(date, starts, ends, slot_minutes, tuple(breaks), tables)
    with transaction.atomic():
        BrokerageEvent.objects.select_for_update(no_key=True).get(pk=brokerage.pk)
        day = check_meeting_day(brokerage, plan)
        day.full_clean()
        day.save()
        Availability.objects.bulk_create(
            Availability(participant=participant, day=day, starts=day.starts, ends=day.ends)
            for participant in brokerage.participants.all()
        )
    return day


def update_meeting_day(
    day: MeetingDay,
    *,
    by: AnyUser,
    date: datetime.date,
    starts: datetime.time,
    ends: datetime.time,
    slot_minutes: int,
    breaks: Iterable[tuple[str, str]] = (),
    tables: int,
) -> MeetingDay:
    """Change a meeting day. Meetings booked on it must stay at one of its slots and tables
    (else nothing changes); participants' availability follows the day's new times."""
    brokerage = day.brokerage
    require(can_organise(by, brokerage))
    plan = DayPlan(date, starts, ends, slot_minutes, tuple(breaks), tables)
    with transaction.atomic():
        _lock_everyone(brokerage)
        BrokerageEvent.objects.select_for_update(no_key=True).get(pk=brokerage.pk)
        stored = MeetingDay.objects.select_for_update(no_key=True).get(pk=day.pk)
        changed = check_meeting_day(brokerage, plan, day=stored)
        changed.full_clean()
        changed.save()
        for availability in Availability.objects.filter(day=changed):
            whole = (availability.starts, availability.ends) == (stored.starts, stored.ends)
            new_starts = changed.starts if whole else max(availability.starts, changed.starts)
            new_ends = changed.ends if whole else min(availability.ends, changed.ends)
            if new_ends <= new_starts:
                availability.delete()
            elif (new_starts, new_ends) != (availability.starts, availability.ends):
                availability.starts, availability.ends = new_starts, new_ends
                availability.save(update_fields=["starts", "ends"])
    return changed


def remove_meeting_day(day: MeetingDay, *, by: AnyUser) -> None:
    """Remove a meeting day that has no booked meetings."""
    require(can_organise(by, day.brokerage))
    with transaction.atomic():
        _lock_everyone(day.brokerage)
        BrokerageEvent.objects.select_for_update(no_key=True).get(pk=day.brokerage_id)
        count = Meeting.objects.filter(day=day).count()
        if count:
            raise ValidationError(
                ngettext(
                    "%(count)d meeting is booked on this day; its participants must cancel it "
                    "first.",
                    "%(count)d meetings are booked on this day; their participants must cancel "
                    "them first.",
                    count,
                )
                % {"count": count}
            )
        day.delete()


# --- registration ----------------------------------------------------------------------


def _already_registered(brokerage: BrokerageEvent, organisation: Organisation | None, by) -> str:
    """Why the organisation or the person cannot register (again), or ""."""
    if (
        organisation is not None
        and Participant.objects.filter(brokerage=brokerage, organisation=organisation).exists()
    ):
        return _("This organisation is registered already.")
    if Participant.objects.filter(brokerage=brokerage, user=by).exists():
        return _("You have registered an organisation for this event already.")
    return ""


def register_participant(
    brokerage: BrokerageEvent,
    *,
    by: AnyUser,
    organisation: Organisation,
    partner_requests: Iterable[PartnerRequest] = (),
) -> Participant:
    """Register the organisation, by one of its people, while registration is open; it is
    available all of every meeting day until it says otherwise. Of two registrations of the
    same organisation or person at the same moment, the database's unique constraints let
    one win; the other gets the same message as a late one."""
    require(can_act_for_organisation(by, organisation))
    errors: dict[str, list[str]] = {}
    if not registration_is_open(brokerage):
        errors["brokerage"] = [_("Registration for this event is not open.")]
    if reason := _already_registered(brokerage, organisation, by):
        errors["organisation"] = [reason]
    partner_requests = list(partner_requests)
    if any(request.organisation_id != organisation.pk for request in partner_requests):
        errors["partner_requests"] = [_("Choose only the organisation's own partner requests.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            participant = Participant.objects.create(
                brokerage=brokerage, organisation=organisation, user=by
            )
            participant.partner_requests.set(partner_requests)
            Availability.objects.bulk_create(
                Availability(participant=participant, day=day, starts=day.starts, ends=day.ends)
                for day in brokerage.days.all()
            )
    except IntegrityError:
        # registered at the same moment by someone else (or by the same person twice)
        reason = _already_registered(brokerage, organisation, by)
        raise ValidationError(
            {"organisation": [reason or _("This organisation is registered already.")]}
        ) from None
    return participant


def register_new_partner(
    brokerage: BrokerageEvent,
    *,
    by: AnyUser,
    name: str,
    country: str,
    kind: str,
    website: str,
) -> Participant:
    """Register a partner that is not in the registry yet: its organisation is created
    through the registry's record rules (as every new organisation is) as a draft waiting
    for validation, hidden from the public until an editor publishes it; the person becomes
    its manager and registers it."""
    from clusterscape.accounts.services import register_organisation
    from clusterscape.registry.records import RecordInvalid

    require(is_signed_in(by))
    errors: dict[str, list[str]] = {}
    if not registration_is_open(brokerage):
        errors["brokerage"] = [_("Registration for this event is not open.")]
    if reason := _already_registered(brokerage, None, by):
        errors["organisation"] = [reason]
    name = name.strip()
    base = slugify(name)[:90].strip("-") or "partner"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    record = {
        "slug": slug,
        "name": name,
        "kind": kind,
        "country": country.strip().upper(),
        "website": website.strip(),
        "source_urls": website.strip(),
    }
    columns = {"slug": "name", "source_urls": "website"}
    try:
        with transaction.atomic():
            if errors:
                raise ValidationError(errors)
            organisation = register_organisation(by, record)
            return register_participant(brokerage, by=by, organisation=organisation)
    except RecordInvalid as invalid:
        for column, texts in invalid.errors.items():
            errors.setdefault(columns.get(column, column), []).extend(texts)
        raise ValidationError(errors) from None
    except IntegrityError:
        # the same name registered at the same moment: the slug was taken meanwhile
        raise ValidationError(
            {"name": [_("An organisation of this name has just been registered; try again.")]}
        ) from None


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
    if (
        recipient.brokerage_id != sender.brokerage_id
        # an organisation waiting for validation is off the public list: not to be asked
        or recipient.organisation.status != Organisation.Status.PUBLISHED
    ):
        errors["recipient"] = [_("This organisation is not registered for the event.")]
    elif recipient.pk == sender.pk:
        errors["recipient"] = [_("You cannot meet yourself.")]
    elif recipient.organisation_id == sender.organisation_id:
        errors["recipient"] = [_("You cannot meet your own organisation.")]
    elif (
        MeetingRequest.objects.filter(sender=sender, recipient=recipient)
        .exclude(status__in=CLOSED_BY_A_SIDE)
        .exists()
    ):
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
        # a request withdrawn or cancelled before is asked again
        meeting_request, _created = MeetingRequest.objects.update_or_create(
            sender=sender,
            recipient=recipient,
            defaults={
                "brokerage": brokerage,
                "message": message.strip(),
                "status": MeetingRequest.Status.REQUESTED,
                "proposed_slot": None,
                "answered_at": None,
            },
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


# --- cancellations ---------------------------------------------------------------------

OPEN_STATUSES = (MeetingRequest.Status.REQUESTED, MeetingRequest.Status.PROPOSED)
CLOSED_BY_A_SIDE = (MeetingRequest.Status.WITHDRAWN, MeetingRequest.Status.CANCELLED)


def withdraw_meeting_request(meeting_request: MeetingRequest, *, by: AnyUser) -> MeetingRequest:
    """The sender takes back a request that has no meeting yet; both sides are told."""
    sender, recipient = meeting_request.sender, meeting_request.recipient
    require(can_act_for_organisation(by, sender.organisation))
    with transaction.atomic():
        _lock(sender, recipient)
        fresh = MeetingRequest.objects.select_for_update().get(pk=meeting_request.pk)
        if fresh.status == MeetingRequest.Status.ACCEPTED:
            raise ValidationError(
                {"status": [_("The meeting is booked; cancel the meeting instead.")]}
            )
        if fresh.status not in OPEN_STATUSES:
            raise ValidationError({"status": [_("This request is closed already.")]})
        fresh.status = MeetingRequest.Status.WITHDRAWN
        fresh.answered_at = now()
        fresh.save(update_fields=["status", "answered_at"])
        _notify(
            [sender, recipient],
            _("%(name)s has withdrawn the meeting request at %(event)s")
            % {"name": sender.organisation.name, "event": fresh.brokerage.event.title},
            "",
            _link(fresh.brokerage),
        )
    return fresh


def cancel_meeting(meeting: Meeting, *, by: AnyUser) -> MeetingRequest:
    """Either side cancels a booked meeting before it begins: its slot and table are free
    again, and both sides are told."""
    meeting_request = meeting.request
    sender, recipient = meeting_request.sender, meeting_request.recipient
    if can_act_for_organisation(by, sender.organisation):
        side = sender
    else:
        require(can_act_for_organisation(by, recipient.organisation))
        side = recipient
    if meeting.slot_start <= now():
        raise ValidationError({"meeting": [_("A meeting that has begun cannot be cancelled.")]})
    brokerage = meeting_request.brokerage
    with transaction.atomic():
        _lock(sender, recipient)
        if not Meeting.objects.select_for_update().filter(pk=meeting.pk).exists():
            raise ValidationError({"meeting": [_("This meeting has been cancelled already.")]})
        Meeting.objects.filter(pk=meeting.pk).delete()  # its seats go with it
        MeetingRequest.objects.filter(pk=meeting_request.pk).update(
            status=MeetingRequest.Status.CANCELLED, answered_at=now()
        )
        _notify(
            [sender, recipient],
            _("Meeting cancelled: %(a)s and %(b)s at %(when)s")
            % {
                "a": sender.organisation.name,
                "b": recipient.organisation.name,
                "when": _when(meeting.slot_start, brokerage),
            },
            _("Cancelled by %(name)s.") % {"name": side.organisation.name},
            _link(brokerage),
        )
    meeting_request.refresh_from_db()
    return meeting_request


def withdraw_registration(participant: Participant, *, by: AnyUser) -> None:
    """The participant leaves the event before the meetings begin: its requests and booked
    meetings are cancelled (the others' slots and tables free again), and everyone it was
    to meet or had asked is told."""
    require(can_act_for_organisation(by, participant.organisation))
    brokerage = participant.brokerage
    first = _first_meeting(brokerage, brokerage.zone)
    if first is not None and now() >= first:
        raise ValidationError(
            {"participant": [_("The meetings have begun; the registration cannot be withdrawn.")]}
        )
    with transaction.atomic():
        _lock(participant)
        requests = list(
            MeetingRequest.objects.filter(
                models.Q(sender=participant) | models.Q(recipient=participant)
            )
            .filter(status__in=(*OPEN_STATUSES, MeetingRequest.Status.ACCEPTED))
            .select_related("sender__organisation", "recipient__organisation", "sender__user")
            .select_related("recipient__user", "meeting")
        )
        name, event = participant.organisation.name, brokerage.event.title
        notes = [
            (
                [participant],
                _("You have withdrawn from %(event)s") % {"event": event},
                ngettext(
                    "%(count)d meeting or request is cancelled.",
                    "%(count)d meetings and requests are cancelled.",
                    len(requests),
                )
                % {"count": len(requests)},
                reverse("brokerage:detail", kwargs={"slug": brokerage.event.slug}),
            )
        ]
        for meeting_request in requests:
            other = (
                meeting_request.recipient
                if meeting_request.sender_id == participant.pk
                else meeting_request.sender
            )
            meeting = getattr(meeting_request, "meeting", None)
            subject = (
                _("Meeting cancelled: %(name)s has withdrawn from %(event)s (%(when)s)")
                % {"name": name, "event": event, "when": _when(meeting.slot_start, brokerage)}
                if meeting is not None
                else _("%(name)s has withdrawn from %(event)s") % {"name": name, "event": event}
            )
            notes.append(([other], subject, "", _link(brokerage)))
        _notify_all(notes)
        participant.delete()  # its requests, meetings, seats and availability go with it


# --- outcomes --------------------------------------------------------------------------


def record_outcome(
    meeting: Meeting, participant: Participant, *, by: AnyUser, kind: str, note: str = ""
) -> MeetingOutcome:
    """One side's outcome of a meeting that has begun (see brokerage_funding for what it
    does in the funding programme)."""
    require(can_act_for_organisation(by, participant.organisation))
    if not meeting.seats.filter(participant=participant).exists():
        raise ValidationError({"participant": [_("This participant was not in the meeting.")]})
    if meeting.slot_start > now():
        raise ValidationError({"kind": [_("Record the outcome after the meeting.")]})
    if kind not in MeetingOutcome.Kind.values:
        raise ValidationError({"kind": [_("Choose one of the outcomes.")]})
    note = note.strip()
    limit = MeetingOutcome._meta.get_field("note").max_length
    if len(note) > limit:  # a TextField's max_length binds forms only, not full_clean
        raise ValidationError(
            {"note": [_("Write at most %(count)d characters.") % {"count": limit}]}
        )
    with transaction.atomic():
        outcome, _created = MeetingOutcome.objects.update_or_create(
            meeting=meeting, participant=participant, defaults={"kind": kind, "note": note}
        )
        outcome.full_clean()
        # where both organisations are in the internationalisation programme, the outcome
        # both sides agree on advances their partnership there
        advance_partnerships(meeting, by=by)
    return outcome
