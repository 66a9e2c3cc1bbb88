"""The search index: one language-neutral document per searchable object.

The index is derived data: `search.services` writes it in the same transaction as the
registry's writes, and `manage.py rebuild_search_index` makes it again from the database.
The full-text structures live beside these tables and are kept in step by the database
itself (migration 0002): on SQLite an FTS5 table with triggers, on PostgreSQL a generated
tsvector column with a GIN index.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """A searchable object (an organisation now; news, events, calls, projects later)."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        NEWS = "news", _("news item")
        EVENT = "event", _("event")
        CALL = "call", _("funding call")
        PROJECT = "project", _("project")
        REQUEST = "request", _("partner request")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    slug = models.CharField(_("URL key"), max_length=120)
    title = models.CharField(_("title"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    body = models.TextField(_("body"), blank=True)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_("Labels in both languages, synonyms, places and free keywords."),
    )
    # Exact-name keys (letters and digits only) and the sort key. Their indexes are in
    # Meta: db_index would give each a second, varchar_pattern_ops, index on PostgreSQL for
    # LIKE, which no search uses and every write pays for.
    name_key = models.CharField(max_length=255)
    short_key = models.CharField(max_length=100, blank=True)
    alias_key = models.CharField(max_length=255, blank=True)
    sort_key = models.CharField(max_length=255)
    # Pre-analysed text (search.analysis) the full-text engines index: SQLite's FTS5 table
    # reads these columns; PostgreSQL stores them empty and keeps the text only in the
    # tsvector the app writes beside them (migration 0011, backends.tsvector_literal).
    title_terms = models.TextField(blank=True)
    short_terms = models.TextField(blank=True)
    keyword_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    phrase_terms = models.TextField(blank=True)

    # The document's facets, each "name=value" between bars ("|type=organisation|
    # country=DE|…|", facet_keys below). PostgreSQL keeps them only here: it tests filters
    # and counts facets on the rows a search reads anyway (migration 0017), and finds a
    # value's documents through a GIN index of the keys (migration 0022). SQLite keeps
    # them as search_searchfacet rows too, where its searches find and count them.
    facet_keys = models.TextField(blank=True, default="")

    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    # Only public documents are indexed (search.services removes the rest), so this is
    # always true today; it is kept for an editors' search over drafts later.
    is_public = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        indexes = [
            # What a search reads of each matching document besides its id: a covering
            # index spares reading the wide rows (SQLite keeps their tail on overflow pages).
            models.Index(
                fields=["id", "date_start", "sort_key", "latitude", "longitude"],
                name="search_doc_cover",
            ),
            models.Index(fields=["name_key"], name="search_doc_name_key"),
            models.Index(fields=["short_key"], name="search_doc_short_key"),
            models.Index(fields=["alias_key"], name="search_doc_alias_key"),
            models.Index(fields=["date_start"], name="search_doc_date"),
            models.Index(fields=["sort_key"], name="search_doc_sort"),
            # SQLite also has search_doc_geo over (latitude, longitude), PostgreSQL a GiST
            # index of the points instead (migrations 0015 and 0016).
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.title}"


def facet_key(name: str, value: str) -> str:
    """A facet as SearchDocument.facet_keys holds it, bars included: a filter's test is
    whether the keys contain it (a bar in a value, which no facet has, would be a slash)."""
    return f"|{name}={value.replace('|', '/')}|"


def facet_keys(facets: Iterable[tuple[str, str]]) -> str:
    """SearchDocument.facet_keys of a document with these facets (name, value): each key
    without its closing bar, which the next one opens."""
    keys = "".join(facet_key(name, value)[:-1] for name, value in facets)
    return f"{keys}|" if keys else ""


def facet_pairs(keys: str) -> list[tuple[str, str]]:
    """The facets (name, value) of a document with these SearchDocument.facet_keys (a
    name holds no "=", a value may)."""
    pairs = []
    for key in keys.strip("|").split("|") if keys else ():
        name, _equals, value = key.partition("=")
        pairs.append((name, value))
    return pairs


def facet_key_array(column: str) -> str:
    """SQL (PostgreSQL) of the facet keys in a column of SearchDocument.facet_keys as an
    array of "name=value" texts, as the GIN index of migration 0022 holds them: a condition
    over the documents' rows must use this expression for the index to answer it."""
    return f"string_to_array(trim(BOTH '|' FROM {column}), '|')"


class SearchFacet(models.Model):
    """One value of a multi-valued facet of a document (state DE-SN, field photonics, …):
    SQLite's. PostgreSQL keeps a document's facets only as its keys (SearchDocument.
    facet_keys; migration 0022 emptied its rows: each went into a B-tree at indexing)."""

    # A document's values are distinct by construction (search.services), so they are the
    # key: its index finds a document's values for the counts, and no id of their own is
    # numbered and indexed for about ten rows a document (migration 0019 has the runs).
    pk = models.CompositePrimaryKey("document_id", "name", "value")
    # No constraint in the database: search.services writes and removes a document's facets
    # with it in one transaction, and the index is rebuilt from the registry at will. The
    # constraint's deferred check cost about 10 microseconds per facet row at each commit
    # (about ten rows per document; 5-16 % of indexing's time). The ORM still cascades.
    document = models.ForeignKey(
        SearchDocument,
        on_delete=models.CASCADE,
        related_name="facets",
        db_index=False,
        db_constraint=False,
    )
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=80)
    # The document's kind: a filter within a type (the directory's organisations) finds
    # only documents of that type, not every news item and event with the value too.
    kind = models.CharField(max_length=20, default="")

    # Counts find values by document through the key. Filters find documents by value (and
    # kind): on SQLite through its (name, value, kind, document) index, which migration 0008
    # made; on PostgreSQL through a GIN index of the documents' facet keys (migration 0022).

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SearchFacetCount(models.Model):
    """How many documents of each kind have each facet value, kept by search.services in
    the same transaction as the documents: the counts of the unfiltered index, and of one
    kind (the directory: organisations), are read here instead of being counted over every
    document."""

    kind = models.CharField(max_length=20, default="")
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=80)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "value"], name="search_facet_count_by_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}={self.value}: {self.count}"


class SearchTerm(models.Model):
    """The vocabulary: every term that was indexed, for typo tolerance and "did you mean".

    Terms are added as documents are indexed and only dropped by a rebuild; a term left by a
    removed document can only widen a query, never show what isn't public. `surface` marks
    whole words (as opposed to stems and parts), which are what "did you mean" offers.
    """

    term = models.CharField(max_length=100, unique=True)
    surface = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.term


class SearchTermKey(models.Model):
    """Deletion keys of the vocabulary (SymSpell) for typo candidates on SQLite.

    PostgreSQL finds candidates with pg_trgm instead and leaves this table empty.
    """

    key = models.CharField(max_length=20)
    term = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "term"], name="search_term_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.term}"
