"""Reads of one participant's brokerage: the meetings on its agenda with the partner across
the table, and which participation a user (or an API token) acts for. Shared by the agenda's
PDF, the API and the reminders."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from clusterscape.accounts.permissions import AnyUser, is_signed_in, member_organisations

from .brokerage_models import BrokerageEvent, Meeting, MeetingOutcome, Participant


@dataclass(frozen=True)
class AgendaEntry:
    """A meeting as one side sees it; times in the event's time zone."""

    meeting: Meeting
    partner: Participant
    starts: datetime.datetime
    ends: datetime.datetime
    table: int
    outcome: str  # the side's recorded outcome (a MeetingOutcome.Kind value) or ""


def agenda_of(participant: Participant) -> list[AgendaEntry]:
    """The participant's booked meetings in time order (two queries)."""
    zone = participant.brokerage.zone
    meetings = (
        Meeting.objects.filter(seats__participant=participant)
        .select_related(
            "request__sender__organisation__country",
            "request__recipient__organisation__country",
        )
        .order_by("slot_start", "table")
    )
    outcomes = dict(
        MeetingOutcome.objects.filter(participant=participant).values_list("meeting_id", "kind")
    )
    entries = []
    for meeting in meetings:
        request = meeting.request
        partner = request.recipient if request.sender_id == participant.pk else request.sender
        entries.append(
            AgendaEntry(
                meeting=meeting,
                partner=partner,
                starts=meeting.slot_start.astimezone(zone),
                ends=meeting.slot_end.astimezone(zone),
                table=meeting.table,
                outcome=outcomes.get(meeting.pk, ""),
            )
        )
    return entries


def participations_of(
    brokerage: BrokerageEvent, user: AnyUser, *, organisations: QuerySet | None = None
) -> QuerySet[Participant]:
    """The event's participants the user acts for: the one the user registered first, then
    those of the user's organisations. `organisations` narrows them (an API token's)."""
    if not is_signed_in(user):
        return brokerage.participants.none()
    found = brokerage.participants.filter(organisation__in=member_organisations(user))
    if organisations is not None:
        found = found.filter(organisation__in=organisations)
    return found.select_related("organisation", "user", "brokerage__event")


def acting_participant(
    brokerage: BrokerageEvent, user: AnyUser, *, organisations: QuerySet | None = None
) -> Participant | None:
    """The one participation the user acts for in the event: the one registered by the user,
    else the first of the user's organisations (by name)."""
    found = list(participations_of(brokerage, user, organisations=organisations))
    own = [p for p in found if p.user_id == user.pk]
    return (own or found or [None])[0]
