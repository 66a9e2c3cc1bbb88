"""The full-text engines behind one interface, picked by database vendor.

Both backends get a `ParsedQuery` whose terms are folded words of letters and digits only
(search.analysis), build their engine's query from those words — each one quoted — and
return SQL selecting `(id, score)` of the matching documents, higher scores better. The
rest of a search (filters, facets, sorting, paging) is plain SQL shared by both
(search.queries).
"""

import contextlib
import dataclasses
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cache

from django.db import connection

from clusterscape.core.routers import read_connection

from . import analysis
from .models import SearchDocument, SearchTerm, SearchTermKey, facet_key_array

SAFE_TERM_RE = re.compile(r"[a-z0-9]+")
TERM_CHUNK = 500
# The ways a backend has the next chunk of documents analysed while it writes one
# (SearchBackend.ANALYSE_AHEAD).
THREAD = "thread"
BESIDE_SERVER = "beside server"


def fetch(model: type, sql: str, params: list, settings: dict[str, str]) -> list[tuple]:
    """Run a read of model's table where the router sends reads (a replica for public
    pages), with planner settings made in the same round trip: SET LOCAL holds for the
    statements sent together, which run as one transaction, and is undone after them for
    a caller's transaction that goes on."""
    before = "".join(f"SET LOCAL {name} = {value}; " for name, value in settings.items())
    after = "".join(f"; SET LOCAL {name} TO DEFAULT" for name in settings)
    with read_connection(model).cursor() as cursor:
        cursor.execute(f"{before}{sql}{after}", params)
        for _setting in settings:
            cursor.nextset()
        return cursor.fetchall()


def _safe(terms: Iterable[str]) -> list[str]:
    """Terms as the engines may see them: letters and digits only (a second line of defence
    behind the analyser)."""
    return sorted({term for term in terms if SAFE_TERM_RE.fullmatch(term)})


class SearchBackend:
    """What every backend offers; subclasses fill in the engine-specific parts."""

    vendor = ""

    def match_sql(
        self,
        query: analysis.ParsedQuery,
        *,
        any_term: bool,
        names_only: bool = False,
        ranked: bool = True,
    ) -> tuple[str, list]:
        """SQL selecting (id, score) of documents matching every term and phrase of the
        query (or any of them, with any_term); in titles and short names only with
        names_only; score 0 unless ranked (counting needs no ranks)."""
        raise NotImplementedError

    def text_condition(self, query: analysis.ParsedQuery, *, any_term: bool) -> tuple[str, list]:
        """A condition over a document row d: its text matches the query (tested on each
        row: for a few documents, those named exactly)."""
        raise NotImplementedError

    def title_condition(self, query: analysis.ParsedQuery) -> tuple[str, list] | None:
        """A condition over a document row d that an index answers: its title holds one of
        the query's words or phrases (a broad search's title candidates); None where the
        engine has no such index (see TITLE_VECTORS) or the query no words."""
        return None

    # Whether title_condition answers through an index of the titles' terms (PostgreSQL,
    # migration search 0020); without, a broad search counts the titles of its sample as
    # parts of the folded title (queries.TITLE_KEY) and reads them through the engine's
    # name columns (SQLite's FTS5).
    TITLE_VECTORS = False

    def phrase_sql(self, words: list[str], *, among: str = "") -> tuple[str, list]:
        """SQL selecting (id) of documents that have the words in this order (only of the
        documents whose ids the CTE named by among holds, if given)."""
        raise NotImplementedError

    def rank_sql(
        self, query: analysis.ParsedQuery, *, any_term: bool, among: str
    ) -> tuple[str, list]:
        """SQL selecting (id, score) of the documents whose ids the CTE named by among
        holds, ranked by the engine for the query (0 where the text does not match)."""
        raise NotImplementedError

    # The facet table as joined from documents when counting (see SQLiteBackend).
    FACETS_BY_DOCUMENT = "search_searchfacet f"
    # Whether the facets of the documents words match are read from their rows
    # (SearchDocument.facet_keys, which b then carries) rather than looked up by document
    # in the facets' table: PostgreSQL reads the matching rows anyway; FTS5 gives ids.
    FACETS_IN_ROW = False
    # Whether the documents of a facet's values are found through a GIN index over the
    # documents' facet keys (PostgreSQL, migration 0022) rather than through the facets'
    # own (name, value, kind, document) index (SQLite).
    FACET_KEYS_INDEXED = False
    # Whether the facets are kept as rows of search_searchfacet too (SQLite, which finds
    # and counts them there), or only as the documents' keys (PostgreSQL: migration 0022).
    FACET_ROWS = True

    def facets_of(self, source: str) -> "FacetsJoined":
        """How the facets of the documents in source (a CTE) are joined to them."""
        if self.FACETS_IN_ROW:
            return FacetsJoined(
                join=(
                    f"CROSS JOIN LATERAL unnest({facet_key_array(f'{source}.facet_keys')}) AS f(k)"
                ),
                name="split_part(f.k, '=', 1)",
                value="substr(f.k, strpos(f.k, '=') + 1)",
                grouped="f.k",
                # no text is cut out of each key to test its facet's name
                named="starts_with(f.k, %s)",
                name_param="{name}=",
            )
        return FacetsJoined(
            join=f"JOIN {self.FACETS_BY_DOCUMENT} ON f.document_id = {source}.id",
            name="f.name",
            value="f.value",
            grouped="f.name, f.value",
            named="f.name = %s",
            name_param="{name}",
        )

    # Whether match_sql reads the documents' rows (alias d), so the columns and filters a
    # search needs can be read in the same pass (columns=, where=) rather than by id later.
    MATCH_READS_DOCUMENTS = False
    # Whether broad searches read a sample of their matches (search.queries.BROAD_LIMIT):
    # PostgreSQL through text indexes of its samples and an index of the titles' terms
    # (migration search 0020), SQLite by the hashed ids FTS5 gives before any match is
    # joined to its row.
    BROAD_SEARCHES = False
    # How the documents of the next chunk are analysed while a chunk is written
    # (search.services._analysed_chunks): in a thread (THREAD), or in the calling thread
    # once the rows are sent, while the server stores them (BESIDE_SERVER).
    ANALYSE_AHEAD = BESIDE_SERVER
    # Settings for the statements that match text, made for the one transaction they run
    # in (see queries._fetch).
    FULL_TEXT_SETTINGS: dict[str, str] = {}

    def typo_candidates(self, budgets: dict[str, int]) -> dict[str, set[str]]:
        """Whole words of the vocabulary that may lie within each word's budget of edits
        (word → budget); the caller checks the distance."""
        raise NotImplementedError

    # The longest prefixes the engine matches itself (SQLite: its prefix indexes); a longer
    # word being typed is matched by the vocabulary's terms that begin with it (see
    # vocabulary). None: the engine matches every prefix itself.
    PREFIX_INDEX_LENGTH: int | None = None
    # More terms than this beginning with a word: the engine matches its prefix.
    MAX_COMPLETIONS = 50

    def vocabulary(
        self, terms: set[str], prefixes: set[str]
    ) -> tuple[set[str], dict[str, tuple[str, ...]]]:
        """Those of the terms the vocabulary holds, and for each prefix longer than
        PREFIX_INDEX_LENGTH the vocabulary's terms that begin with it, when there are at
        most MAX_COMPLETIONS. The vocabulary holds every term of the index (services:
        store_documents), so those terms match what the prefix matches."""
        longest = self.PREFIX_INDEX_LENGTH
        longer = sorted(p for p in prefixes if longest is not None and len(p) > longest)
        if not longer:
            return self.known_terms(terms), {}
        # one statement: the terms, then at most MAX_COMPLETIONS + 1 terms of each prefix
        parts, params = [], []
        if terms:
            parts.append(
                f"SELECT term, NULL FROM search_searchterm "
                f"WHERE term IN ({', '.join(['%s'] * len(terms))})"
            )
            params += sorted(terms)
        for prefix in longer:
            begins_sql, begins_params = self.begins_with(prefix)
            parts.append(
                "SELECT * FROM (SELECT term, %s FROM search_searchterm "
                f"WHERE {begins_sql} LIMIT {self.MAX_COMPLETIONS + 1}) begun"
            )
            params += [prefix, *begins_params]
        rows = fetch(SearchTerm, " UNION ALL ".join(parts), params, {})
        known = {term for term, prefix in rows if prefix is None}
        begun: dict[str, list[str]] = {prefix: [] for prefix in longer}
        for term, prefix in rows:
            if prefix is not None:
                begun[prefix].append(term)
        completions = {
            prefix: tuple(sorted(found))
            for prefix, found in begun.items()
            if len(found) <= self.MAX_COMPLETIONS
        }
        return known, completions

    def begins_with(self, prefix: str) -> tuple[str, list]:
        """A condition over search_searchterm: the term begins with prefix, in a form the
        term's unique index answers (SQLite compares text by its bytes)."""
        return "term >= %s AND term < %s", [prefix, prefix + chr(0x10FFFF)]

    def known_terms(self, terms: set[str]) -> set[str]:
        """Those of the terms the vocabulary holds."""
        if not terms:
            return set()
        return set(SearchTerm.objects.filter(term__in=sorted(terms)).values_list("term", flat=True))

    def add_terms(self, terms: dict[str, bool]) -> None:
        """Add terms (term → is a whole word) to the vocabulary."""
        existing: dict[str, bool] = {}
        names = list(terms)
        with connection.cursor() as cursor:
            for start in range(0, len(names), TERM_CHUNK):
                chunk = names[start : start + TERM_CHUNK]
                cursor.execute(
                    "SELECT term, surface FROM search_searchterm WHERE term IN ("
                    + ", ".join(["%s"] * len(chunk))
                    + ")",
                    chunk,
                )
                existing.update((term, bool(surface)) for term, surface in cursor.fetchall())
            new = {term: surface for term, surface in terms.items() if term not in existing}
            upgraded = [t for t, surface in terms.items() if surface and existing.get(t) is False]
            self.insert_ignoring_duplicates(
                "search_searchterm", ("term", "surface"), list(new.items())
            )
            for start in range(0, len(upgraded), TERM_CHUNK):
                chunk = upgraded[start : start + TERM_CHUNK]
                cursor.execute(
                    "UPDATE search_searchterm SET surface = %s WHERE term IN ("
                    + ", ".join(["%s"] * len(chunk))
                    + ")",
                    [True, *chunk],
                )
        self.after_new_words([t for t, surface in new.items() if surface] + upgraded)

    def insert_ignoring_duplicates(
        self, table: str, columns: tuple[str, ...], rows: list[tuple]
    ) -> None:
        """Insert many rows at once, skipping rows a unique constraint already holds (plain
        SQL: the ORM's bulk_create costs more than the insert itself here)."""
        if not rows:
            return
        placeholders = ", ".join(["%s"] * len(columns))
        sql = self.INSERT_IGNORING.format(
            table=table, columns=", ".join(columns), values=placeholders
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    INSERT_IGNORING = "INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING"

    def new_ids(self, table: str, count: int) -> list[int]:
        raise NotImplementedError

    @contextlib.contextmanager
    def writing_many(self) -> Iterator[None]:
        """Around a write of many documents: settings of the connection that make it
        faster, given back afterwards."""
        yield

    # Columns of search_searchdocument that stored_row adds to a row of DOCUMENT_COLUMNS.
    STORED_COLUMNS: tuple[str, ...] = ()

    def stored_row(self, columns: tuple[str, ...], row: list) -> list:
        """A row of search_searchdocument (values in the order of columns, their
        pre-analysed text in the term columns) as this engine stores it: its values for
        the columns, then those of STORED_COLUMNS."""
        return row

    def write_documents(
        self,
        columns: tuple[str, ...],
        rows: Iterable[list],
        *,
        meanwhile: Callable[[], object] | None = None,
    ) -> None:
        """Insert rows of search_searchdocument: values for the columns (the id, then those
        of a row stored_row made), then for STORED_COLUMNS. meanwhile: as for write_rows."""
        self.write_rows(
            "search_searchdocument", (*columns, *self.STORED_COLUMNS), rows, meanwhile=meanwhile
        )

    def write_rows(
        self,
        table: str,
        columns: tuple[str, ...],
        rows: Iterable,
        *,
        meanwhile: Callable[[], object] | None = None,
    ) -> None:
        """Insert rows (values in the order of columns), taken as they come. meanwhile:
        work for the calling thread once every row is sent, done while the engine stores
        them where it can (a server), after the insert otherwise."""
        raise NotImplementedError

    def after_new_words(self, words: list[str]) -> None:
        """Hook for backends that keep their own structure over the whole words."""

    def clear_terms(self) -> None:
        SearchTermKey.objects.all().delete()
        SearchTerm.objects.all().delete()

    def box_condition(
        self, latitudes: tuple[float, float], longitudes: tuple[float, float]
    ) -> tuple[str, list]:
        """A condition over a document row d: its point lies in the box (bounds included),
        in a form the engine's index of the coordinates answers."""
        return "d.latitude BETWEEN %s AND %s AND d.longitude BETWEEN %s AND %s", [
            *latitudes,
            *longitudes,
        ]

    def cells_condition(
        self, latitudes: tuple[float, float], longitudes: tuple[float, float]
    ) -> tuple[str, list] | None:
        """A condition over a document row d that the text index answers beside a search's
        words: the document lies in one of the geo cells (geo_cell) the box touches. Given,
        it narrows the documents about as much as the box (which is then tested on each
        document the text index finds); it never replaces the box and the circle. None
        where the engine has no cells (SQLite), or the box is lower than a cell or touches
        more than MAX_GEO_CELLS."""
        return None

    # Statements that bring the planner's view of the index up to date after it was made
    # again (services.rebuild_index): its statistics, which choose the indexes a search
    # reads (PostgreSQL's sample index is only chosen over a table it knows is large).
    SETTLE_STATEMENTS: tuple[str, ...] = ()

    def estimated_rows(self, sql: str, params: list) -> float:
        """How many rows the planner expects a statement to return (it is not run)."""
        raise NotImplementedError

    def settle(self) -> None:
        with connection.cursor() as cursor:
            for statement in self.SETTLE_STATEMENTS:
                cursor.execute(statement)


class SQLiteBackend(SearchBackend):
    """FTS5 with bm25 ranking; typo candidates from deletion keys (SymSpell)."""

    vendor = "sqlite"
    # After ANALYZE, SQLite's planner may skip-scan the (name, value, document) index once
    # per document when counting facets; the (document, name, value) index is the one: the
    # table's key (migration search 0019), which SQLite names after the table.
    FACETS_BY_DOCUMENT = "search_searchfacet f INDEXED BY sqlite_autoindex_search_searchfacet_1"
    # FTS5's segments merged into one (fewer to read per term), then the statistics:
    # measured at 100,000 documents, facet counts 11.5 → 9.1 ms p50, a circle 13.8 → 11.0.
    SETTLE_STATEMENTS = (
        "INSERT INTO search_fts(search_fts) VALUES ('optimize')",
        "ANALYZE search_searchdocument",
        "ANALYZE search_searchfacet",
    )
    # bm25 weights of the FTS5 columns: title, short name, keywords, body, phrase stream.
    WEIGHTS = (10.0, 10.0, 3.0, 1.0, 0.5)
    TERM_COLUMNS = "{title_terms short_terms keyword_terms body_terms}"
    NAME_COLUMNS = "{title_terms short_terms}"
    BROAD_SEARCHES = True
    # FTS5 answers a longer prefix by reading every term that begins with it and merging
    # their lists, for each statement that matches the text (three in a broad search): the
    # terms listed are read as they are, 2-3 times faster ("biotech"* at 100,000 documents:
    # 5.7 ms; its five terms 2.6). FTS5 keeps a prefix index of two letters (migration
    # search 0023; of three and four letters too until then, which cost indexing a third
    # of FTS5's time).
    PREFIX_INDEX_LENGTH = 2

    def _group(self, term: analysis.Term, columns: str) -> str:
        alternatives = [f'"{form}"' for form in _safe(term.typed_forms())]
        if term.engine_prefix and SAFE_TERM_RE.fullmatch(term.word):
            alternatives.append(f'"{term.word}"*')
        return f"{columns} : ({' OR '.join(alternatives)})"

    def match_expression(
        self,
        query: analysis.ParsedQuery,
        *,
        any_term: bool,
        names_only: bool = False,
        titled: bool = False,
    ) -> str:
        columns = self.NAME_COLUMNS if names_only else self.TERM_COLUMNS
        clauses = [self._group(term, columns) for term in query.terms if term.match_forms()]
        for phrase in query.phrases:
            safe = [word for word in phrase if SAFE_TERM_RE.fullmatch(word)]
            clauses.append(f'phrase_terms : "{" ".join(safe)}"')
        expression = (" OR " if any_term else " AND ").join(f"({clause})" for clause in clauses)
        if titled:
            # and one of the words (in any of its forms) in the title or the short name
            named = [
                self._group(term, self.NAME_COLUMNS) for term in query.terms if term.match_forms()
            ]
            if named:
                expression = f"({expression}) AND ({' OR '.join(f'({n})' for n in named)})"
        return expression

    def match_sql(
        self,
        query: analysis.ParsedQuery,
        *,
        any_term: bool,
        names_only: bool = False,
        ranked: bool = True,
        titled: bool = False,
    ) -> tuple[str, list]:
        """As SearchBackend.match_sql; titled: only the matches with one of the query's
        words in the title or the short name (a broad search's title candidates)."""
        weights = ", ".join(str(weight) for weight in self.WEIGHTS)
        score = f"-bm25(search_fts, {weights})" if ranked else "0.0"
        sql = f"SELECT rowid AS id, {score} AS score FROM search_fts WHERE search_fts MATCH %s"
        expression = self.match_expression(
            query, any_term=any_term, names_only=names_only, titled=titled
        )
        return sql, [expression]

    def text_condition(self, query: analysis.ParsedQuery, *, any_term: bool) -> tuple[str, list]:
        # FTS5 finds the row by its rowid and tests the query on it alone.
        return (
            "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s AND rowid = d.id)",
            [self.match_expression(query, any_term=any_term)],
        )

    def phrase_sql(self, words: list[str], *, among: str = "") -> tuple[str, list]:
        safe = " ".join(word for word in words if SAFE_TERM_RE.fullmatch(word))
        # "+rowid": tested on each match; a plain rowid would make FTS5 run the whole query
        # once per listed id.
        within = f" AND +rowid IN (SELECT id FROM {among})" if among else ""
        return f"SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s{within}", [
            f'phrase_terms : "{safe}"'
        ]

    def rank_sql(
        self, query: analysis.ParsedQuery, *, any_term: bool, among: str
    ) -> tuple[str, list]:
        # bm25 is computed only for the rows that pass the rowid test, not for every match
        # ("+rowid" as in phrase_sql).
        weights = ", ".join(str(weight) for weight in self.WEIGHTS)
        sql = (
            f"SELECT rowid AS id, -bm25(search_fts, {weights}) AS score FROM search_fts "
            f"WHERE search_fts MATCH %s AND +rowid IN (SELECT id FROM {among})"
        )
        return sql, [self.match_expression(query, any_term=any_term)]

    def new_ids(self, table: str, count: int) -> list[int]:
        """The next ids of an AUTOINCREMENT table: the transaction holds SQLite's write lock
        (it has written already or writes now), so no one else takes them."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), "
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
            last = cursor.fetchone()[0]
        return list(range(last + 1, last + 1 + count))

    # SQLite's page cache while many documents are written, in KiB (2 MB by default). Each
    # insert into the documents' and facets' B-trees and FTS5's segments touches pages the
    # default cache has let go of: with 64 MB, indexing 30,000 and 100,000 documents took
    # 11-20 % less time (measured on 2026-12-06, runs alternating with the default). Only
    # for the write: the cache of a connection that serves pages stays small.
    WRITE_CACHE_KIB = 65_536

    @contextlib.contextmanager
    def writing_many(self) -> Iterator[None]:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (before,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = -{self.WRITE_CACHE_KIB}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(before)}")

    # SQLite writes in the calling thread and lets go of the interpreter while it does, so
    # a thread can analyse the next chunk meanwhile: 13-24 % less time at 30,000 documents
    # and 13-17 % at 100,000 (measured on 2026-12-06 in alternating runs), for a little
    # more CPU time in all.
    ANALYSE_AHEAD = THREAD

    # Rows per INSERT statement, at most (and as many as 32,766 variables allow). FTS5
    # flushes its pending terms at every statement that fires the insert trigger, so one
    # statement per row would write a segment per row; a chunk's documents (500) are one.
    # Each statement gives the interpreter back to the analysis thread and waits to take it
    # again: a chunk's 5,400 facet rows took 1.5-1.7 s in statements of 500 for 30,000
    # documents, 1.0-1.2 s in statements of 5,000 (2026-12-07). In statements of 8,191 it
    # took 1.3-1.7 s again: a chunk's rows are then one statement of a new length each
    # time, prepared anew.
    ROWS_PER_STATEMENT = 5_000

    def write_rows(
        self,
        table: str,
        columns: tuple[str, ...],
        rows: Iterable,
        *,
        meanwhile: Callable[[], object] | None = None,
    ) -> None:
        """Multi-row INSERTs (at most 32,766 variables each); meanwhile runs after them.

        Sent through the driver's connection: Django's cursor rewrites each statement's
        placeholders with a regular expression over its whole text (20-30 KB for 500
        documents): 0.24 s of the 7 s that indexing 30,000 documents took (2026-12-07)."""
        rows = list(rows)
        per_statement = min(self.ROWS_PER_STATEMENT, 32_766 // len(columns))
        row_sql = "(" + ", ".join(["?"] * len(columns)) + ")"
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        full = insert + ", ".join([row_sql] * per_statement)
        with connection.cursor(), connection.wrap_database_errors:
            driver = connection.connection
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                driver.execute(
                    full
                    if len(chunk) == per_statement
                    else insert + ", ".join([row_sql] * len(chunk)),
                    list(itertools.chain.from_iterable(chunk)),
                )
        if meanwhile is not None:
            meanwhile()

    def typo_candidates(self, budgets: dict[str, int]) -> dict[str, set[str]]:
        words = list(budgets)
        keys_by_word = {word: analysis.deletion_keys(word, budgets[word]) for word in words}
        all_keys = sorted(set().union(*keys_by_word.values())) if keys_by_word else []
        found: dict[str, set[str]] = {word: set() for word in words}
        if not all_keys:
            return found
        rows = SearchTermKey.objects.filter(key__in=all_keys).values_list("key", "term")
        terms_by_key: dict[str, set[str]] = {}
        for key, term in rows:
            terms_by_key.setdefault(key, set()).add(term)
        for word, keys in keys_by_word.items():
            for key in keys:
                found[word] |= terms_by_key.get(key, set())
        return found

    def after_new_words(self, words: list[str]) -> None:
        self.insert_ignoring_duplicates(
            "search_searchtermkey",
            ("key", "term"),
            [
                (key, word)
                for word in words
                if len(word) >= 4
                for key in sorted(analysis.deletion_keys(word))
            ],
        )


class PostgresBackend(SearchBackend):
    """tsvector ('simple' over pre-analysed text) with ts_rank_cd; typo candidates from
    pg_trgm similarity over the vocabulary."""

    vendor = "postgresql"
    MATCH_READS_DOCUMENTS = True
    FACETS_IN_ROW = True
    FACET_KEYS_INDEXED = True
    FACET_ROWS = False
    BROAD_SEARCHES = True
    TITLE_VECTORS = True
    SETTLE_STATEMENTS = ("ANALYZE search_searchdocument",)

    def estimated_rows(self, sql: str, params: list) -> float:
        # (where the searches read: a replica, if there is one)
        ((plan,),) = fetch(SearchDocument, f"EXPLAIN (FORMAT JSON) {sql}", params, {})
        return float(plan[0]["Plan"]["Plan Rows"])

    def box_condition(
        self, latitudes: tuple[float, float], longitudes: tuple[float, float]
    ) -> tuple[str, list]:
        # The points' GiST index (migration search 0015) answers both ranges at once; the
        # B-tree over (latitude, longitude) reads the whole band of latitudes.
        return "point(d.longitude, d.latitude) <@ box(point(%s, %s), point(%s, %s))", [
            longitudes[0],
            latitudes[0],
            longitudes[1],
            latitudes[1],
        ]

    def cells_condition(
        self, latitudes: tuple[float, float], longitudes: tuple[float, float]
    ) -> tuple[str, list] | None:
        """The cells in the text's vector (migration search 0021): the index finds a word's
        matches in the cells by stepping through the word's list of documents to those of
        the cells, where intersecting it with the box's documents builds the bitmap of
        every match first. "E-Health" within 50 km of a city at 1,000,000 synthetic
        documents: the text index's part 2.3-4.5 ms for the 870 matches in 9 cells, against
        15.5 ms for the bitmap of all 76,919 (2026-12-07)."""
        if (latitudes[1] - latitudes[0]) * GEO_CELLS_PER_DEGREE < 1:
            # a box lower than a cell: its cells hold many times its documents, and the
            # points' index narrows to them better
            return None
        rows = _cell_numbers(*latitudes)
        columns = _cell_numbers(*longitudes)
        if len(rows) * len(columns) > MAX_GEO_CELLS:
            return None
        cells = " | ".join(f"'{_cell(row, column)}'" for row in rows for column in columns)
        return "d.search_vector @@ %s::tsquery", [cells]

    # The planner estimates a word's alternatives (its forms, a prefix) as independent and
    # then prefers reading every document to the GIN index: that evaluates each one's
    # tsvector, 10-50 times slower than the index, whose matches need no recheck.
    # Statements that match text never scan the documents whole. Their bitmaps get 32 MB
    # (the server's default is 4): a bitmap over more pages than its memory holds turns
    # lossy, and every row of each lossy page is tested again. At 1,000,000 documents a
    # word within 50 km of a city of the Ruhr intersects 181,760 documents in the box with
    # 38,901 matches: 12,402 lossy pages, 160 ms; 60-85 ms with the bitmap exact.
    FULL_TEXT_SETTINGS = {"enable_seqscan": "off", "work_mem": "'32MB'"}
    # ts_rank_cd weights for D, C, B, A: phrase stream, body, keywords, title and short name.
    WEIGHTS = "{0.05, 0.1, 0.3, 1.0}"
    CANDIDATE_LIMIT = 50

    # GIN matches a prefix by collecting every match of each term that begins with it in a
    # bitmap first, then reading that: at 1,000,000 documents 'werkstoffe':* (83,773
    # matches, one term) took 15 ms more than the term itself. So a word being typed is
    # matched by the vocabulary's terms that begin with it, as on SQLite, from its third
    # letter; the engine matches shorter prefixes and those of more than MAX_COMPLETIONS.
    PREFIX_INDEX_LENGTH = 2

    def begins_with(self, prefix: str) -> tuple[str, list]:
        """Through the term's pattern index: the database's collation may not order text by
        its bytes. A prefix is letters and digits (analysis.WORD_RE): no wildcard of LIKE."""
        return "term LIKE %s", [f"{prefix}%"]

    def _group(self, term: analysis.Term, weights: str, *, ranking: bool = False) -> str:
        suffix = f":{weights}" if weights else ""
        # Ranking, the word being typed is its prefix again, not its completions: the same
        # terms of the documents match either way and the scores are the same, but
        # ts_rank_cd's time grows with the query's items ("wasserstoff" has 25 completions
        # among 20,000 organisations: 13 ms for 300 candidates against 3).
        prefix = bool(SAFE_TERM_RE.fullmatch(term.word)) and (
            term.engine_prefix or (ranking and term.prefix)
        )
        forms = term.match_forms() if prefix else term.typed_forms()
        alternatives = [f"'{form}'{suffix}" for form in _safe(forms)]
        if prefix:
            alternatives.append(f"'{term.word}':*{weights}")
        return " | ".join(alternatives)

    def tsquery(
        self,
        query: analysis.ParsedQuery,
        *,
        any_term: bool,
        names_only: bool = False,
        ranking: bool = False,
    ) -> str:
        # Plain terms match in any column: a weight restriction would make GIN recheck
        # (and detoast) every matching row. Names only: weight A. ranking: for ts_rank_cd.
        weights = "A" if names_only else ""
        clauses = [
            self._group(term, weights, ranking=ranking)
            for term in query.terms
            if term.match_forms()
        ]
        for phrase in query.phrases:
            safe = [f"'{word}':D" for word in phrase if SAFE_TERM_RE.fullmatch(word)]
            clauses.append(" <-> ".join(safe))
        return (" | " if any_term else " & ").join(f"({clause})" for clause in clauses)

    def match_sql(
        self,
        query: analysis.ParsedQuery,
        *,
        any_term: bool,
        names_only: bool = False,
        ranked: bool = True,
        columns: str = "",
        where: str = "",
        indexed: bool = True,
    ) -> tuple[str, list]:
        """As SearchBackend.match_sql; columns (", d.x AS x", …) are selected too and where
        (over d) must hold as well. Their parameters come before and after the query's.
        Not indexed: the text is tested on each row that `where` finds through an index of
        its own, rather than by intersecting those rows with every match from the text index
        (a broad search's titles: a few hundred against thousands of matches)."""
        score = (
            f"ts_rank_cd('{self.WEIGHTS}'::float4[], d.search_vector, q, 0)"
            if ranked
            else "CAST(0 AS real)"
        )
        match = "d.search_vector @@ q" if indexed else "(d.search_vector @@ q) IS TRUE"
        match_params = []
        if names_only:
            # The names' terms are the title vector's (migration search 0020): matched
            # there, no match of a word is read and tested for its weight in the text's
            # vector ("maschinenbau" in the text of 24,000 of 1,000,000 documents, in the
            # names of none: 177 ms). The score is the names' in the text's vector.
            match = "d.title_vector @@ to_tsquery('simple', %s)"
            match_params = [self.tsquery(query, any_term=any_term)]
        sql = (
            f"SELECT d.id AS id, {score} AS score{columns} "
            "FROM search_searchdocument d, to_tsquery('simple', %s) q "
            f"WHERE {match}{' AND ' + where if where else ''}"
        )
        return sql, [self.tsquery(query, any_term=any_term, names_only=names_only), *match_params]

    def text_condition(self, query: analysis.ParsedQuery, *, any_term: bool) -> tuple[str, list]:
        """A condition over a document row d: its text matches the query."""
        return "d.search_vector @@ to_tsquery('simple', %s)", [
            self.tsquery(query, any_term=any_term)
        ]

    def title_condition(self, query: analysis.ParsedQuery) -> tuple[str, list] | None:
        """A condition over a document row d: its title or short name holds one of the
        query's words in any of its forms (a term of its title vector: migration search
        0020), or its title holds one of its phrases (each of the phrase's pairs of
        neighbouring words: title_pair); None without words. The query is the text form of
        a tsquery, not a text for to_tsquery's parser, which would split the pairs."""
        clauses = [self._group(term, "") for term in query.terms if term.match_forms()]
        for phrase in query.phrases:
            safe = [word for word in phrase if SAFE_TERM_RE.fullmatch(word)]
            pairs = [f"'{title_pair(*pair)}'" for pair in itertools.pairwise(safe)]
            if pairs:
                clauses.append(" & ".join(pairs))
        if not clauses:
            return None
        return "d.title_vector @@ %s::tsquery", [" | ".join(f"({clause})" for clause in clauses)]

    def new_ids(self, table: str, count: int) -> list[int]:
        # The sequence is looked up once: in the select list, each of a chunk's 500 ids
        # looked it up in the catalogue again (3.0 ms for 500, 0.5 with it looked up once;
        # 2026-12-07).
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS "
                "seq) SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def write_rows(
        self,
        table: str,
        columns: tuple[str, ...],
        rows: Iterable,
        *,
        meanwhile: Callable[[], object] | None = None,
    ) -> None:
        """COPY: one stream for every row. The server stores rows as they come, so
        meanwhile runs beside it: after the last row is sent, before its end is awaited."""
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
            if meanwhile is not None:
                meanwhile()

    STORED_COLUMNS = ("search_vector", "title_vector")

    def stored_row(self, columns: tuple[str, ...], row: list) -> list:
        """The tsvectors are made here, not by the server: to_tsvector's parser was the
        largest part of the server's time per document (migration 0011). The pre-analysed
        text lives only in the vectors, so the term columns are stored empty."""
        at = _vector_parts(columns)
        vector = tsvector_literal([(row[index], weight) for index, weight in at])
        latitude, longitude = (row[index] for index in _place_parts(columns))
        if on_the_globe(latitude, longitude):
            # without positions: no phrase or rank reads it
            vector = f"{vector} '{geo_cell(latitude, longitude)}'"
        title, short, sort_key = _title_parts(columns)
        titles = title_vector_literal(row[title], row[short], row[sort_key])
        for index, _weight in at:
            row[index] = ""
        row.append(vector)
        row.append(titles)
        return row

    def phrase_sql(self, words: list[str], *, among: str = "") -> tuple[str, list]:
        safe = " <-> ".join(f"'{word}':D" for word in words if SAFE_TERM_RE.fullmatch(word))
        if among:
            # Tested on each of the candidates, never by reading every document with the
            # phrase from the text index and joining: the planner under-estimates a
            # phrase's matches (168 where 1,297 had "agri food" in 100,000 documents, each
            # found one rechecked on its row: 18 ms for the 80 of 246 candidates).
            return (
                f"SELECT d.id AS id FROM {among} JOIN search_searchdocument d "
                f"ON d.id = {among}.id WHERE (d.search_vector @@ to_tsquery('simple', %s)) IS TRUE",
                [safe],
            )
        return (
            "SELECT d.id AS id FROM search_searchdocument d "
            "WHERE d.search_vector @@ to_tsquery('simple', %s)",
            [safe],
        )

    def rank_sql(
        self, query: analysis.ParsedQuery, *, any_term: bool, among: str
    ) -> tuple[str, list]:
        # ts_rank_cd reads (and detoasts) each document's vector: only the candidates'.
        sql = (
            f"SELECT d.id AS id, ts_rank_cd('{self.WEIGHTS}'::float4[], d.search_vector, q, 0) "
            f"AS score FROM {among} JOIN search_searchdocument d ON d.id = {among}.id, "
            "to_tsquery('simple', %s) q"
        )
        return sql, [self.tsquery(query, any_term=any_term, ranking=True)]

    # The trigram index answers "=" too, and the planner takes it for look-ups of whole
    # terms, at any size of the list: a word of common trigrams then reads their long
    # posting lists ("photonik" and "sachsen" among the shipped data's 8,300 terms: 10 ms
    # where the unique B-tree index takes 0.1). GIN is read only by bitmap scans, so
    # without them the B-tree answers.
    TERM_SETTINGS = {"enable_bitmapscan": "off"}

    def known_terms(self, terms: set[str]) -> set[str]:
        if not terms:
            return set()
        sql = "SELECT term FROM search_searchterm WHERE term = ANY(%s)"
        rows = fetch(SearchTerm, sql, [sorted(terms)], self.TERM_SETTINGS)
        return {term for (term,) in rows}

    def add_terms(self, terms: dict[str, bool]) -> None:
        """One upsert of every term (a whole word stays one)."""
        if not terms:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_searchterm (term, surface) "
                "SELECT * FROM unnest(%s::varchar[], %s::boolean[]) "
                "ON CONFLICT (term) DO UPDATE SET surface = TRUE "
                "WHERE excluded.surface AND NOT search_searchterm.surface",
                [list(terms), list(terms.values())],
            )

    def typo_candidates(self, budgets: dict[str, int]) -> dict[str, set[str]]:
        """First every string one edit away, looked up exactly (a few hundred keys on the
        B-tree); then, for words allowed two edits and without a one-edit candidate,
        pg_trgm similarity (0.3, its default, which long words pass easily), the most
        similar 50."""
        found: dict[str, set[str]] = {word: set() for word in budgets}
        near = {word: analysis.edits1(word) for word, budget in budgets.items() if budget}
        if near:
            variants = sorted(set().union(*near.values()))
            sql = "SELECT term FROM search_searchterm WHERE surface AND term = ANY(%s)"
            existing = {term for (term,) in fetch(SearchTerm, sql, [variants], self.TERM_SETTINGS)}
            for word, edits in near.items():
                found[word] = edits & existing
        far = [word for word, budget in budgets.items() if budget > 1 and not found[word]]
        with read_connection(SearchTerm).cursor() as cursor:
            if far:
                union = " UNION ALL ".join(
                    "(SELECT %s, term FROM search_searchterm WHERE surface AND term %% %s "
                    "ORDER BY similarity(term, %s) DESC LIMIT %s)"
                    for _ in far
                )
                params = [
                    value for word in far for value in (word, word, word, self.CANDIDATE_LIMIT)
                ]
                cursor.execute(union, params)
                for word, term in cursor.fetchall():
                    found[word].add(term)
        return found


# The term columns in the order the vector joins them, with their weights (D is written
# without a letter); migration 0002 made the same vector in the server.
VECTOR_WEIGHTS = (
    ("title_terms", "A"),
    ("short_terms", "A"),
    ("keyword_terms", "B"),
    ("body_terms", "C"),
    ("phrase_terms", ""),
)
# PostgreSQL's limits on a tsvector (tsearch/ts_type.h, ts_public.h): positions end at
# 16,383 (later words take that one), a lexeme keeps at most 256 of them (255 from one
# to_tsvector), and the parser skips words of 2,047 bytes or more.
MAX_POSITION = 16383
MAX_POSITIONS = 256
MAX_WORD_BYTES = 2047
UNSAFE_TERMS_RE = re.compile(r"[^a-z0-9 ]")


@cache
def _title_parts(columns: tuple[str, ...]) -> tuple[int, int, int]:
    """Where the title's and the short name's terms and the sort key are among the columns."""
    return tuple(columns.index(column) for column in ("title_terms", "short_terms", "sort_key"))


# Geo cells: a document's place as a term of its text's vector (PostgreSQL), each cell
# 1/GEO_CELLS_PER_DEGREE of a degree of latitude by as much of longitude (about 55 by 35 km
# in Germany). A circle of 50 km there touches 6-12 cells. Finer cells cost more lists to
# step through: cells of a quarter degree, tried as terms of the words' query (session 22),
# made the word within 50 km slower at 100,000 documents.
GEO_CELLS_PER_DEGREE = 2
# A box touching more cells (a circle of hundreds of km, or near a pole) is left to the
# points' index alone.
MAX_GEO_CELLS = 100


def geo_cell(latitude: float, longitude: float) -> str:
    """The cell term of a point: "~" (which begins no word, so no word being typed matches
    it), then the numbers of its row and column. Migration search 0021's SQL makes the
    same (tests/test_backends.py compares them)."""
    return _cell(
        math.floor(latitude * GEO_CELLS_PER_DEGREE), math.floor(longitude * GEO_CELLS_PER_DEGREE)
    )


def on_the_globe(latitude: float | None, longitude: float | None) -> bool:
    """Whether a document's coordinates are a point with a cell (not missing, not NaN, in
    range); migration search 0021 tests the same."""
    if latitude is None or longitude is None:
        return False
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


def _cell(row: int, column: int) -> str:
    return f"~{row}_{column}"


def _cell_numbers(low: float, high: float) -> range:
    """The numbers of the rows (or columns) of cells from low to high degrees."""
    return range(
        math.floor(low * GEO_CELLS_PER_DEGREE), math.floor(high * GEO_CELLS_PER_DEGREE) + 1
    )


def title_pair(first: str, second: str) -> str:
    """Two neighbouring words of a title as its title vector holds them: after a "~", which
    begins no word, so that a word being typed ('cluster':*) is never matched by the pairs
    of the names it begins ("~cluster alpha", one for each of thousands of names)."""
    return f"~{first} {second}"


def title_vector_literal(title_terms: str, short_terms: str, sort_key: str) -> str:
    """The text form of a document's title vector (migration search 0020): the terms of its
    title and short name (the lexemes of weight A of its text's vector) and each two
    neighbouring words of its title (the words of the sort key, the folded title:
    title_pair), without positions. A term the parser would skip (MAX_WORD_BYTES) is left
    out, as from the text's vector."""
    words = analysis.WORD_RE.findall(sort_key)
    lexemes = {
        *title_terms.split(),
        *short_terms.split(),
        *(title_pair(first, second) for first, second in itertools.pairwise(words)),
    }
    return " ".join(f"'{lexeme}'" for lexeme in sorted(lexemes) if len(lexeme) < MAX_WORD_BYTES)


@cache
def _place_parts(columns: tuple[str, ...]) -> tuple[int, int]:
    return columns.index("latitude"), columns.index("longitude")


@cache
def _vector_parts(columns: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """Where the term columns of VECTOR_WEIGHTS are among the columns, with their weights."""
    return tuple((columns.index(column), weight) for column, weight in VECTOR_WEIGHTS)


def tsvector_literal(parts: Iterable[tuple[str, str]]) -> str:
    """The text form of `setweight(to_tsvector('simple', terms), weight) || …` over the
    parts (pre-analysed terms, weight letter), exactly as PostgreSQL makes it: each part's
    words numbered from 1, each later part's numbers shifted by the highest number so far.
    The terms are words of letters and digits (search.analysis), each one token to the
    parser; anything else is refused, as its vector would differ from the server's."""
    parts = list(parts)
    for terms, _weight in parts:
        if UNSAFE_TERMS_RE.search(terms):
            raise ValueError(f"not a pre-analysed text (letters, digits, spaces): {terms[:80]!r}")
    parts = [(terms.split(), weight) for terms, weight in parts]
    total = sum(len(words) for words, _weight in parts)
    if total <= MAX_POSITION:
        # Nothing reaches a limit (checked below): the words are simply numbered on, each
        # word's positions written as they come (most words have one).
        positions: dict[str, str] = {}
        written = positions.get
        first = 1
        for words, weight in parts:
            numbers = _numbered(weight, first, first + len(words))
            for word, number in zip(words, numbers, strict=True):
                before = written(word)
                positions[word] = number if before is None else f"{before},{number}"
            first += len(words)
        # (no word of a text of fewer than MAX_POSITIONS words has as many positions)
        within = (
            total < MAX_POSITIONS
            or max(
                Counter(itertools.chain.from_iterable(words for words, _weight in parts)).values()
            )
            < MAX_POSITIONS
        )
        if within and max(map(len, positions), default=0) < MAX_WORD_BYTES:
            return " ".join([f"'{word}':{numbers}" for word, numbers in positions.items()])
    return _tsvector_literal_at_limits(parts)


# "1A", "2A", … for each weight: most documents' positions are written from these.
_NUMBERED = {
    weight: [f"{number}{weight}" for number in range(4096)] for weight in ("A", "B", "C", "")
}


def _numbered(weight: str, start: int, stop: int) -> list[str]:
    """The positions start … stop - 1 with the weight, as the text form writes them."""
    if stop <= len(_NUMBERED[weight]):
        return _NUMBERED[weight][start:stop]
    return [f"{number}{weight}" for number in range(start, stop)]


def _tsvector_literal_at_limits(parts: list[tuple[list[str], str]]) -> str:
    """tsvector_literal for texts that reach one of PostgreSQL's limits: to_tsvector
    (ts_parse.c, uniqueWORD) and tsvector_concat (tsvector_op.c, add_pos) followed step
    by step."""
    vector: dict[str, list[tuple[int, str]]] = {}
    for words, weight in parts:
        # to_tsvector of this part
        part: dict[str, list[int]] = {}
        number = 0
        for word in words:
            if len(word.encode()) >= MAX_WORD_BYTES:
                continue
            number += 1
            position = min(number, MAX_POSITION)
            numbers = part.setdefault(word, [])
            if not numbers or (
                len(numbers) < MAX_POSITIONS - 1
                and numbers[-1] != MAX_POSITION
                and numbers[-1] != position
            ):
                numbers.append(position)
        # || : the part's positions shifted by the highest position so far
        shift = max((p for numbers in vector.values() for p, _w in numbers), default=0)
        for word, numbers in part.items():
            merged = vector.setdefault(word, [])
            for position in numbers:
                if len(merged) >= MAX_POSITIONS or (merged and merged[-1][0] == MAX_POSITION):
                    break
                merged.append((min(position + shift, MAX_POSITION), weight))
    return " ".join(
        f"'{word}':{','.join(f'{p}{w}' for p, w in numbers)}" for word, numbers in vector.items()
    )


@dataclasses.dataclass(frozen=True)
class FacetsJoined:
    """The facets of documents, joined to them (SearchBackend.facets_of): the join, the SQL
    of a facet's name and of its value, what to group by to count each value, and a test
    that a facet is the one named (named, with the parameter name_param.format(name=…))."""

    join: str
    name: str
    value: str
    grouped: str
    named: str
    name_param: str


BACKENDS = {backend.vendor: backend for backend in (SQLiteBackend, PostgresBackend)}


def get_backend() -> SearchBackend:
    """The backend for the default database's vendor."""
    try:
        return BACKENDS[connection.vendor]()
    except KeyError:
        raise NotImplementedError(f"search has no backend for {connection.vendor}") from None
