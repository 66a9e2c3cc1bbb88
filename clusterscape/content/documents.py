"""Content in the one search index: a document per public item, with the facets the search
filters by (type, field, country, language) and its dates for the date-range filter."""

from collections.abc import Collection, Iterator

from django.db.models import Prefetch, QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext

from clusterscape.registry.models import Field
from clusterscape.search.models import SearchDocument
from clusterscape.search.services import INDEX_CHUNK, IndexedDocument
from clusterscape.search.sources import Source, register

from . import queries
from .models import ContentItem, Event, FundingCall, NewsItem, Project

KIND_OF: dict[type[ContentItem], str] = {
    NewsItem: SearchDocument.Kind.NEWS,
    Event: SearchDocument.Kind.EVENT,
    FundingCall: SearchDocument.Kind.CALL,
    Project: SearchDocument.Kind.PROJECT,
}

# Bilingual words for the kinds of event, so "Messe" finds trade fairs in either language.
EVENT_KIND_WORDS = {
    Event.Kind.CONFERENCE: "Konferenz conference",
    Event.Kind.MATCHMAKING: "Matchmaking Kooperationsbörse matchmaking event",
    Event.Kind.TRADE_FAIR: "Messe trade fair",
    Event.Kind.WEBINAR: "Webinar",
    Event.Kind.OTHER: "Veranstaltung event",
}

FIELDS_PREFETCH = Prefetch("fields", queryset=Field.objects.select_related("parent"))


def _for_index(model: type[ContentItem]) -> QuerySet:
    queryset = (
        queries.public(model).select_related("organisation").prefetch_related(FIELDS_PREFETCH)
    )
    if model is Event:
        queryset = queryset.select_related("country", "organiser")
    elif model is FundingCall:
        queryset = queryset.select_related("programme").prefetch_related("eligible_countries")
    elif model is Project:
        queryset = queryset.select_related("lead_organisation").prefetch_related(
            "countries", "partners__organisation", "partners__country"
        )
    return queryset


def _field_terms(item: ContentItem) -> tuple[list[str], list[tuple[str, str]]]:
    fields = list(item.fields.all())
    every = list(dict.fromkeys([*fields, *(f.parent for f in fields if f.parent)]))
    keywords = [label for f in every for label in (f.name_de, f.name_en)]
    return keywords, [("field", f.slug) for f in every]


def _base(item: ContentItem, *, body: str, keywords: list[str], countries: list) -> dict:
    field_keywords, facets = _field_terms(item)
    organisation = item.organisation
    if organisation is not None:
        keywords.extend(filter(None, [organisation.name, organisation.short_name]))
    facets += [("country", country.code) for country in dict.fromkeys(countries) if country]
    facets.append(("language", item.language))
    return {
        "kind": KIND_OF[type(item)],
        "object_id": item.pk,
        "slug": item.slug,
        "title": item.title,
        "body": body,
        "keywords": "; ".join(dict.fromkeys(k for k in [*keywords, *field_keywords] if k)),
        "facets": list(dict.fromkeys(facets)),
        "updated_at": item.updated_at,
    }


def news_document(item: NewsItem) -> IndexedDocument:
    countries = [item.organisation.country] if item.organisation else []
    return IndexedDocument(
        **_base(
            item,
            body=f"{item.teaser}\n\n{strip_tags(item.body)}",
            keywords=item.tag_list,
            countries=countries,
        ),
        date_start=item.publish_at.date() if item.publish_at else None,
    )


def event_document(event: Event) -> IndexedDocument:
    keywords = [EVENT_KIND_WORDS.get(event.kind, ""), event.city, event.venue]
    if event.country:
        keywords += [event.country.name_de, event.country.name_en]
    if event.organiser:
        keywords.append(event.organiser.name)
    return IndexedDocument(
        **_base(
            event,
            body=f"{event.summary}\n\n{strip_tags(event.body)}",
            keywords=keywords,
            countries=[event.country],
        ),
        latitude=event.latitude,
        longitude=event.longitude,
        date_start=event.local_start.date(),
        date_end=event.local_end.date(),
    )


def call_document(call: FundingCall) -> IndexedDocument:
    countries = list(call.eligible_countries.all())
    keywords = [call.programme_label, call.funder, call.eligible_applicants]
    keywords += [name for country in countries for name in (country.name_de, country.name_en)]
    return IndexedDocument(
        **_base(call, body=call.summary, keywords=keywords, countries=countries),
        date_start=(call.publish_at or call.first_deadline_at).date()
        if (call.publish_at or call.first_deadline_at)
        else None,
        date_end=call.last_deadline_at.date() if call.last_deadline_at else None,
    )


def project_document(project: Project) -> IndexedDocument:
    partners = list(project.partners.all())
    countries = list(project.countries.all()) + [p.country for p in partners if p.country]
    keywords = [project.funding_source, *(p.display_name for p in partners)]
    if project.lead_organisation:
        keywords.append(project.lead_organisation.name)
    keywords += [name for country in countries for name in (country.name_de, country.name_en)]
    return IndexedDocument(
        **_base(project, body=project.summary, keywords=keywords, countries=countries),
        date_start=project.start_date,
        date_end=project.end_date,
    )


DOCUMENT_OF = {
    NewsItem: news_document,
    Event: event_document,
    FundingCall: call_document,
    Project: project_document,
}


def document_for(item: ContentItem) -> IndexedDocument:
    """The document of one item, read again with its relations."""
    model = type(item)
    stored = _for_index(model).get(pk=item.pk)
    return DOCUMENT_OF[model](stored)


def documents_of(
    model: type[ContentItem], ids: Collection[int] | None = None
) -> Iterator[IndexedDocument]:
    """Every public item's document, for rebuilds (of those among ids, if given)."""
    items = _for_index(model).order_by("pk")
    if ids is not None:
        items = items.filter(pk__in=ids)
    for item in items.iterator(chunk_size=INDEX_CHUNK):
        yield DOCUMENT_OF[model](item)


def register_sources() -> None:
    register(
        Source(
            kind=SearchDocument.Kind.NEWS,
            label=lambda: gettext("News"),
            url_name="content:news-detail",
            documents=lambda ids=None: documents_of(NewsItem, ids),
        )
    )
    register(
        Source(
            kind=SearchDocument.Kind.EVENT,
            label=lambda: gettext("Events"),
            url_name="content:event-detail",
            documents=lambda ids=None: documents_of(Event, ids),
        )
    )
    register(
        Source(
            kind=SearchDocument.Kind.CALL,
            label=lambda: gettext("Funding calls"),
            url_name="content:call-detail",
            documents=lambda ids=None: documents_of(FundingCall, ids),
        )
    )
    register(
        Source(
            kind=SearchDocument.Kind.PROJECT,
            label=lambda: gettext("Projects"),
            url_name="content:project-detail",
            documents=lambda ids=None: documents_of(Project, ids),
        )
    )
