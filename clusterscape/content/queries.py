"""Reads of content: what is public, lists for the pages, feeds and the profile."""

import datetime

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from clusterscape.registry.models import Field, Organisation

from .models import CallDeadline, ContentItem, Event, FundingCall, NewsItem, Project, Status

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


def in_field(queryset: QuerySet, field: Field) -> QuerySet:
    """Items of the field or of one of its sub-fields."""
    return queryset.filter(Q(fields=field) | Q(fields__parent=field)).distinct()


def by_organisation(queryset: QuerySet, organisation: Organisation) -> QuerySet:
    return queryset.filter(organisation=organisation)


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
    """Events that have not ended yet, soonest first."""
    return public_events().filter(ends_at__gte=now or timezone.now())


def events_between(start: datetime.datetime, end: datetime.datetime) -> QuerySet[Event]:
    """Events that take place (at least partly) in [start, end)."""
    return public_events().filter(starts_at__lt=end, ends_at__gte=start)


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
    now = now or timezone.now()
    return open_calls(now).filter(next_deadline_at__lte=now + datetime.timedelta(days=days))


def past_calls(now: datetime.datetime | None = None) -> QuerySet[FundingCall]:
    """The archive: calls whose last deadline has passed, latest first."""
    return (
        public_calls()
        .filter(last_deadline_at__lt=now or timezone.now())
        .order_by(F("last_deadline_at").desc(), "-pk")
    )


# Projects


def public_projects() -> QuerySet[Project]:
    return (
        public(Project)
        .select_related("organisation", "lead_organisation")
        .prefetch_related("fields", "countries")
        .order_by("-start_date", "title", "pk")
    )


def projects_of(organisation: Organisation) -> QuerySet[Project]:
    """Projects the organisation publishes, leads or takes part in."""
    return (
        public_projects()
        .filter(
            Q(organisation=organisation)
            | Q(lead_organisation=organisation)
            | Q(partners__organisation=organisation)
        )
        .distinct()
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
