"""Brokerage events in the API: the events with their meeting days and slots, the public
part of their participants, and for the signed-in participant (API token or session) the
meeting requests (list, send, accept, decline) and the agenda. Writes go through the same
services as the pages (matchmaking.brokerage_services)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from clusterscape.accounts.models import ApiToken
from clusterscape.content.queries import public_events
from clusterscape.matchmaking import brokerage_services as services
from clusterscape.matchmaking.brokerage_agenda import (
    acting_participant,
    agenda_of,
    participations_of,
)
from clusterscape.matchmaking.brokerage_models import (
    BrokerageEvent,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    Participant,
)
from clusterscape.matchmaking.brokerage_queries import participants_of

from ..auth import TokenAuth, require_token_for, session_auth
from ..content_schemas import PageOut
from ..pages import paged
from ..schemas import ErrorOut

router = Router(tags=["brokerage"])

AUTH = [TokenAuth(), session_auth]


class SlotOut(Schema):
    start: datetime.datetime = Field(description="In the event's time zone.")
    end: datetime.datetime


class MeetingDayOut(Schema):
    date: datetime.date
    starts: str = Field(description="Local time of the event, HH:MM.")
    ends: str = Field(description="Local time of the event, HH:MM.")
    slot_minutes: int
    breaks: list[list[str]] = Field(description='Pairs of local times, e.g. ["12:00", "13:00"].')
    tables: int = Field(description="Tables or online rooms per slot.")
    slots: list[SlotOut]


class BrokerageEventOut(Schema):
    slug: str = Field(description="The event's slug.")
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    organiser: str = Field(description="Slug of the organising organisation.")
    registration_opens: datetime.datetime
    registration_closes: datetime.datetime
    registration_open: bool
    time_zone: str
    languages: list[str]
    fee_note: str
    participants: int
    url: str


class BrokerageEventDetailOut(BrokerageEventOut):
    days: list[MeetingDayOut]


class OfferOut(Schema):
    id: int = Field(description="The partner request's id (see /partner-requests).")
    title: str
    seeks: str
    offers: str
    cooperation: str


class ParticipantOut(Schema):
    id: int
    organisation: str = Field(description="Slug of the organisation.")
    name: str
    kind: str
    country: str
    fields: list[str]
    offers_and_requests: list[OfferOut]


class PartyOut(Schema):
    participant: int
    organisation: str
    name: str
    country: str


class MeetingOut(Schema):
    id: int
    start: datetime.datetime = Field(description="In the event's time zone.")
    end: datetime.datetime
    table: int


class MeetingRequestOut(Schema):
    id: int
    direction: str = Field(description="sent or received")
    sender: PartyOut
    recipient: PartyOut
    message: str
    status: str = Field(
        description="requested, accepted, declined, proposed (another time), withdrawn or cancelled"
    )
    proposed_slot: datetime.datetime | None
    created_at: datetime.datetime
    meeting: MeetingOut | None


class MeetingRequestIn(Schema):
    recipient: int = Field(description="Id of the participant to meet.")
    message: str = ""


class AcceptIn(Schema):
    slot: datetime.datetime | None = Field(
        None, description="Start of the wanted slot; empty: the proposed or first free one."
    )


class ProposeIn(Schema):
    slot: datetime.datetime = Field(description="Start of a slot free for both sides.")


class AgendaEntryOut(Schema):
    meeting: int
    date: datetime.date
    start: datetime.datetime = Field(description="In the event's time zone.")
    end: datetime.datetime
    table: int
    partner: PartyOut
    outcome: str = Field(description="Your recorded outcome, or empty.")


class AgendaOut(Schema):
    event: str
    participant: int
    organisation: str
    time_zone: str
    meetings: list[AgendaEntryOut]


OUTCOME_KINDS = ", ".join(MeetingOutcome.Kind.values)


class OutcomeIn(Schema):
    kind: str = Field(description=f"One of {OUTCOME_KINDS}.")
    note: str = Field("", description="At most 2,000 characters; not shown to the other side.")


class OutcomeOut(Schema):
    meeting: int
    participant: int
    kind: str = Field(description=OUTCOME_KINDS)
    note: str
    recorded_at: datetime.datetime


class PagingQuery(Schema):
    page: int = Field(1, description="1 to 1000.")
    page_size: int = Field(20, description="At most 100.")


class BrokerageEventPageOut(PageOut):
    results: list[BrokerageEventOut]


class ParticipantPageOut(PageOut):
    results: list[ParticipantOut]


class MeetingRequestPageOut(PageOut):
    results: list[MeetingRequestOut]


# --- helpers --------------------------------------------------------------------------


def _brokerage(slug: str) -> BrokerageEvent:
    event = get_object_or_404(public_events(), slug=slug)
    return get_object_or_404(
        BrokerageEvent.objects.select_related("event", "organiser"), event=event
    )


def _event_out(request: HttpRequest, brokerage: BrokerageEvent, participants: int) -> dict:
    event = brokerage.event
    return {
        "slug": event.slug,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "organiser": brokerage.organiser.slug,
        "registration_opens": brokerage.registration_opens,
        "registration_closes": brokerage.registration_closes,
        "registration_open": services.registration_is_open(brokerage),
        "time_zone": brokerage.time_zone,
        "languages": brokerage.language_list,
        "fee_note": brokerage.fee_note,
        "participants": participants,
        "url": request.build_absolute_uri(reverse("brokerage:detail", kwargs={"slug": event.slug})),
    }


def _party(participant: Participant) -> dict:
    organisation = participant.organisation
    return {
        "participant": participant.pk,
        "organisation": organisation.slug,
        "name": organisation.display_name,
        "country": organisation.country_id or "",
    }


def _me(request: HttpRequest, brokerage: BrokerageEvent) -> Participant:
    """The participation the request acts for (a token only for its organisations), or a
    403 naming why."""
    organisations = None
    if isinstance(request.auth, ApiToken):
        organisations = request.auth.organisations.all()
    me = acting_participant(brokerage, request.user, organisations=organisations)
    if me is None:
        raise HttpError(403, _("You are not registered for this event."))
    return me


def _request_out(meeting_request: MeetingRequest, me: Participant) -> dict:
    meeting = getattr(meeting_request, "meeting", None)
    zone = meeting_request.brokerage.zone
    return {
        "id": meeting_request.pk,
        "direction": "sent" if meeting_request.sender_id == me.pk else "received",
        "sender": _party(meeting_request.sender),
        "recipient": _party(meeting_request.recipient),
        "message": meeting_request.message,
        "status": meeting_request.status,
        "proposed_slot": (
            meeting_request.proposed_slot.astimezone(zone)
            if meeting_request.proposed_slot
            else None
        ),
        "created_at": meeting_request.created_at,
        "meeting": (
            {
                "id": meeting.pk,
                "start": meeting.slot_start.astimezone(zone),
                "end": meeting.slot_end.astimezone(zone),
                "table": meeting.table,
            }
            if meeting is not None
            else None
        ),
    }


def _requests_of(me: Participant):
    return (
        MeetingRequest.objects.filter(Q(sender=me) | Q(recipient=me))
        .select_related(
            "brokerage",
            "meeting",
            "sender__organisation",
            "recipient__organisation",
        )
        .order_by("pk")
    )


def _seated(request: HttpRequest, meeting: Meeting) -> Participant:
    """The participation the request acts for (a token only for its organisations) that
    sits in the meeting, or a 403."""
    organisations = None
    if isinstance(request.auth, ApiToken):
        organisations = request.auth.organisations.all()
    me = (
        participations_of(meeting.brokerage, request.user, organisations=organisations)
        .filter(seats__meeting=meeting)
        .select_related("organisation")
        .first()
    )
    if me is None:
        raise HttpError(403, _("You were not in this meeting."))
    return me


def _invalid(error: ValidationError) -> JsonResponse:
    body = ErrorOut(detail=_("The request is not valid."), errors=error.message_dict)
    return JsonResponse(body.model_dump(), status=422)


def _answering(meeting_request: MeetingRequest) -> Participant:
    """Who answers now: the recipient, or the sender when the recipient proposed a time."""
    if meeting_request.status == MeetingRequest.Status.PROPOSED:
        return meeting_request.sender
    return meeting_request.recipient


def _open_request(request: HttpRequest, slug: str, request_id: int) -> MeetingRequest:
    brokerage = _brokerage(slug)
    meeting_request = get_object_or_404(
        MeetingRequest.objects.select_related(
            "brokerage__event", "sender__organisation", "recipient__organisation"
        ),
        pk=request_id,
        brokerage=brokerage,
    )
    if isinstance(request.auth, ApiToken):
        require_token_for(request, _answering(meeting_request).organisation)
    return meeting_request


# --- events and participants ----------------------------------------------------------


@router.get(
    "/brokerage-events",
    response={200: BrokerageEventPageOut, 400: ErrorOut},
    summary="Brokerage events",
)
def brokerage_events(request: HttpRequest, paging: Query[PagingQuery], upcoming: bool = False):
    """Public events with a brokerage part (1:1 meetings), soonest first, in pages (`page`,
    `page_size`, links `next` and `previous`); `upcoming` keeps those that have not ended."""
    found = (
        BrokerageEvent.objects.filter(event__in=public_events())
        .select_related("event", "organiser")
        .annotate(participant_count=Count("participants"))
        .order_by("event__starts_at", "pk")
    )
    if upcoming:
        found = found.filter(event__ends_at__gte=timezone.now())
    return paged(request, found, lambda item: _event_out(request, item, item.participant_count))


@router.get(
    "/brokerage-events/{slug}",
    response={200: BrokerageEventDetailOut, 404: ErrorOut},
    summary="Brokerage event",
)
def brokerage_event(request: HttpRequest, slug: str):
    """One brokerage event with its meeting days and their slots."""
    brokerage = _brokerage(slug)
    zone = brokerage.zone
    days = [
        {
            "date": day.date,
            "starts": day.starts.strftime("%H:%M"),
            "ends": day.ends.strftime("%H:%M"),
            "slot_minutes": day.slot_minutes,
            "breaks": [list(pair) for pair in day.breaks],
            "tables": day.tables,
            "slots": [
                {"start": day.at(start, zone), "end": day.at(end, zone)}
                for start, end in day.slot_times()
            ],
        }
        for day in brokerage.days.order_by("date")
    ]
    return {
        **_event_out(request, brokerage, brokerage.participants.count()),
        "days": days,
    }


@router.get(
    "/brokerage-events/{slug}/participants",
    response={200: ParticipantPageOut, 400: ErrorOut, 404: ErrorOut},
    summary="Participants of a brokerage event",
)
def brokerage_participants(
    request: HttpRequest,
    slug: str,
    paging: Query[PagingQuery],
    country: str = "",
    field: str = "",
    kind: str = "",
    cooperation: str = "",
):
    """The public part of every participant with a published organisation: organisation,
    country, fields and the cooperation offers and requests it shows; `country`
    (ISO 3166-1), `field` (slug), `kind` and `cooperation` (the type of cooperation of its
    offers and requests) narrow them. By organisation name, in pages like every list.
    Nothing of the people or their availability."""
    brokerage = _brokerage(slug)
    found = participants_of(
        brokerage, country=country.upper(), field=field, kind=kind, cooperation=cooperation
    ).prefetch_related("organisation__fields", "partner_requests")
    return paged(request, found.order_by("organisation__name", "pk"), _participant_out)


def _participant_out(participant: Participant) -> dict:
    return {
        "id": participant.pk,
        "organisation": participant.organisation.slug,
        "name": participant.organisation.display_name,
        "kind": participant.organisation.kind,
        "country": participant.organisation.country_id or "",
        "fields": sorted(f.slug for f in participant.organisation.fields.all()),
        "offers_and_requests": [
            {
                "id": item.pk,
                "title": item.title,
                "seeks": item.seeks,
                "offers": item.offers,
                "cooperation": item.cooperation,
            }
            for item in sorted(participant.partner_requests.all(), key=lambda r: r.pk)
        ],
    }


# --- the signed-in participant --------------------------------------------------------


@router.get(
    "/brokerage-events/{slug}/meeting-requests",
    response={200: MeetingRequestPageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
    summary="My meeting requests",
)
def my_meeting_requests(request: HttpRequest, slug: str, paging: Query[PagingQuery]):
    """The meeting requests the participant sent and received, oldest first, in pages."""
    brokerage = _brokerage(slug)
    me = _me(request, brokerage)
    return paged(request, _requests_of(me), lambda item: _request_out(item, me))


@router.post(
    "/brokerage-events/{slug}/meeting-requests",
    response={201: MeetingRequestOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Ask for a meeting",
)
def send_meeting_request(request: HttpRequest, slug: str, body: MeetingRequestIn):
    """Ask another participant of the event for a meeting, with a message; both sides are
    told by e-mail and in the inbox."""
    brokerage = _brokerage(slug)
    me = _me(request, brokerage)
    recipient = Participant.objects.select_related("organisation").filter(pk=body.recipient).first()
    if recipient is None:
        return _invalid(
            ValidationError({"recipient": [_("No participant of this event has this id.")]})
        )
    try:
        created = services.request_meeting(me, recipient, by=request.user, message=body.message)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _request_out(created, me))


@router.post(
    "/brokerage-events/{slug}/meeting-requests/{request_id}/accept",
    response={200: MeetingRequestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Accept a meeting request",
)
def accept_meeting_request(request: HttpRequest, slug: str, request_id: int, body: AcceptIn):
    """Accept a request sent to you (or the time the other side proposed): the meeting is
    booked at the wanted slot, else at the first slot and table free for both. If the slot
    has just been taken the answer is 409 and names the next slot free for both."""
    meeting_request = _open_request(request, slug, request_id)
    answering = _answering(meeting_request)
    try:
        services.accept_meeting_request(meeting_request, by=request.user, slot_start=body.slot)
    except services.SlotTaken as taken:
        refused = ErrorOut(detail=taken.message_dict["slot"][0], errors=taken.message_dict)
        return JsonResponse(refused.model_dump(), status=409)
    except ValidationError as error:
        return _invalid(error)
    return _request_out(_requests_of(answering).get(pk=meeting_request.pk), answering)


@router.post(
    "/brokerage-events/{slug}/meeting-requests/{request_id}/propose",
    response={200: MeetingRequestOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Propose another time",
)
def propose_other_slot(request: HttpRequest, slug: str, request_id: int, body: ProposeIn):
    """Instead of accepting a request sent to you, propose another slot free for both (the
    event's slots are in GET /brokerage-events/{slug}); the sender then accepts or declines
    it."""
    meeting_request = _open_request(request, slug, request_id)
    answering = _answering(meeting_request)
    try:
        services.propose_other_slot(meeting_request, by=request.user, slot_start=body.slot)
    except ValidationError as error:
        return _invalid(error)
    return _request_out(_requests_of(answering).get(pk=meeting_request.pk), answering)


@router.post(
    "/brokerage-events/{slug}/meeting-requests/{request_id}/decline",
    response={200: MeetingRequestOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Decline a meeting request",
)
def decline_meeting_request(request: HttpRequest, slug: str, request_id: int):
    """Decline a request sent to you (or the time the other side proposed)."""
    meeting_request = _open_request(request, slug, request_id)
    answering = _answering(meeting_request)
    try:
        services.decline_meeting_request(meeting_request, by=request.user)
    except ValidationError as error:
        return _invalid(error)
    return _request_out(_requests_of(answering).get(pk=meeting_request.pk), answering)


@router.get(
    "/brokerage-events/{slug}/agenda",
    response={200: AgendaOut, 403: ErrorOut, 404: ErrorOut},
    auth=AUTH,
    summary="My agenda",
)
def my_agenda(request: HttpRequest, slug: str):
    """The participant's booked meetings in time order, in the event's time zone, with the
    partner across the table and the participant's recorded outcome."""
    brokerage = _brokerage(slug)
    me = _me(request, brokerage)
    return {
        "event": brokerage.event.slug,
        "participant": me.pk,
        "organisation": me.organisation.slug,
        "time_zone": brokerage.time_zone,
        "meetings": [
            {
                "meeting": entry.meeting.pk,
                "date": entry.starts.date(),
                "start": entry.starts,
                "end": entry.ends,
                "table": entry.table,
                "partner": _party(entry.partner),
                "outcome": entry.outcome,
            }
            for entry in agenda_of(me)
        ],
    }


@router.post(
    "/brokerage-events/{slug}/meetings/{meeting_id}/outcome",
    response={200: OutcomeOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=AUTH,
    summary="Record the outcome of a meeting",
)
def record_outcome(request: HttpRequest, slug: str, meeting_id: int, body: OutcomeIn):
    """After one of your meetings (its id in GET …/agenda), record how it went: `kind` and an
    optional `note`; sending it again replaces yours. Where both organisations take part in
    the internationalisation programme, the outcome both sides agree on advances their
    partnership there. 403 for anyone not in the meeting; 422 naming the field for an
    unknown kind, a meeting still ahead or a note over 2,000 characters."""
    brokerage = _brokerage(slug)
    meeting = get_object_or_404(
        Meeting.objects.select_related("brokerage"), pk=meeting_id, brokerage=brokerage
    )
    me = _seated(request, meeting)
    try:
        outcome = services.record_outcome(
            meeting, me, by=request.user, kind=body.kind, note=body.note
        )
    except ValidationError as error:
        return _invalid(error)
    return {
        "meeting": meeting.pk,
        "participant": me.pk,
        "kind": outcome.kind,
        "note": outcome.note,
        "recorded_at": outcome.recorded_at,
    }
