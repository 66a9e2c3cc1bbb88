"""Sitemap entries of public content (in German and English, like the registry's)."""

from django.db.models import QuerySet
from django.urls import reverse

from clusterscape.registry.sitemaps import LocalizedSitemap

from . import queries
from .models import ContentItem, Event, FundingCall, NewsItem, Project


class ContentSitemap(LocalizedSitemap):
    model: type[ContentItem] = NewsItem
    changefreq = "weekly"
    priority = 0.6

    def items(self) -> QuerySet:
        return queries.public(self.model).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: ContentItem):
        return item.updated_at


class NewsSitemap(ContentSitemap):
    model = NewsItem


class EventSitemap(ContentSitemap):
    model = Event


class CallSitemap(ContentSitemap):
    model = FundingCall


class ProjectSitemap(ContentSitemap):
    model = Project


class ContentPageSitemap(LocalizedSitemap):
    priority = 0.8
    changefreq = "daily"

    def items(self) -> list[str]:
        return [
            "content:news-list",
            "content:event-list",
            "content:event-calendar",
            "content:call-list",
            "content:call-archive",
            "content:project-list",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "content-pages": ContentPageSitemap,
    "news": NewsSitemap,
    "events": EventSitemap,
    "funding-calls": CallSitemap,
    "projects": ProjectSitemap,
}
