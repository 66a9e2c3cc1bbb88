"""Reads of brokerage events: participants with filters, match scores, indicators."""

from collections import Counter

from django.db.models import Count, QuerySet
from django.utils import timezone

from clusterscape.accounts.permissions import AnyUser, is_signed_in

from .brokerage_models import BrokerageEvent, Meeting, MeetingOutcome, MeetingRequest, Participant
from .models import MatchProfile
from .presentation import Recommendation, present
from .profiles import Profile
from .queries import idf_for, profile_of
from .scoring import score


def participants_of(
    brokerage: BrokerageEvent, *, country: str = "", field: str = "", kind: str = ""
) -> QuerySet[Participant]:
    found = brokerage.participants.select_related("organisation__country")
    if country:
        found = found.filter(organisation__country__code=country)
    if field:
        found = found.filter(organisation__fields__slug=field)
    if kind:
        found = found.filter(organisation__kind=kind)
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
