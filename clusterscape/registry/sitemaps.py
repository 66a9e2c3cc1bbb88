from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from . import queries
from .models import Field, Organisation, Programme, State


class LocalizedSitemap(Sitemap):
    """Every page in German and English, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


class OrganisationSitemap(LocalizedSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self) -> QuerySet[Organisation]:
        return queries.published_organisations().only("slug", "updated_at").order_by("slug")

    def lastmod(self, organisation: Organisation):
        return organisation.updated_at


class StateSitemap(LocalizedSitemap):
    def items(self) -> QuerySet[State]:
        return State.objects.order_by("code")

    def location(self, state: State) -> str:
        return reverse("registry:state-detail", args=[state.slug])


class FieldSitemap(LocalizedSitemap):
    def items(self) -> QuerySet[Field]:
        return Field.objects.order_by("position")

    def location(self, field: Field) -> str:
        return reverse("registry:field-detail", args=[field.slug])


class ProgrammeSitemap(LocalizedSitemap):
    def items(self) -> QuerySet[Programme]:
        return Programme.objects.order_by("position", "slug")

    def location(self, programme: Programme) -> str:
        return reverse("registry:programme-detail", args=[programme.slug])


class PageSitemap(LocalizedSitemap):
    priority = 1.0

    def items(self) -> list[str]:
        return [
            "registry:home",
            "registry:directory",
            "registry:state-list",
            "registry:field-list",
            "registry:programme-list",
            "registry:about-data",
        ]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "organisations": OrganisationSitemap,
    "states": StateSitemap,
    "fields": FieldSitemap,
    "programmes": ProgrammeSitemap,
}
