"""Reads of brokerage events: participants with filters, match scores, indicators."""

from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clusterscape.accounts.permissions import AnyUser, is_signed_in
from clusterscape.registry.models import Organisation

from .brokerage_models import BrokerageEvent, Meeting, MeetingOutcome, MeetingRequest, Participant
from .models import MatchProfile
from .presentation import Recommendation, present
from .profiles import Profile
from .queries import idf_for, profile_of
from .scoring import score


def participants_of(
    brokerage: BrokerageEvent,
    *,
    country: str = "",
    field: str = "",
    kind: str = "",
    cooperation: str = "",
) -> QuerySet[Participant]:
    """The event's participants whose organisation is published (a new partner's draft
    organisation stays hidden until an editor publishes it), narrowed by the organisation's
    country, field or kind and by the type of cooperation of the offers and requests the
    participant picked."""
    found = brokerage.participants.select_related("organisation__country").filter(
        organisation__status=Organisation.Status.PUBLISHED
    )
    if country:
        found = found.filter(organisation__country__code=country)
    if field:
        found = found.filter(organisation__fields__slug=field)
    if kind:
        found = found.filter(organisation__kind=kind)
    if cooperation:
        found = found.filter(partner_requests__cooperation=cooperation)
    return found.distinct()


def participant_for(brokerage: BrokerageEvent, user: AnyUser) -> Participant | None:
    """The user's participation (registered by them) in the event, if any."""
    if not is_signed_in(user):
        return None
    return brokerage.participants.select_related("organisation", "user").filter(user=user).first()


def scored(me: Participant, others: list[Participant]) -> dict[int, Recommendation]:
    """Each other participant's match for me (score, parts, reasons), by organisation id."""
    a = profile_of(me.organisation)
    if a is None:
        return {}
    ids = [p.organisation_id for p in others if p.organisation_id != me.organisation_id]
    profiles = [
        Profile.from_json(pk, data)
        for pk, data in MatchProfile.objects.filter(pk__in=ids).values_list("pk", "data")
    ]
    idf, _df, _total = idf_for(sorted(a.terms))
    matches = [score(a, b, idf) for b in profiles]
    matches.sort(key=lambda m: (-m.score, m.profile.organisation_id))
    return {r.organisation.pk: r for r in present(a, matches)}


def suggested_meetings(
    me: Participant,
    matches: dict[int, Recommendation],
    participants: list[Participant],
    *,
    limit: int = 5,
) -> list[tuple[Participant, Recommendation]]:
    """The best-scoring participants `me` has neither asked nor met nor been asked by (a
    withdrawn or cancelled request counts as none), best first; `matches` is what `scored`
    gave for `participants`."""
    closed = (MeetingRequest.Status.WITHDRAWN, MeetingRequest.Status.CANCELLED)
    related = set()
    for sender, recipient in (
        MeetingRequest.objects.filter(Q(sender=me) | Q(recipient=me))
        .exclude(status__in=closed)
        .values_list("sender_id", "recipient_id")
    ):
        related.update((sender, recipient))
    found = [
        (participant, matches[participant.organisation_id])
        for participant in participants
        if participant.pk not in related
        and participant.organisation_id != me.organisation_id
        and participant.organisation_id in matches
        and matches[participant.organisation_id].match.score > 0
    ]
    found.sort(key=lambda item: (-item[1].match.score, item[0].organisation.name, item[0].pk))
    return found[:limit]


def indicators(brokerage: BrokerageEvent) -> dict:
    """The organiser's and the event page's figures."""
    statuses = Counter(
        dict(
            MeetingRequest.objects.filter(brokerage=brokerage)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )
    outcomes = Counter(
        dict(
            MeetingOutcome.objects.filter(meeting__brokerage=brokerage)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
    )
    countries = (
        brokerage.participants.values_list("organisation__country__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__country__code")
        .values_list("organisation__country__code", "n")
    )
    return {
        "participants": brokerage.participants.count(),
        "requests": sum(statuses.values()),
        "statuses": {status: statuses.get(status, 0) for status in MeetingRequest.Status.values},
        "meetings": Meeting.objects.filter(brokerage=brokerage).count(),
        "held": Meeting.objects.filter(brokerage=brokerage, slot_end__lte=timezone.now()).count(),
        "outcomes": [(kind.label, outcomes.get(kind.value, 0)) for kind in MeetingOutcome.Kind],
        "countries": list(countries),
    }
