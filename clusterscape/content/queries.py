"""Reads of content: what is public, lists for the pages, feeds and the profile."""

import datetime

from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from clusterscape.registry.models import Country, Field, Organisation

from .models import (
    CallDeadline,
    ContentItem,
    Event,
    EventSeconds,
    FundingCall,
    NewsItem,
    Project,
    ProjectPartner,
    Status,
)

CLOSING_SOON_DAYS = 30


def public_filter(now: datetime.datetime | None = None) -> Q:
    """Published and its publishing time has come."""
    return Q(status=Status.PUBLISHED, publish_at__lte=now or timezone.now())


def is_public(item: ContentItem, now: datetime.datetime | None = None) -> bool:
    return (
        item.status == Status.PUBLISHED
        and item.publish_at is not None
        and item.publish_at <= (now or timezone.now())
    )


def public(model: type[ContentItem]) -> QuerySet:
    return model.objects.filter(public_filter())


def last_changed(
    model: type[ContentItem], now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When a public list of the kind last changed (for Last-Modified): the latest write to
    any item of the kind (published or not, so unpublishing counts), the latest publishing
    time that has come (a scheduled item turns public without a write) and, for calls, the
    latest deadline that has passed and the latest that came within the closing-soon
    window (a call leaves the open list, or joins those closing soon, without a write)."""
    now = now or timezone.now()
    found = model.objects.aggregate(
        written=Max("updated_at"), published=Max("publish_at", filter=Q(publish_at__lte=now))
    )
    moments = [found["written"], found["published"]]
    if model is FundingCall:
        window = datetime.timedelta(days=CLOSING_SOON_DAYS)
        deadlines = CallDeadline.objects.aggregate(
            passed=Max("deadline_at", filter=Q(deadline_at__lte=now)),
            nearing=Max("deadline_at", filter=Q(deadline_at__lte=now + window)),
        )
        moments.append(deadlines["passed"])
        if deadlines["nearing"] is not None:
            moments.append(deadlines["nearing"] - window)
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def in_field(queryset: QuerySet, field: Field) -> QuerySet:
    """Items of the field or of one of its sub-fields."""
    return queryset.filter(Q(fields=field) | Q(fields__parent=field)).distinct()


def by_organisation(queryset: QuerySet, organisation: Organisation) -> QuerySet:
    return queryset.filter(organisation=organisation)


# Where each kind says its country: the author's country for news, the venue's for events,
# the eligible countries of a call, the countries a project works in.
COUNTRY_LOOKUPS = {
    NewsItem: "organisation__country",
    Event: "country",
    FundingCall: "eligible_countries",
    Project: "countries",
}


def narrowed(
    queryset: QuerySet,
    *,
    language: str = "",
    field: Field | None = None,
    organisation: Organisation | None = None,
    country: Country | None = None,
) -> QuerySet:
    """Items of a list in the language, in the field (or its sub-fields), published by the
    organisation, for the country: the filters of the public lists and the API."""
    if language:
        queryset = queryset.filter(language=language)
    if field is not None:
        queryset = in_field(queryset, field)
    if organisation is not None:
        queryset = by_organisation(queryset, organisation)
    if country is not None:
        lookup = COUNTRY_LOOKUPS[queryset.model]
        queryset = queryset.filter(**{lookup: country})
        if lookup in ("eligible_countries", "countries"):
            queryset = queryset.distinct()
    return queryset


# News


def public_news() -> QuerySet[NewsItem]:
    return (
        public(NewsItem)
        .select_related("organisation")
        .prefetch_related("fields")
        .order_by("-publish_at", "-pk")
    )


# Events


def public_events() -> QuerySet[Event]:
    return (
        public(Event)
        .select_related("organisation", "organiser", "country")
        .prefetch_related("fields")
        .order_by("starts_at", "pk")
    )


def upcoming_events(now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Events that have not ended yet, soonest first. None of them can have started longer
    ago than the longest event lasts: with that bound the start index is walked from there,
    not from the first event ever (200,000 past events at a million content items)."""
    now = now or timezone.now()
    return public_events().filter(ends_at__gte=now, starts_at__gte=now - longest_event())


def longest_event() -> datetime.timedelta:
    """How long the longest event lasts (one look-up in its index), and a second more for the
    rounding of the seconds."""
    seconds = Event.objects.aggregate(longest=Max(EventSeconds()))["longest"]
    return datetime.timedelta(seconds=(seconds or 0) + 1)


def events_between(start: datetime.datetime, end: datetime.datetime) -> QuerySet[Event]:
    """Events that take place (at least partly) in [start, end)."""
    return public_events().filter(starts_at__lt=end, ends_at__gte=start)


def taking_place(
    queryset: QuerySet[Event],
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Event]:
    """Events that take place at least partly from the first to the last day given (whole
    days in the site's time zone); either end may be open."""
    zone = timezone.get_current_timezone()
    if date_from is not None:
        start = datetime.datetime.combine(date_from, datetime.time.min, zone)
        queryset = queryset.filter(ends_at__gte=start)
    if date_to is not None:
        end = datetime.datetime.combine(
            date_to + datetime.timedelta(days=1), datetime.time.min, zone
        )
        queryset = queryset.filter(starts_at__lt=end)
    return queryset


# Funding calls


def public_calls() -> QuerySet[FundingCall]:
    return (
        public(FundingCall)
        .select_related("organisation", "programme")
        .prefetch_related("fields", "deadlines")
    )


def open_calls(now: datetime.datetime | None = None) -> QuerySet[FundingCall]:
    """Calls with a deadline still ahead, by their next deadline: a call leaves this list
    by itself once its last deadline has passed."""
    now = now or timezone.now()
    next_deadline = (
        CallDeadline.objects.filter(call=OuterRef("pk"), deadline_at__gte=now)
        .order_by("deadline_at")
        .values("deadline_at")[:1]
    )
    return (
        public_calls()
        .filter(last_deadline_at__gte=now)
        .annotate(next_deadline_at=Subquery(next_deadline))
        .order_by("next_deadline_at", "pk")
    )


def calls_closing_soon(
    now: datetime.datetime | None = None, days: int = CLOSING_SOON_DAYS
) -> QuerySet[FundingCall]:
    """Open calls whose next deadline comes within the days: those with a deadline in the
    window, found from the deadlines' index rather than by the next deadline of every open
    call."""
    now = now or timezone.now()
    in_window = CallDeadline.objects.filter(
        deadline_at__gte=now, deadline_at__lte=now + datetime.timedelta(days=days)
    )
    return open_calls(now).filter(pk__in=in_window.values("call"))


def past_calls(now: datetime.datetime | None = None) -> QuerySet[FundingCall]:
    """The archive: calls whose last deadline has passed, latest first."""
    return (
        public_calls()
        .filter(last_deadline_at__lt=now or timezone.now())
        .order_by(F("last_deadline_at").desc(), "-pk")
    )


CALL_STATES = ("open", "closing-soon", "archived")


def calls_in_state(state: str = "", now: datetime.datetime | None = None) -> QuerySet[FundingCall]:
    """Open calls, those closing soon, the archive (each in its page's order), or with no
    state every public call, latest last deadline first."""
    if state == "open":
        return open_calls(now)
    if state == "closing-soon":
        return calls_closing_soon(now)
    if state == "archived":
        return past_calls(now)
    return public_calls().order_by(F("last_deadline_at").desc(nulls_last=True), "-pk")


# Projects


def public_projects() -> QuerySet[Project]:
    return (
        public(Project)
        .select_related("organisation", "lead_organisation")
        .prefetch_related("fields", "countries")
        .order_by("-start_date", "title", "pk")
    )


def projects_of(organisation: Organisation) -> QuerySet[Project]:
    """Projects the organisation publishes, leads or takes part in: the ids from each role's
    own index, so that neither the projects nor their partners are scanned for the OR."""
    own = Project.objects.filter(Q(organisation=organisation) | Q(lead_organisation=organisation))
    partnered = ProjectPartner.objects.filter(organisation=organisation)
    return public_projects().filter(
        pk__in=own.values("pk").order_by().union(partnered.values("project").order_by())
    )


# Editorial


def review_queue() -> dict[str, QuerySet]:
    """Items submitted for review, per kind, oldest first."""
    return {
        name: model.objects.filter(status=Status.SUBMITTED)
        .select_related("organisation", "author")
        .order_by("updated_at", "pk")
        for name, model in CONTENT_MODELS.items()
    }


def items_for_organisations(model: type[ContentItem], organisations: QuerySet) -> QuerySet:
    return (
        model.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("-updated_at", "-pk")
    )


CONTENT_MODELS: dict[str, type[ContentItem]] = {
    "news": NewsItem,
    "events": Event,
    "calls": FundingCall,
    "projects": Project,
}
