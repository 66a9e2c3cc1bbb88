"""Every write to the search index.

The registry calls `index_organisation` inside its own transaction whenever it writes an
organisation, so the index never lags behind; `rebuild_index` makes the whole index again
from the database (`manage.py rebuild_search_index`). Only published organisations are
indexed: anything else is removed from the index when it is written.
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from clusterscape.registry.models import Field, Organisation, ProgrammeMembership

from . import analysis, sources
from .backends import get_backend
from .lexicon import current_analyzer, reset_analyzer
from .models import SearchDocument, SearchFacet

INDEX_CHUNK = 500

# Bilingual words for the kinds of organisation, so "Netzwerk" finds networks in either
# language. Written out here rather than taken from the message catalogues, so what is
# indexed does not depend on which translations are compiled.
ORGANISATION_KIND_WORDS = {
    Organisation.Kind.CLUSTER: "Cluster",
    Organisation.Kind.NETWORK: "Netzwerk network",
    Organisation.Kind.INNOVATION_REGION: "Innovationsregion innovation region",
    Organisation.Kind.CLUSTER_ASSOCIATION: "Clusterverband cluster association",
    Organisation.Kind.INTERNATIONAL_PARTNER: "internationaler Partner international partner",
}

# Member-size bands (facet "size") by the total of known members.
SIZE_BANDS = (
    ("1-49", 1, 49),
    ("50-249", 50, 249),
    ("250-999", 250, 999),
    ("1000-plus", 1000, None),
)


@dataclass
class IndexedDocument:
    """What the index needs of a searchable object, before analysis."""

    kind: str
    object_id: int
    slug: str
    title: str
    short_name: str = ""
    body: str = ""
    keywords: str = ""
    # Broader terms, indexed with the body's weight and never shown (the areas of the
    # organisation's fields: evidence weaker than its own fields).
    background: str = ""
    facets: list[tuple[str, str]] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    date_start: datetime.date | None = None
    date_end: datetime.date | None = None
    updated_at: datetime.datetime | None = None


def size_band(total: int | None) -> str | None:
    if not total:
        return None
    for band, low, high in SIZE_BANDS:
        if total >= low and (high is None or total <= high):
            return band
    return None


def organisations_for_index() -> QuerySet[Organisation]:
    """Published organisations with everything their document needs, in a fixed number of
    queries."""
    return (
        Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
        .select_related("country")
        .prefetch_related(
            "additional_countries",
            "states",
            Prefetch("fields", queryset=Field.objects.select_related("parent")),
            Prefetch(
                "memberships", queryset=ProgrammeMembership.objects.select_related("programme")
            ),
        )
    )


def organisation_document(organisation: Organisation) -> IndexedDocument:
    """The search document of an organisation (relations prefetched)."""
    fields = list(organisation.fields.all())
    areas = [f.parent for f in fields if f.parent is not None]
    countries = [organisation.country, *organisation.additional_countries.all()]
    states = list(organisation.states.all())
    memberships = list(organisation.memberships.all())

    keywords = [
        ORGANISATION_KIND_WORDS.get(organisation.kind, organisation.kind),
        *organisation.keyword_list,
    ]
    background = []
    for taxonomy_field in dict.fromkeys([*fields, *areas]):
        labels = keywords if taxonomy_field in fields else background
        labels.extend([taxonomy_field.name_de, taxonomy_field.name_en])
        labels.extend(s.strip() for s in taxonomy_field.synonyms.split(";") if s.strip())
    for membership in memberships:
        programme = membership.programme
        year = f" {membership.year}" if membership.year else ""
        keywords.append(f"{programme.name_de}{year}")
        if programme.name_en != programme.name_de:
            keywords.append(f"{programme.name_en}{year}")
    for place in [*countries, *states]:
        keywords.extend(dict.fromkeys([place.name_de, place.name_en]))
    keywords.extend(filter(None, [organisation.city, organisation.management_organisation]))

    facets = [("type", SearchDocument.Kind.ORGANISATION), ("kind", organisation.kind)]
    facets += [("country", country.code) for country in countries]
    facets += [("state", state.code) for state in states]
    facets += [("field", f.slug) for f in dict.fromkeys([*fields, *areas])]
    for membership in memberships:
        facets.append(("programme", membership.programme.slug))
        if membership.year:
            facets.append(("round", f"{membership.programme.slug}:{membership.year}"))
    band = size_band(organisation.members_total)
    if band:
        facets.append(("size", band))
    facets += [
        ("language", language)
        for language in ("de", "en")
        if getattr(organisation, f"description_{language}")
    ]
    return IndexedDocument(
        kind=SearchDocument.Kind.ORGANISATION,
        object_id=organisation.pk,
        slug=organisation.slug,
        title=organisation.name,
        short_name=organisation.short_name,
        body="\n\n".join(
            text for text in (organisation.description_de, organisation.description_en) if text
        ),
        keywords="; ".join(dict.fromkeys(k for k in keywords if k)),
        background="; ".join(dict.fromkeys(background)),
        facets=list(dict.fromkeys(facets)),
        latitude=organisation.latitude,
        longitude=organisation.longitude,
        updated_at=organisation.updated_at,
    )


def analysed(document: IndexedDocument, analyzer: analysis.Analyzer) -> SearchDocument:
    """The row of the index for a document: its text analysed for the engines."""
    name_key = analysis.key(document.title)
    alias_key = analysis.key(analysis.alias(document.title))
    return SearchDocument(
        kind=document.kind,
        object_id=document.object_id,
        slug=document.slug,
        title=document.title[:255],
        short_name=document.short_name[:100],
        body=document.body,
        keywords=document.keywords,
        name_key=name_key[:255],
        short_key=analysis.key(document.short_name)[:100],
        alias_key=alias_key[:255] if alias_key != name_key else "",
        sort_key=analysis.fold(document.title).strip()[:255],
        title_terms=" ".join(analyzer.terms(document.title)),
        short_terms=" ".join(analyzer.terms(document.short_name)),
        keyword_terms=" ".join(analyzer.terms(document.keywords)),
        body_terms=" ".join(analyzer.terms(f"{document.body}\n{document.background}")),
        phrase_terms=" ".join(
            analysis.words(
                "\n".join(
                    (
                        document.title,
                        document.short_name,
                        document.keywords,
                        document.body,
                        document.background,
                    )
                )
            )
        ),
        latitude=document.latitude,
        longitude=document.longitude,
        date_start=document.date_start,
        date_end=document.date_end,
        is_public=True,
        updated_at=document.updated_at or timezone.now(),
    )


def vocabulary_of(row: SearchDocument) -> dict[str, bool]:
    """The terms of an index row for the vocabulary (term → is a whole word)."""
    terms: dict[str, bool] = {}
    for column in (row.title_terms, row.short_terms, row.keyword_terms, row.body_terms):
        for term in column.split():
            terms.setdefault(term, False)
    for word in row.phrase_terms.split():
        if analysis.is_indexed_word(word) and not word.isdigit():
            terms[word] = True
    return terms


def store_documents(documents: Iterable[IndexedDocument]) -> int:
    """Write documents to the index, replacing earlier versions of the same objects.

    One transaction; the full-text structures follow through the database (migration 0002).
    Returns how many documents were written.
    """
    return len(_store(documents))


def _store(documents: Iterable[IndexedDocument]) -> list[SearchDocument]:
    analyzer = current_analyzer()
    backend = get_backend()
    written: list[SearchDocument] = []
    with transaction.atomic():
        for chunk in _chunks(documents, INDEX_CHUNK):
            rows = [analysed(document, analyzer) for document in chunk]
            by_kind: dict[str, list[int]] = {}
            for row in rows:
                by_kind.setdefault(row.kind, []).append(row.object_id)
            for kind, object_ids in by_kind.items():
                _delete_documents(kind, object_ids)
            SearchDocument.objects.bulk_create(rows)
            facets = [
                (row.pk, name[:20], value[:80])
                for row, document in zip(rows, chunk, strict=True)
                # every document has its kind as facet "type"
                for name, value in dict.fromkeys([("type", document.kind), *document.facets])
            ]
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO search_searchfacet (document_id, name, value) VALUES (%s, %s, %s)",
                    facets,
                )
            _add_to_counts(Counter((name, value) for _pk, name, value in facets))
            vocabulary: dict[str, bool] = {}
            for row in rows:
                for term, surface in vocabulary_of(row).items():
                    vocabulary[term] = vocabulary.get(term, False) or surface
            backend.add_terms(vocabulary)
            written.extend(rows)
    return written


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _delete_documents(kind: str, object_ids: list[int]) -> int:
    """Remove documents with their facets, taking them off the facet counts."""
    documents = SearchDocument.objects.filter(kind=kind, object_id__in=object_ids)
    removed = Counter(
        {
            (name, value): -count
            for name, value, count in SearchFacet.objects.filter(document__in=documents)
            .values_list("name", "value")
            .annotate(count=Count("pk"))
            .values_list("name", "value", "count")
        }
    )
    _deleted, by_model = documents.delete()
    _add_to_counts(removed)
    return by_model.get(SearchDocument._meta.label, 0)


def _add_to_counts(changes: Counter) -> None:
    rows = [(name, value, change) for (name, value), change in changes.items() if change]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_searchfacetcount (name, value, count) VALUES (%s, %s, %s) "
            "ON CONFLICT (name, value) "
            "DO UPDATE SET count = search_searchfacetcount.count + excluded.count",
            rows,
        )


def unindex(kind: str, object_id: int) -> int:
    """Remove an object's document from the index; returns how many were removed."""
    with transaction.atomic():
        return min(1, _delete_documents(kind, [object_id]))


def index_organisation(organisation: Organisation) -> SearchDocument | None:
    """Bring the index in line with an organisation as stored: its document when published,
    no document otherwise. Call it inside the transaction that wrote the organisation."""
    stored = organisations_for_index().filter(pk=organisation.pk).first()
    if stored is None:
        unindex(SearchDocument.Kind.ORGANISATION, organisation.pk)
        return None
    return _store([organisation_document(stored)])[0]


def rebuild_index() -> int:
    """Make the whole index again from the database; returns the number of documents."""
    reset_analyzer()
    with transaction.atomic():
        # Plain DELETEs: the ORM would first load every document to cascade to facets.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchfacet")
            cursor.execute("DELETE FROM search_searchfacetcount")
            cursor.execute("DELETE FROM search_searchdocument")
        get_backend().clear_terms()
        return sum(store_documents(source.documents()) for source in sources.registered())


def organisation_documents() -> Iterator[IndexedDocument]:
    """Every public organisation's document, for rebuilds."""
    organisations = organisations_for_index().order_by("pk")
    for organisation in organisations.iterator(chunk_size=INDEX_CHUNK):
        yield organisation_document(organisation)
