"""RSS and Atom feeds of news, events and funding calls (all, per organisation, per field),
and iCalendar feeds of events."""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clusterscape.registry.models import Field, Organisation

from . import calendars, queries
from .models import ContentItem, Event, FundingCall, NewsItem

FEED_SIZE = 50
CALENDAR_SIZE = 1000
CALENDAR_PAST_DAYS = 365


def _scope(scope: str | None, slug: str | None) -> Organisation | Field | None:
    if scope == "organisation":
        return get_object_or_404(Organisation, slug=slug, status=Organisation.Status.PUBLISHED)
    if scope == "field":
        return get_object_or_404(Field, slug=slug)
    return None


def _scoped(queryset: QuerySet, scope: Organisation | Field | None) -> QuerySet:
    if isinstance(scope, Organisation):
        return queries.by_organisation(queryset, scope)
    if isinstance(scope, Field):
        return queries.in_field(queryset, scope)
    return queryset


def _scope_name(scope: Organisation | Field | None) -> str:
    if isinstance(scope, Organisation):
        return scope.name
    if isinstance(scope, Field):
        return scope.name
    return ""


class ContentFeed(Feed):
    list_url_name = ""
    what = ""

    def get_object(self, request: HttpRequest, scope: str | None = None, slug=None, **kwargs):
        return _scope(scope, slug)

    def title(self, obj) -> str:
        name = _scope_name(obj)
        what = self.what_label()
        return f"{what}: {name} – clusterscape" if name else f"{what} – clusterscape"

    def what_label(self) -> str:
        raise NotImplementedError

    def link(self, obj) -> str:
        url = reverse(self.list_url_name)
        if isinstance(obj, Organisation):
            return f"{url}?organisation={obj.slug}"
        if isinstance(obj, Field):
            return f"{url}?field={obj.slug}"
        return url

    def item_title(self, item: ContentItem) -> str:
        return item.title

    def item_link(self, item: ContentItem) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: ContentItem) -> str:
        return f"{item._meta.model_name}-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ContentItem) -> datetime.datetime | None:
        return item.publish_at

    def item_updateddate(self, item: ContentItem) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: ContentItem) -> str | None:
        return item.organisation.name if item.organisation else "clusterscape"

    def item_categories(self, item: ContentItem) -> list[str]:
        return [field.name for field in item.fields.all()]


class NewsFeed(ContentFeed):
    list_url_name = "content:news-list"

    def what_label(self) -> str:
        return _("News")

    def description(self, obj) -> str:
        return _("News from the cluster community")

    def items(self, obj) -> QuerySet[NewsItem]:
        return _scoped(queries.public_news(), obj)[:FEED_SIZE]

    def item_description(self, item: NewsItem) -> str:
        return item.teaser


class EventFeed(ContentFeed):
    list_url_name = "content:event-list"

    def what_label(self) -> str:
        return _("Events")

    def description(self, obj) -> str:
        return _("Upcoming conferences, matchmaking events, trade fairs and webinars")

    def items(self, obj) -> QuerySet[Event]:
        return _scoped(queries.upcoming_events(), obj)[:FEED_SIZE]

    def item_description(self, item: Event) -> str:
        when = date_format(item.local_start, "DATETIME_FORMAT")
        place = item.city or _("online")
        return f"{when} ({item.time_zone}), {place}: {item.summary}"


class CallFeed(ContentFeed):
    list_url_name = "content:call-list"

    def what_label(self) -> str:
        return _("Funding calls")

    def description(self, obj) -> str:
        return _("Open funding calls, by their next deadline")

    def items(self, obj) -> QuerySet[FundingCall]:
        return _scoped(queries.open_calls(), obj)[:FEED_SIZE]

    def item_description(self, item: FundingCall) -> str:
        return item.summary


class AtomMixin:
    feed_type = Atom1Feed

    def subtitle(self, obj) -> str:
        return self.description(obj)


class NewsAtomFeed(AtomMixin, NewsFeed):
    pass


class EventAtomFeed(AtomMixin, EventFeed):
    pass


class CallAtomFeed(AtomMixin, CallFeed):
    pass


class NewsRssFeed(NewsFeed):
    feed_type = Rss201rev2Feed


class EventRssFeed(EventFeed):
    feed_type = Rss201rev2Feed


class CallRssFeed(CallFeed):
    feed_type = Rss201rev2Feed


FEEDS = {
    ("news", "rss"): NewsRssFeed(),
    ("news", "atom"): NewsAtomFeed(),
    ("events", "rss"): EventRssFeed(),
    ("events", "atom"): EventAtomFeed(),
    ("calls", "rss"): CallRssFeed(),
    ("calls", "atom"): CallAtomFeed(),
}


def feed(request: HttpRequest, kind: str, feed_format: str, **kwargs) -> HttpResponse:
    return FEEDS[(kind, feed_format)](request, **kwargs)


def event_calendar_feed(
    request: HttpRequest, scope: str | None = None, slug: str | None = None
) -> HttpResponse:
    """Events of the past year and every upcoming one as an iCalendar subscription."""
    scope_object = _scope(scope, slug)
    since = timezone.now() - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    events = _scoped(queries.public_events().filter(ends_at__gte=since), scope_object)
    name = _scope_name(scope_object)
    title = f"{_('Events')}: {name} – clusterscape" if name else f"{_('Events')} – clusterscape"
    filename = f"events-{slug}.ics" if slug else "events.ics"
    return calendars.ics_response(
        calendars.calendar_of(events[:CALENDAR_SIZE], request=request, name=title),
        filename,
        attachment=False,
    )
