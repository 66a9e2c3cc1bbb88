"""Reading the search index: `search` for result pages and the API, `suggest` for search as
you type.

A search runs in a fixed number of queries whatever the number of hits: the vocabulary
look-up for typos and completions (one, two when a word is unknown); with words, the
matches in the index's sample counted (sorted by relevance: is the search broad? see
`_broad`), then the page, the total and the facet counts in one statement, so the text is
matched once (`_ranked_page_with_counts`); without words, the page, then the counts; and
the facet labels from the registry's reference tables (kept in the cache). Without words,
the kept counts per kind of document give the total and the counts of facets filtered by
nothing but the kind (the directory's first pages: no counting).
"""

import datetime
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clusterscape.core.cache import remember
from clusterscape.core.i18n import current_language
from clusterscape.registry.models import Country, Field, Organisation, Programme, State

from . import analysis, backends, sources
from .backends import SearchBackend, get_backend
from .lexicon import current_analyzer
from .models import SearchDocument, SearchFacetCount, facet_key, facet_key_array
from .places import KM_PER_DEGREE

FACETS = ("type", "kind", "country", "state", "field", "programme", "round", "size", "language")
SORTS = ("relevance", "name", "date")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_SUGGESTIONS = 10
# The names a suggestion is chosen from, at most: those the engine finds first. What is
# typed may be in the names of hundreds of thousands ("ma" in 1,000,000 synthetic
# documents), each of which would be read and ranked; with more than this many, the first
# found stand for them, and the suggestions are those of every name again once the typing
# narrows them down.
SUGGESTION_CANDIDATES = 500
MAX_CANDIDATES_PER_WORD = 5
# Facet counts are exact over at most EXACT_FACET_LIMIT matching documents; over more, they
# are estimated from a uniform sample of about FACET_SAMPLE of them and marked as estimates
# (SearchResults.facets_estimated). Counting costs about a microsecond per facet value of
# each document counted, so this bounds it whatever the number of matches.
EXACT_FACET_LIMIT = 1_000
FACET_SAMPLE = 500
HASH_MULTIPLIER = 2_654_435_761
HASH_RANGE = 2**32
# The kept facet counts (SearchFacetCount): kind of document → facet → value → documents.
Kept = dict[str, dict[str, dict[str, int]]]

# A search whose words match more than BROAD_LIMIT documents (by its matches in the sample)
# reads a bounded part of them rather than every one: reading a match's row costs more than
# finding it (PostgreSQL finds matches in the documents' rows, about 1.5 µs a match; FTS5
# lists 14,000 matches' ids in a millisecond, and joining them to their rows takes five).
# The matches in a fixed sample of one document in BROAD_SAMPLE (by hashed id: uniform;
# on PostgreSQL with a text index of its own, migration search 0014; on SQLite tested on
# the ids FTS5 lists) give the total and the facet counts, as estimates; the candidates
# ranked for the page are the sample's matches, every match with a query word in its
# title (PostgreSQL: the index of the titles' terms; SQLite: FTS5's name columns; they rank
# highest) and the documents named exactly. Filters, a circle and dates count as well: a
# search is broad when more than BROAD_LIMIT of its matches pass them, by the sample (a
# circle and dates are tested on each match read). Sorted by relevance only, within the
# first RANK_LIMIT results and the sample's matches: a page sorted by name or date, or
# past them, needs the order of every match.
# 1,000 (1,500 until 2026-12-07): searches of 1,000-1,500 matches, read whole, were the
# slowest sixth of the benchmark's single words at 100,000 documents (23 ms against 12-13
# for the sampled searches just above); at 1,000 the phrase p95 fell from 31 to 15 ms on
# PostgreSQL and from 14.6 to 10.6 on SQLite, a typo's by 6-7 ms and a single word's by
# 1-8 on PostgreSQL, in alternating runs.
BROAD_LIMIT = 1_000
BROAD_SAMPLE = 16
# A search with more than SPARSE_LIMIT matches (by the sparse sample) reads a sparser
# sample, one document in SPARSE_SAMPLE (the same hash under a lower threshold, so within
# the other; an index of its own too): its reading stays about as long as the denser
# sample's at SPARSE_LIMIT ("Netze" matches 590,000 of 1,000,000 synthetic documents).
SPARSE_LIMIT = 16_000
SPARSE_SAMPLE = 256
# When no more than this many of the sparse sample's matches pass the filters and the
# circle, the search is not broad and the denser sample is not read: a word of 60,000
# matches within a circle of 500 read 4,000 rows of it to learn that (10 ms at 1,000,000
# documents). A search of 1,000 passing matches goes unnoticed one time in ten (its
# sparse sample holds 3.9 of them on average) and is read whole, as one of 900 is; of
# 1,500, one time in fifty.
SPARSE_SAYS_FEW = 1
# Every match with a query word in its title is a candidate when there are at most this
# many by the sample (they are read through the titles' index, a few microseconds each);
# with more, those in the sample are (a word in the names of thousands: "Netzwerk").
TITLE_LIMIT = 600
# A broad search's titles are read where the titles' index and the text index agree (the
# planner may intersect them) when the planner expects at least this many titles holding
# a query word's form for each match of the search. Measured with the titles' trigram
# index (until migration search 0020), which found every title holding a form as letters:
# "medi", the stem of "Medien", was in 39,211 of 1,000,000 synthetic titles
# ("Medizintechnik"), of which 21 matched "Medien" within 50 km of a city; testing the text
# on each title took the statement 263 ms, 18 with the indexes intersected. The index of the
# titles' terms finds only titles holding the form as a term, but a title can hold one word
# of several where the search needs them all. Where the titles are fewer, testing them is
# the faster way: intersecting reads every match of the text index, and tests the text
# (decompressing each vector) before the title on the documents both indexes hold
# ("Maschinenbau": 61 ms against 53).
TITLES_INTERSECTED = 0.5
# The shortest form a broad search asks the titles for as a whole (a shorter one, such as
# a word being typed, is in too many).
MIN_TITLE_PATTERN = 4
# A folded title without its spaces, in which a phrase's words keep their order
# ("mechanicalengineering"): how many of the query's words and phrases a candidate's title
# holds (`_title_hits`), and on SQLite which of a broad search's sample hold one. A word is
# tested as a part of it, and may span two of its words ("hydrog" in "Hydro Geology").
TITLE_KEY = "replace(d.sort_key, ' ', '')"


@dataclass(frozen=True)
class Broad:
    """How a broad search reads its matches: the sample (one document in `weight`), the
    title condition (`_title_condition`) and whether every match it holds is a candidate or
    only the sample's (TITLE_LIMIT)."""

    weight: int
    title_sql: str
    title_params: list
    all_titles: bool
    # Whether the titles are found where the titles' index and the text's agree (TITLES_
    # INTERSECTED), not by testing the text on each title the titles' index finds.
    titles_intersected: bool = False


def sampled(weight: int, column: str = "d.id") -> str:
    """The condition over a document row d (or another column of document ids) of the
    sample of one document in weight (BROAD_SAMPLE or SPARSE_SAMPLE). The partial indexes'
    predicates (migration search 0014) read exactly so; a doubled % is one, as in statements
    with parameters."""
    return f"({column} * {HASH_MULTIPLIER}) %% {HASH_RANGE} < {HASH_RANGE // weight}"


@dataclass(frozen=True)
class SearchParams:
    """A validated search (see forms.SearchForm): query text, facet filters by facet name,
    date range, circle, sort and page."""

    q: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    with_facets: bool = True
    # False: the type facet's counts are not wanted (the directory, which searches
    # organisations only and shows no type facet). A type filter then applies where the text
    # is matched, so documents of other types are never visited (see _scope).
    type_counts: bool = True

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class Hit:
    kind: str
    object_id: int
    slug: str
    title: str
    short_name: str
    url: str
    snippet: SafeString
    score: float
    latitude: float | None
    longitude: float | None
    date_start: datetime.date | None = None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchResults:
    params: SearchParams
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    did_you_mean: str = ""
    relaxed: bool = False  # no document had every word: these have some of them
    # More documents matched than EXACT_FACET_LIMIT: the facet counts are estimates from a
    # uniform sample (the total is always exact).
    facets_estimated: bool = False
    # So many documents matched that the total is estimated from a sample of them (a broad
    # search: see BROAD_LIMIT). It is shown as "about …".
    total_estimated: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.page_size))

    @property
    def has_next(self) -> bool:
        return self.params.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.params.page > 1

    @property
    def previous_page(self) -> int:
        """The page before this one, or the last page when this one is past the end (an
        old link after results went away)."""
        return min(self.params.page - 1, self.pages)

    @property
    def past_the_end(self) -> bool:
        return self.params.page > self.pages


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "organisation" (a name) or "field" (a taxonomy term)
    label: str
    value: str  # the slug
    url: str


# What Django's slug converter accepts: such a slug goes into a URL as it is.
PLAIN_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
SLUG_STAND_IN = "0slug0"


def detail_url(kind: str, slug: str) -> str:
    """The page of a hit. A page of 20 hits would reverse its URL 20 times (60 µs each):
    the URL is reversed once per kind, language and URL configuration, with a stand-in for
    the slug, which is then put in its place."""
    if not PLAIN_SLUG_RE.fullmatch(slug):
        return _reversed_detail_url(kind, slug)
    key = (kind, get_language(), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    pattern = _DETAIL_URL_PATTERNS.get(key)
    if pattern is None:
        pattern = _DETAIL_URL_PATTERNS[key] = _reversed_detail_url(kind, SLUG_STAND_IN)
    return pattern.replace(SLUG_STAND_IN, slug, 1)


_DETAIL_URL_PATTERNS: dict[tuple, str] = {}


def _reversed_detail_url(kind: str, slug: str) -> str:
    source = sources.source_of(kind)
    if source is None:
        return ""
    try:
        return reverse(source.url_name, kwargs={"slug": slug})
    except NoReverseMatch:
        return ""


# --- typo tolerance ---------------------------------------------------------------------


def _closest(word: str, candidates: set[str], budget: int) -> list[tuple[int, str]]:
    scored = []
    for candidate in candidates:
        distance = analysis.osa_distance(word, candidate, budget)
        if distance <= budget and candidate != word:
            scored.append((distance, abs(len(candidate) - len(word)), candidate))
    return [(distance, candidate) for distance, _diff, candidate in sorted(scored)]


def expand_typos(parsed: analysis.ParsedQuery, backend: SearchBackend) -> None:
    """Give each query word that no document has the vocabulary's words within its typo
    budget (one edit from 5 letters, two from 9) as further alternatives."""
    known, completions = backend.vocabulary(
        {form for term in parsed.terms for form in term.forms},
        {term.word for term in parsed.terms if term.prefix},
    )
    for term in parsed.terms:
        if term.prefix and term.word in completions:
            term.completions = completions[term.word]
    unknown = [
        term
        for term in parsed.terms
        if not known.intersection(term.forms) and analysis.typo_budget(term.word)
    ]
    if not unknown:
        return
    found = backend.typo_candidates(
        {term.word: analysis.typo_budget(term.word) for term in unknown}
    )
    for term in unknown:
        closest = _closest(term.word, found[term.word], analysis.typo_budget(term.word))
        forms: dict[str, None] = {}
        for _distance, candidate in closest[:MAX_CANDIDATES_PER_WORD]:
            forms.update(dict.fromkeys(analysis.word_forms(candidate)))
        term.candidates = tuple(forms)


def did_you_mean(parsed: analysis.ParsedQuery, backend: SearchBackend) -> str:
    """A corrected query for a query without hits, or "" when no correction finds any."""
    known = backend.known_terms({form for term in parsed.terms for form in term.forms})
    budgets = {
        term.word: max(1, analysis.typo_budget(term.word), 2 if len(term.word) >= 7 else 1)
        for term in parsed.terms
        if not known.intersection(term.forms) and len(term.word) >= 4
    }
    if not budgets:
        return ""
    found = backend.typo_candidates(budgets)
    corrected = []
    changed = False
    for term in parsed.terms:
        closest = _closest(term.word, found.get(term.word, set()), budgets.get(term.word, 0))
        if closest:
            corrected.append(closest[0][1])
            changed = True
        else:
            corrected.append(term.word)
    if not changed:
        return ""
    suggestion = " ".join([*corrected, *(f'"{" ".join(phrase)}"' for phrase in parsed.phrases)])
    check = search(SearchParams(q=suggestion + " ", page_size=1, with_facets=False), hint=False)
    return suggestion if check.total else ""


# --- the search -------------------------------------------------------------------------


def _keys_condition(
    name: str,
    values: Sequence[str],
    table: str,
    kinds: Sequence[str] | None = None,
    sample: int | None = None,
) -> tuple[str, list]:
    """A condition over the documents' rows of table (an alias): their facet keys hold one
    of the facet's values, as the GIN index of migration 0022 holds them (facet_key_array);
    of the given kinds only; in the sample only if one is given, and then within the
    smallest of the text index's samples (migration 0014) that holds it, whose documents'
    keys have GIN indexes of their own (migration 0022)."""
    keys = ", ".join(["%s"] * len(values))
    sql = f"{facet_key_array(f'{table}.facet_keys')} && ARRAY[{keys}]::text[]"
    params: list = [facet_key(name, value)[1:-1] for value in values]
    if kinds:
        sql += f" AND {table}.kind IN ({', '.join(['%s'] * len(kinds))})"
        params += kinds
    if sample is not None:
        weight = next((w for w in (SPARSE_SAMPLE, BROAD_SAMPLE) if sample <= HASH_RANGE // w), None)
        if weight is not None:
            # the partial indexes' predicate (migration 0022), the keys' test included
            sql += f" AND {sampled(weight, f'{table}.id')} AND {table}.facet_keys <> ''"
        sql += f" AND ({table}.id * {HASH_MULTIPLIER}) %% {HASH_RANGE} < %s"
        params.append(sample)
    return sql, params


def facet_documents(
    name: str,
    values: Sequence[str],
    backend: SearchBackend,
    kinds: Sequence[str] | None = None,
    sample: int | None = None,
) -> tuple[str, list]:
    """The ids (as document_id) of the documents with one of the facet's values: of the
    given kinds only (the type filter), in the sample only if one is given. Read from the
    GIN index of the documents' facet keys (PostgreSQL) or from the facets' own index."""
    if backend.FACET_KEYS_INDEXED:
        keys_sql, keys_params = _keys_condition(name, values, "d", kinds, sample)
        sql = f"SELECT d.id AS document_id FROM search_searchdocument d WHERE {keys_sql}"
        return sql, keys_params
    sql = (
        "SELECT document_id FROM search_searchfacet "
        f"WHERE name = %s AND value IN ({', '.join(['%s'] * len(values))})"
    )
    sql_params = [name, *values]
    if kinds:
        sql += f" AND kind IN ({', '.join(['%s'] * len(kinds))})"
        sql_params += kinds
    if sample is not None:
        sql += f" AND (document_id * {HASH_MULTIPLIER}) %% {HASH_RANGE} < %s"
        sql_params.append(sample)
    return sql, sql_params


def _facet_clause(
    name: str,
    values: Sequence[str],
    backend: SearchBackend,
    *,
    per_document: bool,
    sample: int | None = None,
    fenced: bool = False,
    kind_column: bool = False,
    kinds: Sequence[str] | None = None,
    in_row: bool = False,
) -> tuple[str, list]:
    """b restricted to documents with one of the values. Few documents (words matched):
    look each one's facets up (fenced: always, never as a join the planner may choose to
    hash), or test them in b's facet_keys when it carries them (in_row); many: a condition
    on b's facet keys when it carries them (in_row: PostgreSQL, whose GIN indexes of the
    keys answer it), else collect the documents that have the values; either way only
    those of the sample, if one is given (see _candidates_sql), and of the given kinds only
    when the type filter is set (kinds). kind_column: b carries the documents' kind (it
    always does without words)."""
    placeholders = ", ".join(["%s"] * len(values))
    if name == "type" and (kind_column or not per_document):
        # A document's type is its own kind (services._store): tested on its row rather
        # than by collecting every document of the type (the directory's type=organisation
        # is nearly all of them).
        return f"b.kind IN ({placeholders})", [*values]
    if per_document and in_row:
        tests = " OR ".join(["strpos(b.facet_keys, %s) > 0"] * len(values))
        return f"({tests})", [facet_key(name, value) for value in values]
    if in_row:
        # b (without words: the documents' rows, read in place) carries the keys
        keys_sql, keys_params = _keys_condition(name, values, "b", kinds, sample)
        return f"({keys_sql})", keys_params
    if per_document:
        # An OFFSET keeps PostgreSQL from turning the test into a join: with the facets'
        # (name, value) pairs under-estimated, it would hash thousands of documents (every
        # one of country=DE) to test a few hundred.
        fence = " LIMIT 1 OFFSET 0" if fenced else ""
        return (
            "EXISTS (SELECT 1 FROM search_searchfacet x WHERE x.document_id = b.id "
            f"AND x.name = %s AND x.value IN ({placeholders}){fence})",
            [name, *values],
        )
    documents_sql, documents_params = facet_documents(
        name, values, backend, kinds if name != "type" else None, sample
    )
    return f"b.id IN ({documents_sql})", documents_params


# The ids of the documents named exactly (name, short name, alias: each key through its
# own index), for an engine whose text index gives ids; its parameters are the exact keys.
NAMED = " UNION ALL ".join(
    f"SELECT id FROM search_searchdocument WHERE {key} = %s"
    for key in ("name_key", "short_key", "alias_key")
)


def _candidates_sql(
    parsed: analysis.ParsedQuery,
    params: SearchParams,
    backend: SearchBackend,
    *,
    any_term: bool,
    materialized: bool,
    ranked: bool = True,
    sort_columns: bool = True,
    sample: int | None = None,
    title_hits: bool = False,
    broad: Broad | None = None,
    facet_keys: bool = False,
) -> tuple[str, list, bool]:
    """The WITH clause defining b: the ids of matching public documents after the date
    and circle filters, with score and exact-name flag. Also tells whether anything
    narrows b below the whole index (words, dates, circle). broad: a broad search's bounded
    part of the matches, each with its weight (see BROAD_LIMIT). facet_keys: b carries the
    documents' facet_keys (an engine whose match reads the documents' rows)."""
    # The index holds public documents only (search.services), so "public" needs no test.
    # Where the text index holds the documents' places, it reads the words' matches in the
    # circle's cells in the same scan (a broad search's sample too), rather than every match
    # of the words; the box and the circle are then tested on each match it finds, not read
    # from the points' index too: the planner expects a box of 100 documents at 100,000
    # (a constant share), and read the 21,369 around Wuppertal to intersect them with the
    # 1,152 matches of "Wasserstoff" in the cells (2.5 ms of the statement's 16).
    cells = None if parsed.empty else _cells(params, backend)
    conditions, condition_params = _place_and_dates(
        params, backend, box_indexed=cells is None or broad is not None
    )
    if broad is not None:
        # A broad search tests its circle and dates on each row its parts' indexes find,
        # never by intersecting them with the documents in the box or the date range (no
        # index answers a condition wrapped in IS TRUE).
        conditions = [f"({condition}) IS TRUE" for condition in conditions]
    if cells is not None:
        conditions.append(cells[0])
        condition_params += cells[1]
    if sample is not None:
        # A uniform sample of the documents: a multiplicative hash of the id (Knuth) below
        # a threshold keeps a fixed share of any set, whatever the order ids were given in.
        conditions.append(f"(d.id * {HASH_MULTIPLIER}) %% {HASH_RANGE} < %s")
        condition_params.append(sample)
    where = " AND ".join(conditions) or "TRUE"
    # The documents' columns b carries besides id, score and exact: (expression, name).
    columns = [("d.date_start", "date_start"), ("d.sort_key", "sort_key")] if sort_columns else []
    b_kind = "MATERIALIZED" if materialized else "NOT MATERIALIZED"
    if parsed.empty:
        if backend.FACETS_IN_ROW:
            # the filters are tested, and the facets counted, on each document's keys
            columns.append(("d.facet_keys", "facet_keys"))
        extra = "".join(f", {expression} AS {name}" for expression, name in columns)
        sql = (
            f"WITH b AS {b_kind} (SELECT d.id AS id, 0.0 AS score, 0 AS exact, d.kind AS kind"
            f"{extra} FROM search_searchdocument d WHERE {where}) "
        )
        return sql, condition_params, bool(conditions)

    scope = _scope(params)
    if scope:
        conditions.append("(" + " OR ".join(["d.kind = %s"] * len(scope)) + ")")
        condition_params += scope
        where = " AND ".join(conditions)
    name_key = analysis.key(params.q)
    exact_keys = [name_key] * 3 if len(name_key) >= 2 else []
    hit_params: list = []
    if title_hits:
        hit_sql, hit_params = _title_hits(parsed)
        columns.append((hit_sql, "hit"))
    if backend.MATCH_READS_DOCUMENTS:
        # read in the same pass: the type filter is tested on it (_facet_clause)
        columns.append(("d.kind", "kind"))
        if facet_keys:
            columns.append(("d.facet_keys", "facet_keys"))
        return _candidates_read_in_match(
            parsed, backend, (where, condition_params), (columns, hit_params), exact_keys,
            any_term=any_term, ranked=ranked, b_kind=b_kind, broad=broad,
        )  # fmt: skip
    extra = "".join(f", {expression} AS {name}" for expression, name in columns)
    if broad is not None:
        matched, sql_params = _sampled_matches_by_id(
            parsed, backend, broad, exact_keys, any_term=any_term
        )
        sql = (
            f"WITH m AS MATERIALIZED ({matched}), "
            f"b AS {b_kind} (SELECT d.id AS id, m.score AS score, m.exact AS exact{extra}, "
            f"m.weight AS weight FROM m JOIN search_searchdocument d ON d.id = m.id "
            f"WHERE {where}) "
        )
        return sql, [*sql_params, *hit_params, *condition_params], True
    match_sql, sql_params = backend.match_sql(parsed, any_term=any_term, ranked=ranked)
    matched = f"SELECT id, score, 0 AS exact FROM ({match_sql}) fts"
    if sample is not None:
        # Sampled before anything is joined to the matches.
        matched += f" WHERE (fts.id * {HASH_MULTIPLIER}) %% {HASH_RANGE} < %s"
        sql_params = [*sql_params, sample]
    if parsed.sequence and ranked:
        # Words in the order typed double the score.
        phrase_sql, phrase_params = backend.phrase_sql(parsed.sequence)
        matched = (
            "SELECT fts.id AS id, fts.score * (CASE WHEN ordered.id IS NULL THEN 1 "
            f"ELSE 2 END) AS score, 0 AS exact FROM ({match_sql}) fts "
            f"LEFT JOIN ({phrase_sql}) ordered ON ordered.id = fts.id"
        )
        sql_params = [*sql_params, *phrase_params]
    if exact_keys:
        # The documents named exactly (each key through its index) flag the matches they
        # are among, and those the text does not match are added: no grouping of every
        # match by id (4 ms of 7 for the 7,770 matches of "Wasser" at 100,000 documents).
        text_sql, text_params = backend.text_condition(parsed, any_term=any_term)
        matched = (
            f"SELECT id, score, CASE WHEN id IN ({NAMED}) THEN 1 ELSE 0 END AS exact "
            f"FROM ({matched}) matched UNION ALL SELECT d.id, 0.0, 1 "
            f"FROM search_searchdocument d WHERE d.id IN ({NAMED}) AND NOT {text_sql}"
        )
        sql_params = [*exact_keys, *sql_params, *exact_keys, *text_params]
    if not conditions and not extra:
        # Nothing to read of the documents themselves.
        sql = f"WITH m AS MATERIALIZED ({matched}), b AS {b_kind} (SELECT id, score, exact FROM m) "
        return sql, sql_params, True
    sql = (
        f"WITH m AS MATERIALIZED ({matched}), "
        f"b AS {b_kind} (SELECT d.id AS id, m.score AS score, m.exact AS exact{extra} "
        f"FROM m JOIN search_searchdocument d ON d.id = m.id WHERE {where}) "
    )
    return sql, [*sql_params, *hit_params, *condition_params], True


def _sampled_matches_by_id(
    parsed: analysis.ParsedQuery,
    backend: SearchBackend,
    broad: Broad,
    exact_keys: list[str],
    *,
    any_term: bool,
) -> tuple[str, list]:
    """The matches a broad search reads (see BROAD_LIMIT) on an engine whose text index
    gives the matches' ids (SQLite): those in the sample, by the hash of the id before any
    is joined to its row (FTS5 lists the ids of 14,000 matches in about a millisecond;
    joining them to their rows costs five), those with a query word in the title or the
    short name when broad.all_titles (FTS5's name columns) and the documents named exactly,
    each once (id, score, exact, weight), with the weights of _candidates_read_in_match:
    a match of the sample stands for broad.weight, another match read is in the estimate
    already (0), a document named exactly whose text does not match is one."""
    match_sql, sql_params = backend.match_sql(parsed, any_term=any_term, ranked=False)
    parts = [
        f"SELECT id, 0 AS exact, {broad.weight} AS weight FROM ({match_sql}) fts "
        f"WHERE {sampled(broad.weight, 'fts.id')}"
    ]
    if broad.all_titles and any(term.match_forms() for term in parsed.terms):
        # (the name columns hold each word's forms, not phrases: a phrase's titles are
        # those of the sample. Reading the titles with every word of a phrase there and
        # testing the phrase on each was tried on 2026-12-07: the benchmark's phrase at
        # 100,000 documents took p50 14.0 ms and p95 18.2 against 6.7 and 10.7, since the
        # taxonomy's words stand together in many titles)
        titled_sql, titled_params = backend.match_sql(
            parsed, any_term=any_term, ranked=False, titled=True
        )
        parts.append(
            f"SELECT id, 0, 0 FROM ({titled_sql}) titled "
            f"WHERE NOT {sampled(broad.weight, 'titled.id')}"
        )
        sql_params = [*sql_params, *titled_params]
    if exact_keys:
        text_sql, text_params = backend.text_condition(parsed, any_term=any_term)
        parts.append(
            f"SELECT d.id, 1, CASE WHEN {text_sql} THEN 0 ELSE 1 END "
            f"FROM search_searchdocument d WHERE d.id IN ({NAMED})"
        )
        sql_params = [*sql_params, *text_params, *exact_keys]
    matched = (
        "SELECT id, 0.0 AS score, MAX(exact) AS exact, MAX(weight) AS weight FROM ("
        + " UNION ALL ".join(parts)
        + ") parts GROUP BY id"
    )
    return matched, sql_params


def _place_and_dates(
    params: SearchParams, backend: SearchBackend, *, box_indexed: bool = True
) -> tuple[list[str], list]:
    """The conditions over a document row d of the search's dates and circle, with their
    parameters; the circle's in a form no index answers unless box_indexed."""
    conditions: list[str] = []
    condition_params: list = []
    if params.date_from:
        conditions.append("COALESCE(d.date_end, d.date_start) >= %s")
        condition_params.append(params.date_from)
    if params.date_to:
        conditions.append("d.date_start <= %s")
        condition_params.append(params.date_to)
    circle = _circle(params)
    if circle is not None:
        # A bounding box the index can use, then the distance on a plane tangent at the
        # centre (equirectangular; well under 1 % off within a few hundred km).
        box_sql, box_params = backend.box_condition(circle.latitudes, circle.longitudes)
        within = (
            f"{box_sql} AND (d.latitude - %s) * (d.latitude - %s) "
            "+ (d.longitude - %s) * (d.longitude - %s) * %s <= %s"
        )
        conditions.append(within if box_indexed else f"({within}) IS TRUE")
        condition_params += [
            *box_params,
            params.latitude,
            params.latitude,
            params.longitude,
            params.longitude,
            circle.stretch * circle.stretch,
            circle.degrees * circle.degrees,
        ]
    return conditions, condition_params


class Circle(NamedTuple):
    """A search's circle in degrees: its radius in degrees of latitude, how much a degree of
    longitude is shorter at its centre, and the box around it."""

    degrees: float
    stretch: float
    latitudes: tuple[float, float]
    longitudes: tuple[float, float]


def _circle(params: SearchParams) -> Circle | None:
    """The search's circle, if it has one."""
    if params.latitude is None or params.longitude is None or not params.radius_km:
        return None
    degrees = params.radius_km / KM_PER_DEGREE
    stretch = max(math.cos(math.radians(params.latitude)), 0.01)
    return Circle(
        degrees,
        stretch,
        (params.latitude - degrees, params.latitude + degrees),
        (params.longitude - degrees / stretch, params.longitude + degrees / stretch),
    )


def _cells(params: SearchParams, backend: SearchBackend) -> tuple[str, list] | None:
    """The condition over a document row d that it lies in one of the geo cells of the
    search's circle, where the engine's text index holds them (backends.cells_condition)."""
    circle = _circle(params)
    if circle is None:
        return None
    return backend.cells_condition(circle.latitudes, circle.longitudes)


def _scope(params: SearchParams) -> list[str]:
    """The kinds of document a search with words is confined to where its text is matched:
    the type filter's, when nothing counts the other types (no facets, or no type facet).
    PostgreSQL's text index holds each document's kind beside its words, so the matches of
    other types (a million news items behind the directory's "mobility") are never read;
    one test per kind, which that index can answer (it cannot answer IN)."""
    if params.with_facets and params.type_counts:
        return []
    return list(dict.fromkeys(params.filters.get("type", ())))


def _candidates_read_in_match(
    parsed: analysis.ParsedQuery,
    backend: SearchBackend,
    conditions: tuple[str, list],
    columns: tuple[list[tuple[str, str]], list],
    exact_keys: list[str],
    *,
    any_term: bool,
    ranked: bool,
    b_kind: str,
    broad: Broad | None = None,
) -> tuple[str, list, bool]:
    """b for an engine that finds matches in the documents' own rows (PostgreSQL): the
    filters, the exact-name flag and the columns b needs are read in the same pass over the
    matching rows, not by looking every match up again; documents whose name is the query
    but whose text does not match come from the name indexes.

    broad: only the matches in the sample (weight broad.weight: each stands for that many),
    those with a query word in the title (when broad.all_titles) and those named exactly
    (weight 0: the sample counts them already) are read, in disjoint parts; documents named
    exactly whose text does not match have weight 1."""
    where, where_params = conditions
    selected, column_params = columns
    names = "".join(f", {name}" for _expression, name in selected)
    named = "(d.name_key = %s OR d.short_key = %s OR d.alias_key = %s)"
    exact = f"CASE WHEN {named} THEN 1 ELSE 0 END" if exact_keys else "0"
    extra = "".join(
        f", {expression} AS {name}" for expression, name in [(exact, "exact"), *selected]
    )
    if broad is not None:
        # each part is found by an index of its own: the sample's text index, the titles'
        # terms, the name keys
        title_sql, title_params = broad.title_sql, broad.title_params
        sample = sampled(broad.weight)
        parts = [(sample, [], broad.weight, True)]
        others, other_params = f"NOT {sample}", []
        if broad.all_titles:
            parts.append((f"{others} AND {title_sql}", title_params, 0, broad.titles_intersected))
            others, other_params = f"{others} AND NOT {title_sql}", title_params
        if exact_keys:
            parts.append((f"{others} AND {named}", [*other_params, *exact_keys], 0, False))
        selects, sql_params = [], []
        for part_sql, part_params, weight, indexed in parts:
            match_sql, match_params = backend.match_sql(
                parsed, any_term=any_term, ranked=ranked, columns=f"{extra}, {weight} AS weight",
                where=f"{where} AND {part_sql}", indexed=indexed,
            )  # fmt: skip
            selects.append(f"SELECT id, score, exact{names}, weight FROM ({match_sql}) fts")
            sql_params += [*exact_keys, *column_params, *match_params, *where_params, *part_params]
        matched = " UNION ALL ".join(selects)
        names += ", weight"
        unmatched_weight = ", 1 AS weight"
    else:
        match_sql, match_params = backend.match_sql(
            parsed, any_term=any_term, ranked=ranked, columns=extra, where=where
        )
        sql_params = [*exact_keys, *column_params, *match_params, *where_params]
        matched = f"SELECT id, score, exact{names} FROM ({match_sql}) fts"
        if parsed.sequence and ranked:
            # Words in the order typed double the score.
            phrase_sql, phrase_params = backend.phrase_sql(parsed.sequence)
            fts_names = "".join(f", fts.{name}" for _expression, name in selected)
            matched = (
                "SELECT fts.id AS id, fts.score * (CASE WHEN ordered.id IS NULL THEN 1 "
                f"ELSE 2 END) AS score, fts.exact AS exact{fts_names} FROM ({match_sql}) fts "
                f"LEFT JOIN ({phrase_sql}) ordered ON ordered.id = fts.id"
            )
            sql_params = [*sql_params, *phrase_params]
        unmatched_weight = ""
    if exact_keys:
        # The few documents the name indexes find are tested for the rest (IS TRUE: no
        # index answers it), not intersected with a circle's box: the planner took the box
        # for 100 documents and read it again for this part, 1.6 of 15 ms for "Automobil"
        # within 50 km of Wuppertal at 100,000 documents, its 19,385 documents for none.
        text_sql, text_params = backend.text_condition(parsed, any_term=any_term)
        matched += (
            f" UNION ALL SELECT d.id AS id, 0.0 AS score, 1 AS exact"
            f"{''.join(f', {expression} AS {name}' for expression, name in selected)}"
            f"{unmatched_weight} "
            f"FROM search_searchdocument d WHERE {named} AND ({where}) IS TRUE "
            f"AND NOT ({text_sql})"
        )
        sql_params = [*sql_params, *column_params, *exact_keys, *where_params, *text_params]
    sql = (
        f"WITH m AS MATERIALIZED ({matched}), "
        f"b AS {b_kind} (SELECT id, score, exact{names} FROM m) "
    )
    return sql, sql_params, True


def _title_hits(parsed: analysis.ParsedQuery) -> tuple[str, list]:
    """How many of the query's words (in any of their forms) the folded title holds: read
    from the documents' covering index, it picks the candidates worth ranking."""
    parts, params = [], []
    for term in parsed.terms:
        forms = _shortest_parts({*term.match_forms(), *([term.word] if term.prefix else [])})
        if forms:
            parts.append(
                "(CASE WHEN "
                + " OR ".join([f"{TITLE_KEY} LIKE %s"] * len(forms))
                + " THEN 1 ELSE 0 END)"
            )
            params += [f"%{form}%" for form in forms]
    for joined in _joined_phrases(parsed):
        parts.append(f"(CASE WHEN {TITLE_KEY} LIKE %s THEN 1 ELSE 0 END)")
        params.append(f"%{joined}%")
    return (" + ".join(parts) or "0"), params


def _joined_phrases(parsed: analysis.ParsedQuery) -> list[str]:
    """Each phrase of the query as TITLE_KEY holds it: its words without spaces."""
    return ["".join(phrase) for phrase in parsed.phrases]


def _shortest_parts(forms: set[str]) -> list[str]:
    """The forms no other form is part of: a title that holds "materi" holds it whether or
    not it also holds "material", so only the shorter needs testing."""
    return sorted(form for form in forms if not any(o != form and o in form for o in forms))


ORDERINGS = {
    "relevance": "{t}.exact DESC, {t}.score DESC, {t}.date_start DESC NULLS LAST, "
    "{t}.sort_key, {t}.id",
    "name": "{t}.sort_key, {t}.id",
    "date": "{t}.date_start DESC NULLS LAST, {t}.exact DESC, {t}.score DESC, {t}.sort_key, {t}.id",
}


def _ordering(sort: str, parsed: analysis.ParsedQuery) -> str:
    """Without words there is no relevance: by name (the documents' sort index)."""
    if parsed.empty and sort == "relevance":
        sort = "name"
    return ORDERINGS.get(sort, ORDERINGS["relevance"])


def _fetch(sql: str, sql_params: list, full_text: SearchBackend | None = None) -> list[tuple]:
    """Run a read of the index; a statement that matches text with the full_text backend's
    settings for it (see backends.fetch)."""
    planner = full_text.FULL_TEXT_SETTINGS if full_text is not None else {}
    return backends.fetch(SearchDocument, sql, sql_params, planner)


class Found(NamedTuple):
    """What `_run` found: the page's rows, the total, the facet counts, whether the counts
    are estimates and whether the total is one (a broad search: see BROAD_LIMIT)."""

    rows: list[tuple]
    total: int
    counts: dict[str, dict[str, int]]
    estimated: bool
    total_estimated: bool = False


def _run(
    parsed: analysis.ParsedQuery,
    params: SearchParams,
    backend: SearchBackend,
    filters: dict[str, list[str]],
    *,
    any_term: bool,
    kept: Kept | None = None,
) -> Found:
    """Page, total, facet counts and whether they are estimates. `kept` (the kept counts)
    is given whenever nothing narrows the index (no words, dates or circle)."""
    # Without words, b is left to the planner so a sort can walk an index of the documents.
    # b carries the documents' facet keys where the filters are tested on them
    keys_in_b = backend.FACETS_IN_ROW and bool(filters)
    hits_with, hits_with_params, narrowed = _candidates_sql(
        parsed,
        params,
        backend,
        any_term=any_term,
        materialized=not parsed.empty,
        facet_keys=keys_in_b,
    )
    # The total, when the kept counts tell it: no count over the documents is needed, and a
    # sort walks its index only as far as the page.
    known_total = _kept_total(filters, kept) if kept is not None and not narrowed else None

    clauses = {
        name: _facet_clause(
            name,
            values,
            backend,
            per_document=not parsed.empty,
            kind_column=backend.MATCH_READS_DOCUMENTS,
            kinds=filters.get("type"),
            in_row=keys_in_b,
        )
        for name, values in filters.items()
    }

    def where(
        skip: str | None = None, clauses: dict[str, tuple[str, list]] = clauses
    ) -> tuple[str, list]:
        parts = [clause for name, clause in clauses.items() if name != skip]
        if not parts:
            return "", []
        return " AND ".join(sql for sql, _p in parts), [p for _sql, ps in parts for p in ps]

    filter_sql, filter_params = where()
    # The page is picked from b's own columns; only its rows are read in full.
    ordering = _ordering(params.sort, parsed)
    if parsed.empty:
        # Without words, in the order of the sort. Unless the kept counts give the total,
        # the page comes with it (counted over b before the LIMIT).
        counting = known_total is None
        source, page_sql, page_params = "b", filter_sql, filter_params
        driver = _driving_filter(filters, kept) if counting and kept else None
        if driver is not None:
            # Counting means visiting every document that passes: the documents of the
            # filter that passes fewest (by the kept counts) are collected from the facets'
            # index and the other filters tested on each, rather than every document
            # walked in the order of the sort.
            documents_sql, documents_params = facet_documents(
                driver, filters[driver], backend, filters.get("type")
            )
            hits_with += (
                f", p AS MATERIALIZED (SELECT DISTINCT document_id AS id FROM ({documents_sql}) v)"
            )
            hits_with_params = [*hits_with_params, *documents_params]
            source = "p JOIN b ON b.id = p.id"
            page_sql, page_params = where(
                skip=driver,
                clauses={
                    name: _facet_clause(
                        name,
                        values,
                        backend,
                        per_document=name != "type",
                        in_row=backend.FACETS_IN_ROW,
                    )
                    for name, values in filters.items()
                },
            )
        hits_sql = (
            f"{hits_with}, top AS (SELECT b.id, b.score, b.exact, b.date_start, b.sort_key, "
            f"{'COUNT(*) OVER ()' if counting else '0'} AS total "
            f"FROM {source} {'WHERE ' + page_sql if page_sql else ''} "
            f"ORDER BY {ordering.format(t='b')} LIMIT %s OFFSET %s) "
            f"{HIT_COLUMNS} FROM top JOIN search_searchdocument d ON d.id = top.id "
            f"ORDER BY {ordering.format(t='top')}"
        )
        hits_params = [*hits_with_params, *page_params, params.page_size, params.offset]
    elif params.with_facets:
        broad = _broad(parsed, params, backend, filters, any_term=any_term)
        return _ranked_page_with_counts(
            parsed, params, backend, filters, any_term=any_term, broad=broad
        )
    else:
        page_sql, hits_params = _ranked_page(
            parsed, params, backend, filter_sql, filter_params, any_term=any_term
        )
        hits_sql = (
            f"{page_sql} {HIT_COLUMNS} FROM top JOIN search_searchdocument d ON d.id = top.id "
            f"ORDER BY {ordering.format(t='top')}"
        )
    rows = _fetch(hits_sql, hits_params, None if parsed.empty else backend)
    total = known_total if known_total is not None else rows[0][-1] if rows else 0
    rows = [row[:-1] for row in rows]

    # One pass counting every facet under all filters (right for the facets without an
    # active filter); one pass per active facet under the other filters (disjunctive
    # faceting: a facet's own choices don't narrow its counts). A facet filtered by nothing
    # but the type of document has the kept counts of those types (the directory: of
    # organisations), read instead of counted.
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    whole_index: set[str] = set()
    if params.with_facets and kept is not None and not narrowed:
        for name in FACETS:
            if all(other in (name, "type") for other in filters):
                kinds = filters.get("type") if name != "type" else None
                counts[name] = dict(_kept_within(kept, kinds).get(name, {}))
                whole_index.add(name)
    if known_total is not None and (not params.with_facets or whole_index == set(FACETS)):
        return Found(rows, total, counts, False)

    def counts_with(sample: int | None = None) -> tuple[str, list]:
        with_sql, with_params, _narrowed = _candidates_sql(
            parsed,
            params,
            backend,
            any_term=any_term,
            materialized=not parsed.empty,
            ranked=False,
            sort_columns=False,
            sample=sample,
            facet_keys=keys_in_b,
        )
        return with_sql, with_params

    # A page past the end has no rows to bring the total: it is counted on its own.
    with_sql, with_params = counts_with()
    if not rows and params.offset and known_total is None:
        total = _fetch(
            with_sql + f"SELECT COUNT(*) FROM b {'WHERE ' + filter_sql if filter_sql else ''}",
            [*with_params, *filter_params],
            None if parsed.empty else backend,
        )[0][0]
    # The facets are counted over every matching document when there are few, else over a
    # uniform sample.
    estimated = False
    if not params.with_facets or not total:
        return Found(rows, total, counts, estimated)
    share = 1.0
    sample = None
    if total > EXACT_FACET_LIMIT:
        share = FACET_SAMPLE / total
        sample = int(share * HASH_RANGE)
        with_sql, with_params = counts_with(sample=sample)
        estimated = True
    # An active facet's own counts are over the documents passing the other filters, which
    # may be many more than the total (country=DE beside kind=innovation-region): when the
    # kept counts tell how many and they are more than EXACT_FACET_LIMIT, a sample of them.
    own_shares: dict[str, float] = {}
    if parsed.empty and not estimated and kept is not None and not narrowed:
        for name in filters.keys() - whole_index:
            passing = _kept_total({n: v for n, v in filters.items() if n != name}, kept)
            if passing and passing > EXACT_FACET_LIMIT:
                own_shares[name] = FACET_SAMPLE / passing

    def driven(skip: str | None = None, sample: int | None = sample) -> tuple[str, list]:
        """The clause of the filters but skip's: the documents of the one that passes
        fewest (by the kept counts) collected from the facets' index, in the sample if one
        is given, and the others tested on each of them (sets of thousands are not
        hashed to be joined: country=DE beside kind=innovation-region)."""
        chosen = {name: values for name, values in filters.items() if name != skip}
        driver = _driving_filter(chosen, kept) if kept else None
        clauses = {
            name: _facet_clause(
                name,
                values,
                backend,
                per_document=name not in (driver, "type"),
                sample=sample if name == driver else None,
                fenced=True,
                kinds=chosen.get("type"),
                in_row=backend.FACETS_IN_ROW,
            )
            for name, values in chosen.items()
        }
        return where(clauses=clauses)

    def own_where(name: str) -> tuple[str, list]:
        if name in own_shares:
            return driven(skip=name, sample=int(own_shares[name] * HASH_RANGE))
        return driven(skip=name)

    # (a search with words has its counts from _ranked_page_with_counts)
    counts_sql, count_params = _counts_over_filtered_documents(
        params, backend, filters, driven, whole_index, own_where
    )
    counted = _fetch(with_sql + counts_sql, [*with_params, *count_params])
    for kind, name, value, count in counted:
        if (
            kind
            and name in counts
            and name not in whole_index
            and (kind == "one" or (kind == "own") == (name in filters))
        ):
            own_share = own_shares.get(name) if kind == "own" else None
            if own_share:
                counts[name][value] = _estimate(count, own_share)
            else:
                counts[name][value] = _estimate(count, share) if estimated else count
    return Found(rows, total, counts, estimated or bool(own_shares))


HIT_COLUMNS = (
    "SELECT d.id, d.kind, d.object_id, d.slug, d.title, d.short_name, d.body, "
    "d.keywords, d.latitude, d.longitude, d.date_start, top.score, top.total"
)
# How many matching documents the engine ranks at most (PostgreSQL's ts_rank_cd reads and
# detoasts each one's vector; FTS5's bm25 costs a few microseconds a match, a third of a
# search with 10,000 matches); when more match, candidates are chosen in the order of the
# sort with the number of query words in the title in place of the score (exact names
# first).
RANK_LIMIT = 300


def _title_condition(
    parsed: analysis.ParsedQuery, backend: SearchBackend
) -> tuple[str, list, bool] | None:
    """A condition over a document row d: its title holds one of the query's words in one
    of its forms, or a phrase (PostgreSQL: through the titles' vectors, see the backend's
    title_condition; SQLite: the LIKE tests of `_title_hits`, for the sample's rows only); and
    whether it finds them without many others (every form four letters or more: "haf", of
    "Häfen", is in the titles of every "Wirtschaft", and a word being typed is matched as
    a prefix). None without words."""
    patterns: list[str] = []
    for term in parsed.terms:
        patterns += _shortest_parts({*term.match_forms(), *([term.word] if term.prefix else [])})
    patterns += _joined_phrases(parsed)
    if not patterns:
        return None
    selective = min(len(pattern) for pattern in patterns) >= MIN_TITLE_PATTERN
    if backend.TITLE_VECTORS:
        indexed = backend.title_condition(parsed)
        return None if indexed is None else (*indexed, selective)
    condition = " OR ".join([f"{TITLE_KEY} LIKE %s"] * len(patterns))
    return f"({condition})", [f"%{pattern}%" for pattern in patterns], selective


def _broad(
    parsed: analysis.ParsedQuery,
    params: SearchParams,
    backend: SearchBackend,
    filters: dict[str, list[str]],
    *,
    any_term: bool,
) -> Broad | None:
    """How a broad search reads its matches (see BROAD_LIMIT), or None when the search is
    not broad or its page must be read from every match: its matches in the sample that
    pass the filters are counted first (PostgreSQL: through the sample's own index)."""
    if not (
        backend.BROAD_SEARCHES
        and params.sort == "relevance"
        and params.offset + params.page_size <= RANK_LIMIT
    ):
        return None
    title = _title_condition(parsed, backend)
    if title is None:
        return None
    scope = _scope(params)
    kinds = ["(" + " OR ".join(["d.kind = %s"] * len(scope)) + ")"] if scope else []
    title_sql, title_params, selective = title
    # each of the samples' matches has its facets tested on its row (PostgreSQL) or looked
    # up: they are a 16th or a 256th of the words' matches, never hashed against every
    # document of a filter's value
    in_row = backend.FACETS_IN_ROW
    clauses = [
        _facet_clause(
            name, values, backend, per_document=True, fenced=True, kind_column=True, in_row=in_row
        )
        for name, values in filters.items()
    ]
    passing = " AND ".join(sql for sql, _params in clauses) or "TRUE"
    passing_params = [param for _sql, clause_params in clauses for param in clause_params]
    # A circle and dates are tested on each of the sample's matches, as a column: in the
    # WHERE clause the planner would intersect the sample's matches with every document in
    # the box (181,760 around a city of the synthetic Ruhr, estimated at 1,000).
    place_conditions, place_params = _place_and_dates(params, backend)
    place = " AND ".join(place_conditions) or "TRUE"

    columns = f", {title_sql} AS title, d.kind AS kind, ({place}) AS place"
    if in_row:
        columns += ", d.facet_keys AS facet_keys"
    columns_params = [*title_params, *place_params]
    # The sample's matches in the circle's cells, where the text index holds them: all that
    # can lie in the circle, and the titles that the page's title part can read (those in
    # the circle), found in the same scan of the sample's index. "E-Health" within 50 km
    # of a city at 1,000,000 documents: 4,807 matches of the denser sample were read, each
    # from its row, to find the 47 in the circle.
    cells = _cells(params, backend)
    cells_sql, cells_params = ([cells[0]], cells[1]) if cells is not None else ([], [])
    if backend.MATCH_READS_DOCUMENTS:

        def counted(weight: int, gate: str = "TRUE") -> tuple[str, list]:
            """The sample's matches that pass the filters, the circle and the dates, and
            those of them with a query word in the title that pass the filters, wherever
            they are, or in the circle's cells where the text index holds them (the page
            reads the titles in the circle: see all_titles)."""
            match_sql, match_params = backend.match_sql(
                parsed,
                any_term=any_term,
                ranked=False,
                columns=columns,
                where=" AND ".join([sampled(weight), *kinds, *cells_sql]),
            )
            return (
                f"SELECT COUNT(*) FILTER (WHERE place AND {passing}) AS matches, "
                f"COUNT(*) FILTER (WHERE title AND {passing}) AS titles "
                f"FROM ({match_sql}) b WHERE {gate}",
                [
                    *passing_params,
                    *passing_params,
                    *columns_params,
                    *match_params,
                    *scope,
                    *cells_params,
                ],
            )

        # The sparse sample first; the denser one is read only when the sparse one does
        # not decide (its gate refers to nothing of its own rows: PostgreSQL tests it once,
        # first). At most SPARSE_SAYS_FEW of the sparse sample's matches pass: not broad.
        sparse_sql, sparse_params = counted(SPARSE_SAMPLE)
        dense_sql, dense_params = counted(
            BROAD_SAMPLE,
            gate=f"s.matches > {SPARSE_SAYS_FEW} AND s.matches * {SPARSE_SAMPLE} <= {SPARSE_LIMIT}",
        )
        probe_sql = (
            f"SELECT s.matches, s.titles, t.matches, t.titles FROM ({sparse_sql}) s, "
            f"LATERAL ({dense_sql}) t"
        )
        probe_params = [*sparse_params, *dense_params]
    else:
        # FTS5 lists the ids of every match in any case: one pass over those of the denser
        # sample, the sparse one within it, each one's filters tested once.
        match_sql, match_params = backend.match_sql(parsed, any_term=any_term, ranked=False)
        probe_sql = (
            "WITH s AS MATERIALIZED (SELECT title, place, "
            f"{sampled(SPARSE_SAMPLE, 'b.id')} AS sparse, {passing} AS passing FROM ("
            f"SELECT d.id AS id{columns} FROM ({match_sql}) fts "
            "JOIN search_searchdocument d ON d.id = fts.id "
            f"WHERE {' AND '.join([sampled(BROAD_SAMPLE, 'fts.id'), *kinds])}) b) "
            "SELECT COUNT(*) FILTER (WHERE sparse AND place AND passing), "
            "COUNT(*) FILTER (WHERE sparse AND title AND passing), "
            "COUNT(*) FILTER (WHERE place AND passing), "
            "COUNT(*) FILTER (WHERE title AND passing) FROM s"
        )
        probe_params = [*passing_params, *columns_params, *match_params, *scope]
    sparse, sparse_titles, dense, dense_titles = _fetch(probe_sql, probe_params, backend)[0]
    if sparse * SPARSE_SAMPLE > SPARSE_LIMIT:
        weight, titles, read = SPARSE_SAMPLE, sparse_titles, sparse
    elif dense * BROAD_SAMPLE > BROAD_LIMIT:
        weight, titles, read = BROAD_SAMPLE, dense_titles, dense
    else:
        return None
    if params.offset + params.page_size > read:
        # The page lies beyond the sample's matches, the candidates it is picked from (about
        # 63 at BROAD_LIMIT): it needs every match, or it would be empty.
        return None
    all_titles = selective and titles * weight <= TITLE_LIMIT
    # (SQLite reads the titles from FTS5's name columns)
    intersected = (
        all_titles
        and backend.MATCH_READS_DOCUMENTS
        and backend.estimated_rows(
            f"SELECT 1 FROM search_searchdocument d WHERE {title_sql}", title_params
        )
        > TITLES_INTERSECTED * read * weight
    )
    return Broad(
        weight, title_sql, title_params, all_titles=all_titles, titles_intersected=intersected
    )


def _ranked_page(
    parsed: analysis.ParsedQuery,
    params: SearchParams,
    backend: SearchBackend,
    filter_sql: str,
    filter_params: list,
    *,
    any_term: bool,
    flags: tuple[str, list, int] | None = None,
    broad: Broad | None = None,
) -> tuple[str, list]:
    """The WITH clause of the page of a search with words and its total (CTE top): the
    matches (unranked) pass the filters (f); the first RANK_LIMIT of them in the order of
    the sort, with the number of query words in the title standing in for the score, are
    ranked by the engine (c, r); words in the order typed double a score. When no more
    documents match than that, every match is ranked, exactly as the engine ranks them.

    flags (the flag columns of _counts_in_one_pass, their parameters and how many):
    every match is tested once for each filter, into a CTE named tested that the facet
    counts read too, and f is the matches whose flags are all true (a filter's documents
    are collected once, not once for the page and again for the counts)."""
    with_sql, with_params, _narrowed = _candidates_sql(
        parsed,
        params,
        backend,
        any_term=any_term,
        # b is materialized where it is a join (SQLite): f below copies it only when a
        # filter narrows it, and reads it in place otherwise
        materialized=not backend.MATCH_READS_DOCUMENTS,
        ranked=False,
        title_hits=True,
        broad=broad,
        facet_keys=backend.FACETS_IN_ROW and (flags is not None or bool(filter_sql)),
    )
    limit = [max(RANK_LIMIT, params.offset + params.page_size)]
    candidate_order = _ordering(params.sort, parsed).replace("{t}.score", "{t}.hit")
    candidates = f"ORDER BY {candidate_order.format(t='f')} LIMIT %s"
    ordering = _ordering(params.sort, parsed)
    rank_params: list = []
    phrase_params: list = []
    if params.sort == "name":  # sorted by name, the score plays no part
        ctes = ""
        scored = "SELECT c.id, c.exact, c.date_start, c.sort_key, 0.0 AS score FROM c"
    else:
        # The engine scores the candidates; each is then found by id in the documents'
        # index or tested with IN (SQLite would scan a joined CTE once per candidate).
        rank_sql, rank_params = backend.rank_sql(parsed, any_term=any_term, among="c")
        ctes = f", ranked AS MATERIALIZED ({rank_sql})"
        score = "ranked.score"
        if parsed.sequence:
            phrase_sql, phrase_params = backend.phrase_sql(parsed.sequence, among="c")
            ctes += f", ordered AS MATERIALIZED ({phrase_sql})"
            score += " * (CASE WHEN ranked.id IN (SELECT id FROM ordered) THEN 2 ELSE 1 END)"
        scored = (
            "SELECT ranked.id, CASE WHEN ranked.id IN (SELECT id FROM c WHERE c.exact = 1) "
            "THEN 1 ELSE 0 END AS exact, d.date_start, d.sort_key, "
            f"{score} AS score FROM ranked JOIN search_searchdocument d ON d.id = ranked.id "
            # candidates the text does not match (exact names) score nothing
            "UNION ALL SELECT c.id, c.exact, c.date_start, c.sort_key, 0.0 FROM c "
            "WHERE c.id NOT IN (SELECT id FROM ranked)"
        )
    in_row = flags is not None and backend.FACETS_IN_ROW
    names = [
        "id", "exact", "date_start", "sort_key", "hit",
        *(["weight"] if broad is not None else []), *(["facet_keys"] if in_row else []),
    ]  # fmt: skip
    source = "b"
    if flags is not None:
        flags_sql, filter_params, count = flags
        filter_sql = " AND ".join(f"k{index}" for index in range(count))
    # Without filters, tested and f only repeat the matches, which are materialized already
    # (PostgreSQL's m, SQLite's b): they are read in place rather than copied again, about
    # a tenth of a broad search on PostgreSQL (interleaved runs at 100,000 documents). With
    # filters they stay materialized: each filter is tested once, not once per reader.
    copied = "MATERIALIZED" if filter_sql else "NOT MATERIALIZED"
    if flags is not None:
        selected = ", ".join(f"b.{name}" for name in names)
        with_sql += f", tested AS {copied} (SELECT {selected}{flags_sql} FROM b)"
        source = "tested"
    sql = (
        f"{with_sql}, f AS {copied} (SELECT {', '.join(names)} FROM {source} "
        f"{'WHERE ' + filter_sql if filter_sql else ''}), "
        f"c AS MATERIALIZED (SELECT f.id, f.exact, f.date_start, f.sort_key FROM f "
        f"{candidates}){ctes}, "
        f"r (id, exact, date_start, sort_key, score) AS ({scored}), "
        "top AS (SELECT r.id, r.score, r.exact, r.date_start, r.sort_key, "
        f"(SELECT COUNT(*) FROM f) AS total FROM r ORDER BY {ordering.format(t='r')} "
        "LIMIT %s OFFSET %s)"
    )
    sql_params = [*with_params, *filter_params, *limit, *rank_params, *phrase_params]
    return sql, [*sql_params, params.page_size, params.offset]


def _ranked_page_with_counts(
    parsed: analysis.ParsedQuery,
    params: SearchParams,
    backend: SearchBackend,
    filters: dict[str, list[str]],
    *,
    any_term: bool,
    broad: Broad | None = None,
) -> Found:
    """The page, the total and the facet counts of a search with words in one statement,
    so the text is matched once for all three. The facets are counted over every match
    when there are at most EXACT_FACET_LIMIT, else over the uniform sample of about
    FACET_SAMPLE of them that the statement picks from the total. broad (a broad search):
    the total and the counts are estimated from the matches in the index's sample (see
    BROAD_LIMIT)."""
    # A broad search's matches are few by construction (its sample's, titles and names):
    # each one's facets are looked up (on SQLite; PostgreSQL reads them from the rows it
    # matched, b's facet_keys, in any case). The planner cannot tell; it estimates the
    # sample's matches as if the sample were the whole index (51,115 where 310 were, at
    # 1,000,000 documents) and hashed every document of the filter's value instead
    # (country=DE: 504,157, 255 ms).
    flags_sql, flag_params, counted_sql, counted_params = _counts_in_one_pass(
        params, backend, filters, fenced=broad is not None
    )
    sql, sql_params = _ranked_page(
        parsed,
        params,
        backend,
        "",
        [],
        any_term=any_term,
        flags=(flags_sql, flag_params, len(filters)),
        broad=broad,
    )
    ordering = _ordering(params.sort, parsed).format(t="top")
    hit_columns = HIT_COLUMNS.removeprefix("SELECT ").removesuffix(", top.total")
    if broad is None:
        # The matches that fail one filter count for that filter's own facet only (its other
        # values): "materials" in Bavaria, 324 of 10,546 matches, counted the other states
        # of 10,222. Those are a sample of their own when there are more than
        # EXACT_FACET_LIMIT (others), as the matches passing every filter are (total).
        keys = [f"tested.k{index}" for index in range(len(filters))]
        passes = " AND ".join(keys) or "TRUE"
        fails_one = (
            "(" + " + ".join(f"(CASE WHEN {key} THEN 0 ELSE 1 END)" for key in keys) + ") = 1"
            if keys
            else "FALSE"
        )
        # the samples' tests in integers: hash < FACET_SAMPLE / total * HASH_RANGE
        hashed = f"(tested.id * {HASH_MULTIPLIER}) %% {HASH_RANGE}"
        sample_sql = (
            ", n AS MATERIALIZED (SELECT (SELECT COUNT(*) FROM f) AS total, "
            f"(SELECT COUNT(*) FROM tested WHERE {fails_one}) AS others), "
            "flagged AS MATERIALIZED (SELECT tested.* FROM tested, n "
            f"WHERE CASE WHEN {passes} THEN n.total <= %s "
            f"OR {hashed} * n.total < {FACET_SAMPLE * HASH_RANGE} "
            f"WHEN {fails_one} THEN n.others <= %s "
            f"OR {hashed} * n.others < {FACET_SAMPLE * HASH_RANGE} ELSE FALSE END), "
        )
        sample_params = [EXACT_FACET_LIMIT, EXACT_FACET_LIMIT]
    else:
        # Each match of the sample stands for broad.weight; a match outside it that was read
        # (a title, a name) is one at least. The facets are counted over the sample's
        # matches, or over about FACET_SAMPLE of them when it holds more: the same hash
        # under a lower threshold, a uniform sample of the sample.
        sample_sql = (
            ", n AS MATERIALIZED (SELECT CASE WHEN COALESCE(SUM(weight), 0) > COUNT(*) "
            "THEN SUM(weight) ELSE COUNT(*) END AS total, 0 AS others FROM f), "
            "flagged AS MATERIALIZED (SELECT tested.* FROM tested, n "
            f"WHERE tested.weight = {broad.weight} "
            f"AND (tested.id * {HASH_MULTIPLIER}) %% {HASH_RANGE} * n.total "
            f"< {FACET_SAMPLE * HASH_RANGE}), "
        )
        sample_params = []
    sql += (
        f"{sample_sql}counted (kind, name, value, count, others) AS ({counted_sql}) "
        f"SELECT 0, ROW_NUMBER() OVER (ORDER BY {ordering}), {hit_columns}, "
        "NULL, NULL, NULL, NULL, NULL FROM top JOIN search_searchdocument d ON d.id = top.id "
        f"UNION ALL SELECT 1, 0, {', '.join(['NULL'] * 12)}, kind, name, value, count, others "
        f"FROM counted UNION ALL SELECT 2, 0, {', '.join(['NULL'] * 15)}, total, others FROM n"
    )
    fetched = _fetch(sql, [*sql_params, *sample_params, *counted_params], backend)
    total, others = next(row[-2:] for row in fetched if row[0] == 2)
    if broad is not None:
        estimated = True
        share = min(1 / broad.weight, FACET_SAMPLE / total) if total else 1.0
        total = _estimate(total, 1.0) if total else 0
        others_estimated, others_share = True, share
    else:
        estimated = total > EXACT_FACET_LIMIT
        share = FACET_SAMPLE / total if estimated else 1.0
        others_estimated = others > EXACT_FACET_LIMIT
        others_share = FACET_SAMPLE / others if others_estimated else 1.0
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    rows = (row for row in fetched if row[0] == 1)
    for _part, _position, *_hit, kind, name, value, count, other in rows:
        if kind == "one" and name in counts:
            scaled = count / share + other / others_share
            rounded = (estimated and count) or (others_estimated and other)
            counts[name][value] = _estimate(scaled, 1.0) if rounded else int(scaled)
    page = sorted((row for row in fetched if row[0] == 0), key=lambda row: row[1])
    hits = [tuple(row[2:14]) for row in page]
    return Found(
        hits, total, counts, (estimated or others_estimated) and bool(total), broad is not None
    )


def _estimate(sampled: int, share: float) -> int:
    """A count from a sample scaled to the whole set, to two significant digits (it is
    shown as "about …")."""
    value = sampled / share
    if value < 10:
        return max(1, round(value))
    digits = len(str(int(value))) - 2
    return int(round(value, -digits))


def _counts_in_one_pass(
    params: SearchParams,
    backend: SearchBackend,
    filters: dict[str, list[str]],
    *,
    fenced: bool = False,
) -> tuple[str, list, str, list]:
    """Total and facet counts over the few documents words matched, in one pass over their
    facets: each document is flagged for each active filter, and a facet's value counts
    where the document passes every filter but that facet's own. Returns the flag columns
    (named k0, k1, …, selected from b with the documents' ids; the page's f is the
    documents with every flag true) and the counting SELECT over the flagged documents (a
    CTE named flagged: kind, name, value, how many of them that pass every filter have the
    value and how many others), each with its parameters. fenced: each document's facets are
    looked up, never hashed (see _facet_clause). On PostgreSQL (FACETS_IN_ROW) the flags
    and the counts read b's facet_keys instead: no look-up at all."""
    flags, flag_params = [], []
    for index, (name, values) in enumerate(filters.items()):
        flag_sql, flag_sql_params = _facet_clause(
            name,
            values,
            backend,
            per_document=True,
            fenced=fenced,
            kind_column=backend.MATCH_READS_DOCUMENTS,
            in_row=backend.FACETS_IN_ROW,
        )
        flags.append(f"{flag_sql} AS k{index}")
        flag_params += flag_sql_params
    keys = [f"k{index}" for index in range(len(filters))]

    def passes(skip: int | None = None) -> str:
        kept = [key for index, key in enumerate(keys) if index != skip]
        return "(" + " AND ".join(kept) + ")" if kept else "TRUE"

    sql = "SELECT '', '', '', COUNT(*), 0 FROM flagged"
    sql += f" WHERE {passes()}" if keys else ""
    count_params: list = []
    if params.with_facets:
        facets = backend.facets_of("flagged")
        condition = passes()
        if keys:
            # (a document passing every filter counts for each of its values, whatever the
            # facet: tested first, its facets' names are not looked at)
            cases = " ".join(
                f"WHEN {facets.named} THEN {passes(skip=index)}" for index in range(len(keys))
            )
            condition = f"({passes()} OR CASE {cases} ELSE FALSE END)"
            count_params += [facets.name_param.format(name=name) for name in filters]
        if len(keys) > 1:
            # A document that fails two filters counts for no facet (not even for one of
            # theirs): its facets are not read. Of 5,380 matches of "energie" with a state
            # and a kind chosen, three in four are skipped.
            failed = " + ".join(f"(CASE WHEN {key} THEN 0 ELSE 1 END)" for key in keys)
            condition = f"{failed} <= 1 AND {condition}"
        sql += (
            f" UNION ALL SELECT 'one', {facets.name}, {facets.value}, "
            f"COUNT(*) FILTER (WHERE {passes()}), COUNT(*) FILTER (WHERE NOT {passes()}) "
            f"FROM flagged {facets.join} WHERE {condition} GROUP BY {facets.grouped}"
        )
    return "".join(", " + flag for flag in flags), flag_params, sql, count_params


def _counts_over_filtered_documents(
    params: SearchParams,
    backend: SearchBackend,
    filters: dict[str, list[str]],
    where,
    whole_index: set[str],
    own_where,
) -> tuple[str, list]:
    """Facet counts without words (the page brought the total): the filters pick the
    documents first (by value), then one pass per facet that needs counts under other
    filters (own_where(name): the clause of the filters but name's). Facets in whole_index
    have their counts already."""
    filter_sql, filter_params = where()
    parts, count_params = [], []
    if params.with_facets:
        facets = backend.facets_of("b")
        counted = [name for name in FACETS if name not in whole_index]
        parts.append(
            f"SELECT 'all', {facets.name}, {facets.value}, COUNT(*) FROM b {facets.join} "
            f"WHERE {facets.name} IN ({', '.join(['%s'] * len(counted))}) "
            f"{'AND ' + filter_sql if filter_sql else ''} GROUP BY {facets.grouped}"
        )
        count_params += [*counted, *filter_params]
        for name in filters:
            if name in whole_index:
                continue
            other_sql, other_params = own_where(name)
            parts.append(
                f"SELECT 'own', {facets.name}, {facets.value}, COUNT(*) FROM b {facets.join} "
                f"WHERE {facets.named} {'AND ' + other_sql if other_sql else ''} "
                f"GROUP BY {facets.grouped}"
            )
            count_params += [facets.name_param.format(name=name), *other_params]
    return " UNION ALL ".join(parts), count_params


def _kept_counts() -> Kept:
    """The kept facet counts of the index, by kind of document."""
    kept: Kept = {}
    for kind, name, value, count in SearchFacetCount.objects.filter(count__gt=0).values_list(
        "kind", "name", "value", "count"
    ):
        kept.setdefault(kind, {}).setdefault(name, {})[value] = count
    return kept


def _kept_within(kept: Kept, kinds: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """The kept counts of the documents of the given kinds (of every kind without kinds):
    facet → value → documents."""
    summed: dict[str, dict[str, int]] = {}
    for kind, facets in kept.items():
        if kinds is not None and kind not in kinds:
            continue
        for name, values in facets.items():
            into = summed.setdefault(name, {})
            for value, count in values.items():
                into[value] = into.get(value, 0) + count
    return summed


def _kept_total(filters: dict[str, list[str]], kept: Kept) -> int | None:
    """How many documents pass the filters, when the kept counts tell it exactly: no filter
    but the type, or one more facet with one value (a document has a value at most once)
    or with values of a facet that has one value per document."""
    within = _kept_within(kept, filters.get("type"))
    others = [name for name in filters if name != "type"]
    if not others:
        return sum(within.get("type", {}).values())
    name = others[0]
    if len(others) == 1 and (len(filters[name]) == 1 or name in SINGLE_VALUED_FACETS):
        return sum(within.get(name, {}).get(value, 0) for value in filters[name])
    return None


def _driving_filter(filters: dict[str, list[str]], kept: Kept) -> str | None:
    """The filter (other than the type) that the fewest documents pass, by the kept counts."""
    within = _kept_within(kept, filters.get("type"))
    passing = {
        name: sum(within.get(name, {}).get(value, 0) for value in values)
        for name, values in filters.items()
        if name != "type"
    }
    return min(passing, key=passing.__getitem__) if passing else None


def _place_or_dates(params: SearchParams) -> bool:
    """Whether a circle or dates narrow the search."""
    has_centre = params.latitude is not None and params.longitude is not None
    return bool(params.date_from or params.date_to or (has_centre and params.radius_km))


def search(
    params: SearchParams, *, hint: bool = True, max_page_size: int = MAX_PAGE_SIZE
) -> SearchResults:
    """Search the public index. Every word must match (in any of its forms, a typo
    candidate, or as a prefix while typing); when no document has them all, documents with
    any of them are shown instead (`relaxed`). An exact name or short-name match comes
    first; then relevance, date and name."""
    backend = get_backend()
    parsed = analysis.parse_query(params.q)
    page_size = max(1, min(params.page_size, max_page_size))
    if page_size != params.page_size:
        params = SearchParams(**{**params.__dict__, "page_size": page_size})
    filters = {
        name: list(dict.fromkeys(values))
        for name, values in params.filters.items()
        if name in FACETS and values
    }
    if parsed.terms:
        expand_typos(parsed, backend)
    narrowed = not parsed.empty or _place_or_dates(params)
    if not narrowed or any(name in filters for name in SINGLE_VALUED_FACETS):
        kept = _kept_counts()
    else:
        kept = None
    effective = _without_filters_covering_everything(filters, kept) if kept else filters
    found = _run(parsed, params, backend, effective, any_term=False, kept=kept)
    relaxed = False
    if not found.total and len(parsed.terms) + len(parsed.phrases) > 1:
        any_found = _run(parsed, params, backend, effective, any_term=True, kept=kept)
        if any_found.total:
            found = any_found
            relaxed = True
    rows, total, counts, estimated = found.rows, found.total, found.counts, found.estimated
    suggestion = ""
    if hint and not total and parsed.terms:
        suggestion = did_you_mean(parsed, backend)
    highlighter = None if parsed.empty else current_analyzer().highlighter(parsed)
    hits = [_hit(row, highlighter) for row in rows]
    facets = _facet_values(counts, filters) if params.with_facets else {name: [] for name in FACETS}
    return SearchResults(
        params=params,
        hits=hits,
        total=total,
        facets=facets,
        did_you_mean=suggestion,
        relaxed=relaxed,
        facets_estimated=estimated and params.with_facets,
        total_estimated=found.total_estimated,
    )


# Facets with exactly one value per document: selected values whose kept counts add up to
# every document select everything (the directory's type=organisation).
SINGLE_VALUED_FACETS = ("type", "kind")


def _without_filters_covering_everything(
    filters: dict[str, list[str]], kept: Kept
) -> dict[str, list[str]]:
    """The filters less those that every document passes, which would only cost a pass
    over the whole index."""
    within = _kept_within(kept)
    everything = sum(within.get("type", {}).values())
    covering = {
        name
        for name in SINGLE_VALUED_FACETS
        if name in filters
        and sum(within.get(name, {}).get(value, 0) for value in filters[name]) == everything
    }
    return {name: values for name, values in filters.items() if name not in covering}


def _hit(row: tuple, highlighter: analysis.Highlighter | None) -> Hit:
    """A hit of a page; its snippet highlighted by the search's highlighter (None: a
    search without words)."""
    (_id, kind, object_id, slug, title, short_name, body, keywords, lat, lon, date, score) = row
    snippet = ""
    if highlighter is not None:
        snippet = highlighter.highlight(body) or _matched_keywords(keywords, highlighter)
    if not snippet:
        snippet = escape(body[:220] + ("…" if len(body) > 220 else ""))
    return Hit(
        kind=kind,
        object_id=object_id,
        slug=slug,
        title=title,
        short_name=short_name,
        url=detail_url(kind, slug),
        snippet=mark_safe(snippet),  # escaped by analysis.highlight / escape
        score=round(float(score or 0), 6),
        latitude=lat,
        longitude=lon,
        date_start=date,
    )


# How many matched keywords a hit shows when its text does not match.
MAX_SNIPPET_KEYWORDS = 4


def _matched_keywords(keywords: str, highlighter: analysis.Highlighter) -> str:
    """The keywords that matched, highlighted ("Luftfahrt · aviation"), rather than a
    window into the whole list of labels, synonyms and places."""
    parts = highlighter.highlight_parts(keywords, separator=";", most=MAX_SNIPPET_KEYWORDS)
    return " · ".join(parts)


# --- facets -----------------------------------------------------------------------------

SIZE_LABELS = {
    "1-49": lambda: _("fewer than 50 members"),
    "50-249": lambda: _("50 to 249 members"),
    "250-999": lambda: _("250 to 999 members"),
    "1000-plus": lambda: _("1,000 members or more"),
}


# The reference tables whose rows name facet values: facet → (model, key column).
REFERENCE_LABELS = {
    "country": (Country, "code"),
    "state": (State, "code"),
    "field": (Field, "slug"),
    "programme": (Programme, "slug"),
}


def _reference_labels() -> dict[tuple[str, str], str]:
    """The name in the active language of every country, state, field and programme, by
    facet and value: one statement, kept per state of the data (core.cache.remember; the
    admin of these tables marks the data changed), rather than two per search."""
    parts = [
        f"SELECT %s, {key}, name_de, name_en FROM {model._meta.db_table}"
        for model, key in REFERENCE_LABELS.values()
    ]
    german = current_language() == "de"
    return {
        (name, value): (name_de or name_en) if german else (name_en or name_de)
        for name, value, name_de, name_en in _fetch(
            " UNION ALL ".join(parts), list(REFERENCE_LABELS)
        )
    }


def facet_labels(values: Mapping[str, Sequence[str]]) -> dict[tuple[str, str], str]:
    """Labels in the active language for facet values; a value with no label is absent."""
    labels: dict[tuple[str, str], str] = {}
    for value in values.get("type", []):
        source = sources.source_of(value)
        if source is not None:
            labels["type", value] = str(source.label())
    kinds = dict(Organisation.Kind.choices)
    for value in values.get("kind", []):
        if value in kinds:
            labels["kind", value] = str(kinds[value])
    for value in values.get("size", []):
        if value in SIZE_LABELS:
            labels["size", value] = SIZE_LABELS[value]()
    languages = dict(settings.LANGUAGES)
    for value in values.get("language", []):
        if value in languages:
            labels["language", value] = str(languages[value])
    rounds = {value: value.partition(":") for value in values.get("round", [])}
    names = remember("facet-labels", _reference_labels)
    for name in ("country", "state", "field", "programme"):
        for value in values.get(name, []):
            if (name, value) in names:
                labels[name, value] = names[name, value]
    for value, (slug, _sep, year) in rounds.items():
        if ("programme", slug) in names and year.isdigit():
            labels["round", value] = f"{names['programme', slug]} {year}"
    return labels


def _facet_values(
    counts: dict[str, dict[str, int]], filters: Mapping[str, Sequence[str]]
) -> dict[str, list[FacetValue]]:
    for name, values in filters.items():
        for value in values:
            counts[name].setdefault(value, 0)
    labels = facet_labels({name: list(found) for name, found in counts.items()})
    facets = {}
    for name in FACETS:
        selected = set(filters.get(name, []))
        items = [
            FacetValue(value, labels.get((name, value), value), count, value in selected)
            for value, count in counts[name].items()
        ]
        items.sort(key=lambda item: (-item.count, _folded_label(item.label), item.value))
        facets[name] = items
    return facets


# Facet labels are a small, fixed set (countries, states, fields, programmes, kinds, sizes,
# in two languages): their folded forms, the sort keys, are kept.
_folded_label = functools.lru_cache(maxsize=10_000)(analysis.fold)


def known_facet_values(values: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The given facet values that exist in the registry's reference data; the rest are
    unknown (forms ignore them)."""
    labels = facet_labels(values)
    return {
        name: [value for value in found if (name, value) in labels]
        for name, found in values.items()
    }


# --- suggestions ------------------------------------------------------------------------


def suggest(prefix: str, *, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Names of public documents and taxonomy terms for what is being typed: fields (at
    most three) first, then names that start with the text, then names with a word that
    does."""
    limit = max(1, min(limit, MAX_SUGGESTIONS))
    folded = " ".join(analysis.words(prefix[: analysis.MAX_QUERY_LENGTH]))
    if len(folded.replace(" ", "")) < 2:
        return []
    suggestions = _field_suggestions(folded)[: min(3, limit)]
    parsed = analysis.parse_query(folded)
    if parsed.empty:
        return suggestions
    backend = get_backend()
    match_sql, match_params = backend.match_sql(parsed, any_term=False, names_only=True)
    rows = _fetch(
        f"SELECT d.kind, d.slug, d.title, CASE WHEN d.sort_key LIKE %s THEN 1 ELSE 0 END "
        f"AS starts FROM ({match_sql} LIMIT %s) fts "
        "JOIN search_searchdocument d ON d.id = fts.id "
        "ORDER BY starts DESC, fts.score DESC, d.sort_key LIMIT %s",
        [_like_prefix(folded), *match_params, SUGGESTION_CANDIDATES, limit - len(suggestions)],
        backend,
    )
    suggestions += [
        Suggestion(kind, title, slug, detail_url(kind, slug)) for kind, slug, title, _s in rows
    ]
    return suggestions


def _like_prefix(text: str) -> str:
    return text.replace("\\", "").replace("%", "").replace("_", "") + "%"


def _field_suggestions(folded: str) -> list[Suggestion]:
    matches = []
    for taxonomy_field in Field.objects.all():
        labels = [
            taxonomy_field.name_de,
            taxonomy_field.name_en,
            *taxonomy_field.synonyms.split(";"),
        ]
        folded_labels = [" ".join(analysis.words(label)) for label in labels]
        starts = any(label.startswith(folded) for label in folded_labels)
        in_word = any(f" {folded}" in f" {label}" for label in folded_labels)
        if starts or in_word:
            matches.append((0 if starts else 1, taxonomy_field.position, taxonomy_field))
    matches.sort(key=lambda item: item[:2])
    return [Suggestion("field", f.name, f.slug, "") for _rank, _position, f in matches]
