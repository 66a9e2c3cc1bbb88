"""Every write to the search index.

The registry calls `index_organisation` inside its own transaction whenever it writes an
organisation, so the index never lags behind; `rebuild_index` makes the whole index again
from the database (`manage.py rebuild_search_index`). Only published organisations are
indexed: anything else is removed from the index when it is written.
"""

import datetime
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from clusterscape.registry.models import Field, Organisation, ProgrammeMembership

from . import analysis, sources
from .backends import BESIDE_SERVER, get_backend
from .lexicon import current_analyzer, reset_analyzer
from .models import SearchDocument, facet_keys, facet_pairs
from .queries import facet_documents

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


# The columns of search_searchdocument written by `_store`, in the order of `_row`.
DOCUMENT_COLUMNS = (
    "id",
    "kind",
    "object_id",
    "slug",
    "title",
    "short_name",
    "body",
    "keywords",
    "name_key",
    "short_key",
    "alias_key",
    "sort_key",
    "title_terms",
    "short_terms",
    "keyword_terms",
    "body_terms",
    "phrase_terms",
    "latitude",
    "longitude",
    "date_start",
    "date_end",
    "is_public",
    "updated_at",
    "facet_keys",
)


def document_facets(document: IndexedDocument) -> list[tuple[str, str]]:
    """The (name, value) pairs of a document's facet rows: its kind as facet "type" first,
    each pair once, cut to the columns' lengths, a bar in a value a slash as in the row's
    facet_keys (which PostgreSQL counts from: both backends count the same values)."""
    pairs = dict.fromkeys(
        (name[:20], value[:80].replace("|", "/"))
        for name, value in [("type", document.kind), *document.facets]
    )
    return list(pairs)


def _row(
    document: IndexedDocument,
    facets: list[tuple[str, str]],
    analyzer: analysis.Analyzer,
    found_words: set[str],
    hyphenated: set[str],
) -> list:
    """The values of the index row of a document (without its id) with these facets
    (document_facets), its text analysed for the engines; its distinct words and joined
    hyphenated words go to the sets given (for the vocabulary). Each text is folded and
    split once for its terms and the phrase stream alike."""
    title_folded, title_words = analyzer.split(document.title)
    name_key = "".join(title_words)  # analysis.key of the title
    alias = analysis.alias(document.title)
    alias_key = analysis.key(alias) if alias != document.title else name_key
    short_folded, short_words = analyzer.split(document.short_name)
    keywords_folded, keyword_words = analyzer.split(document.keywords)
    body_folded, body_words = analyzer.split(f"{document.body}\n{document.background}")
    phrase = [*title_words, *short_words, *keyword_words, *body_words]
    found_words.update(phrase)
    return [
        document.kind,
        document.object_id,
        document.slug,
        document.title[:255],
        document.short_name[:100],
        document.body,
        document.keywords,
        name_key[:255],
        "".join(short_words)[:100],
        alias_key[:255] if alias_key != name_key else "",
        title_folded.strip()[:255],
        analyzer.joined_terms(title_folded, title_words, hyphenated),
        analyzer.joined_terms(short_folded, short_words, hyphenated),
        analyzer.joined_terms(keywords_folded, keyword_words, hyphenated),
        analyzer.joined_terms(body_folded, body_words, hyphenated),
        " ".join(phrase),
        document.latitude,
        document.longitude,
        document.date_start,
        document.date_end,
        True,
        document.updated_at or timezone.now(),
        facet_keys(facets),
    ]


def analysed(document: IndexedDocument, analyzer: analysis.Analyzer) -> SearchDocument:
    """The row of the index for a document: its text analysed for the engines."""
    values = _row(document, document_facets(document), analyzer, set(), set())
    return SearchDocument(**dict(zip(DOCUMENT_COLUMNS[1:], values, strict=True)))


def store_documents(documents: Iterable[IndexedDocument], *, fresh: bool = False) -> int:
    """Write documents to the index, replacing earlier versions of the same objects
    (fresh: the index holds none of them, as in `rebuild_index`, so none is looked for).

    One transaction; the full-text structures follow through the database (migration 0002).
    Returns how many documents were written.
    """
    return len(_store(documents, fresh=fresh))


# A document's row of search_searchdocument as the backend stores it, and its facets.
Analysed = tuple[list, list[tuple[str, str]]]


def _store(documents: Iterable[IndexedDocument], *, fresh: bool = False) -> list[int]:
    """Write documents in chunks of plain multi-row statements (COPY on PostgreSQL); the
    facet counts and the vocabulary are brought up to date once, at the end, within the
    same transaction. Returns the ids of the rows written.

    Looking for earlier versions costs little in a settled index, but while a rebuild fills
    an emptied one the planner's statistics still say it is empty: it then reads every
    document of the kind for each chunk's look-up, a cost that grows with the index."""
    analyzer = current_analyzer()
    backend = get_backend()
    written: list[int] = []
    counts: Counter = Counter()
    found_words: set[str] = set()
    hyphenated: set[str] = set()
    columns = DOCUMENT_COLUMNS[1:]

    def analyse(chunk: list[IndexedDocument]) -> Iterator[Analysed]:
        """Each document's row and facets (made once, for the row's keys and the rows of
        search_searchfacet alike)."""
        for document in chunk:
            facets = document_facets(document)
            row = _row(document, facets, analyzer, found_words, hyphenated)
            yield backend.stored_row(columns, row), facets

    with transaction.atomic(), backend.writing_many():
        for chunk, rows, following in _analysed_chunks(
            documents, analyse, ahead=backend.ANALYSE_AHEAD
        ):
            if not fresh:
                by_kind: dict[str, list[int]] = {}
                for document in chunk:
                    by_kind.setdefault(document.kind, []).append(document.object_id)
                for kind, object_ids in by_kind.items():
                    counts.update(_delete_documents(kind, object_ids, update_counts=False))
            ids = backend.new_ids("search_searchdocument", len(chunk))
            backend.write_documents(
                DOCUMENT_COLUMNS,
                ([pk, *row] for pk, (row, _facets) in zip(ids, rows, strict=True)),
                meanwhile=following.rest,
            )
            # made as they are sent (the server stores the first while the rest are made),
            # and counted on the way
            facets = (
                (pk, name, value, document.kind)
                for pk, document, (_stored, pairs) in zip(ids, chunk, rows, strict=True)
                for name, value in pairs
            )
            if backend.FACET_ROWS:
                backend.write_rows(
                    "search_searchfacet",
                    ("document_id", "name", "value", "kind"),
                    _counted(facets, counts),
                )
            else:
                # the documents' keys are their facets (PostgreSQL: migration 0022)
                counts.update((kind, name, value) for _pk, name, value, kind in facets)
            written.extend(ids)
        _add_to_counts(counts)
        backend.add_terms(analyzer.vocabulary(found_words, hyphenated))
    return written


def _counted(facets: Iterable[tuple], counts: Counter) -> Iterator[tuple]:
    """The facet rows (document, name, value, kind), each counted in counts by (kind, name,
    value) as it passes."""
    for row in facets:
        counts[row[3], row[1], row[2]] += 1
        yield row


class _Analysis:
    """The rows of a chunk of documents, analysed when asked: while the server stores the
    chunk before, or when wanted."""

    def __init__(self, rows: Iterator[Analysed]) -> None:
        self._rows = rows
        self.done: list[Analysed] = []

    def rest(self) -> None:
        self.done.extend(self._rows)

    def rows(self) -> list[Analysed]:
        self.rest()
        return self.done


# Nothing left to analyse (the last chunk, or a chunk analysed by a thread).
_NOTHING = _Analysis(iter(()))


def _analysed_chunks(
    documents: Iterable[IndexedDocument],
    analyse: Callable[[list[IndexedDocument]], Iterator[Analysed]],
    *,
    ahead: str,
) -> Iterator[tuple[list[IndexedDocument], list[Analysed], _Analysis]]:
    """The documents in chunks, each with its rows and the analysis of the next chunk's
    that the caller runs while it writes this one (its rest, while the documents are
    stored). Two ways, as the backend asks:
    - BESIDE_SERVER: the rows of the next chunk are made in the calling thread once this
      chunk's are sent, while PostgreSQL stores them. Made while they were sent, as before
      (2026-12-07), the server idled while a row was made: 16-23 % more time at 100,000
      documents in alternating runs.
    - THREAD: a thread analyses the next chunk while this one is written (SQLite writes in
      the calling thread, and lets go of the interpreter while it does).
    The documents are read in the calling thread either way: they may come from the
    database, whose connection belongs to it. The first chunk is analysed before any is
    written (and a write of one chunk, a form's or the API's, starts no thread)."""
    chunks = _chunks(documents, INDEX_CHUNK)
    chunk = next(chunks, None)
    if chunk is None:
        return
    rows = list(analyse(chunk))
    if ahead == BESIDE_SERVER:
        for following in chunks:
            analysis = _Analysis(analyse(following))
            yield chunk, rows, analysis
            chunk, rows = following, analysis.rows()
        yield chunk, rows, _NOTHING
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-analysis") as analyst:
        for following in chunks:
            analysed = analyst.submit(list, analyse(following))
            yield chunk, rows, _NOTHING
            chunk, rows = following, analysed.result()
    yield chunk, rows, _NOTHING


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _delete_documents(kind: str, object_ids: list[int], *, update_counts: bool = True) -> Counter:
    """Remove documents with their facets, taking them off the facet counts (or returning
    the changes to the counts, without update_counts). Plain statements: the ORM would load
    every document to cascade to its facets."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM search_searchdocument WHERE kind = %s AND object_id IN ("  # noqa: S608
            + ", ".join(["%s"] * len(object_ids))
            + ")",
            [kind, *object_ids],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        if not ids:
            return Counter()
        in_ids = f"IN ({', '.join(['%s'] * len(ids))})"
        removed = Counter()
        if get_backend().FACET_ROWS:
            # one statement removes the facets and tells which values they had
            cursor.execute(
                f"DELETE FROM search_searchfacet WHERE document_id {in_ids} RETURNING name, value",  # noqa: S608
                ids,
            )
            for name, value in cursor.fetchall():
                removed[kind, name, value] -= 1
            cursor.execute(f"DELETE FROM search_searchdocument WHERE id {in_ids}", ids)  # noqa: S608
        else:
            # the documents' keys are their facets
            cursor.execute(
                f"DELETE FROM search_searchdocument WHERE id {in_ids} RETURNING facet_keys",  # noqa: S608
                ids,
            )
            for (keys,) in cursor.fetchall():
                for name, value in facet_pairs(keys):
                    removed[kind, name, value] -= 1
        removed[REMOVED] = len(ids)
    if update_counts:
        _add_to_counts(removed)
    return removed


# The key under which `_delete_documents` reports how many documents it removed.
REMOVED = ("", "", "")


def _add_to_counts(changes: Counter) -> None:
    rows = [
        (kind, name, value, change)
        for (kind, name, value), change in changes.items()
        if change and (kind, name, value) != REMOVED
    ]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO search_searchfacetcount (kind, name, value, count) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (kind, name, value) "
            "DO UPDATE SET count = search_searchfacetcount.count + excluded.count",
            rows,
        )


def unindex(kind: str, object_id: int) -> int:
    """Remove an object's document from the index; returns how many were removed."""
    with transaction.atomic():
        return min(1, _delete_documents(kind, [object_id])[REMOVED])


def index_organisation(organisation: Organisation) -> SearchDocument | None:
    """Bring the index in line with an organisation as stored: its document when published,
    no document otherwise. Call it inside the transaction that wrote the organisation."""
    stored = organisations_for_index().filter(pk=organisation.pk).first()
    if stored is None:
        unindex(SearchDocument.Kind.ORGANISATION, organisation.pk)
        return None
    return SearchDocument.objects.get(pk=_store([organisation_document(stored)])[0])


def reindex_labelled(name: str, value: str) -> int:
    """Write again the documents that carry a facet value (country, state, field or
    programme) whose names were edited: their keywords hold those names, in both languages.
    Objects no longer public among them leave the index. The taxonomy's labels are the
    analyzer's compound lexicon too: it is read again. Returns how many were written."""
    reset_analyzer()
    with transaction.atomic():
        by_kind: dict[str, list[int]] = {}
        documents_sql, documents_params = facet_documents(name, [value], get_backend())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kind, object_id FROM search_searchdocument "  # noqa: S608 (parameters)
                f"WHERE id IN ({documents_sql}) ORDER BY kind, object_id",
                documents_params,
            )
            for kind, object_id in cursor.fetchall():
                by_kind.setdefault(kind, []).append(object_id)
        written = 0
        for kind, object_ids in by_kind.items():
            source = sources.source_of(kind)
            if source is None:
                continue
            for start in range(0, len(object_ids), INDEX_CHUNK):
                chunk = object_ids[start : start + INDEX_CHUNK]
                documents = list(source.documents(chunk))
                public = {document.object_id for document in documents}
                gone = [object_id for object_id in chunk if object_id not in public]
                if gone:
                    _delete_documents(kind, gone)
                written += store_documents(documents)
        return written


def rebuild_index() -> int:
    """Make the whole index again from the database; returns the number of documents."""
    reset_analyzer()
    with transaction.atomic():
        # Plain DELETEs: the ORM would first load every document to cascade to facets.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_searchfacet")
            cursor.execute("DELETE FROM search_searchfacetcount")
            cursor.execute("DELETE FROM search_searchdocument")
        backend = get_backend()
        backend.clear_terms()
        count = sum(
            store_documents(source.documents(), fresh=True) for source in sources.registered()
        )
        backend.settle()
        return count


def organisation_documents(ids: Collection[int] | None = None) -> Iterator[IndexedDocument]:
    """Every public organisation's document, for rebuilds (of those among ids, if given)."""
    organisations = organisations_for_index().order_by("pk")
    if ids is not None:
        organisations = organisations.filter(pk__in=ids)
    for organisation in organisations.iterator(chunk_size=INDEX_CHUNK):
        yield organisation_document(organisation)
