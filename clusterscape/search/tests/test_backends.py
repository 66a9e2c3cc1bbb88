import json
import math
from importlib import import_module

import pytest
from django.db import connection

from clusterscape.search import analysis, queries, services
from clusterscape.search.backends import (
    VECTOR_WEIGHTS,
    PostgresBackend,
    SQLiteBackend,
    geo_cell,
    get_backend,
    title_vector_literal,
    tsvector_literal,
)
from clusterscape.search.models import SearchDocument, SearchTermKey
from clusterscape.search.queries import SearchParams, search

from .factories import indexed_organisation, news
from .migrating import migrated_from
from .plans import plans_of


def parsed(text: str) -> analysis.ParsedQuery:
    return analysis.parse_query(text)


@pytest.mark.unit
def test_sqlite_match_expression_quotes_every_form_and_restricts_columns():
    expression = SQLiteBackend().match_expression(
        parsed('Kliniken "Forst und Holz" Sax'), any_term=False
    )

    assert expression == (
        '({title_terms short_terms keyword_terms body_terms} : ("klinik" OR "kliniken")) AND '
        '({title_terms short_terms keyword_terms body_terms} : ("sax" OR "sax"*)) AND '
        '(phrase_terms : "forst und holz")'
    )


@pytest.mark.unit
def test_sqlite_match_expression_of_names_only_and_any_term():
    expression = SQLiteBackend().match_expression(
        parsed("Cool Silicon "), any_term=True, names_only=True
    )

    assert expression == (
        '({title_terms short_terms} : ("cool")) OR ({title_terms short_terms} : ("silicon"))'
    )


@pytest.mark.unit
def test_sqlite_lists_the_words_that_begin_with_a_long_word_being_typed():
    query = parsed("Biotech")
    query.terms[0].completions = ("biotech", "biotechnologie")

    expression = SQLiteBackend().match_expression(query, any_term=False)

    # FTS5's prefix index is of two letters: "biotech"* would read every term that begins
    # so and merge their lists
    assert expression == (
        '({title_terms short_terms keyword_terms body_terms} : ("biotech" OR "biotechnologie"))'
    )


@pytest.mark.integration
@pytest.mark.django_db
def test_the_vocabulary_completes_prefixes_longer_than_the_engines_own(monkeypatch):
    backend = get_backend()
    backend.add_terms(
        {"biotech": True, "biotechnologie": True, "bio": True, "bioziden": True, "bi": True}
    )

    known, completions = backend.vocabulary({"bio", "biotec"}, {"biotec", "bio", "biozi", "bi"})

    assert known == {"bio"}
    assert completions["biotec"] == ("biotech", "biotechnologie")
    assert completions["biozi"] == ("bioziden",)
    # from the third letter: the engines' own prefix matching answers the first two
    assert completions["bio"] == ("bio", "biotech", "biotechnologie", "bioziden")
    assert "bi" not in completions
    monkeypatch.setattr(backend, "MAX_COMPLETIONS", 1)
    assert backend.vocabulary(set(), {"biotec"}) == (set(), {})


@pytest.mark.unit
def test_postgres_tsquery_matches_a_word_being_typed_by_its_completions():
    """GIN collects every match of a prefix in a bitmap before reading it: the terms that
    begin with the word, when looked up, are matched as they are."""
    query = parsed("Sax")
    query.terms[0].completions = ("saxon", "saxony")

    assert PostgresBackend().tsquery(query, any_term=False) == "('sax' | 'saxon' | 'saxony')"
    # ranked, the word is its prefix again: the same terms, one item for ts_rank_cd
    ranked = PostgresBackend().tsquery(query, any_term=False, ranking=True)
    assert ranked == "('sax' | 'sax':*)"
    query.terms[0].completions = None
    assert PostgresBackend().tsquery(query, any_term=False) == "('sax' | 'sax':*)"


@pytest.mark.unit
def test_postgres_tsquery_restricts_only_phrases_to_the_phrase_stream():
    query = PostgresBackend().tsquery(parsed('Kliniken "Forst und Holz" Sax'), any_term=False)

    assert query == (
        "('klinik' | 'kliniken') & ('sax' | 'sax':*) & ('forst':D <-> 'und':D <-> 'holz':D)"
    )


@pytest.mark.unit
@pytest.mark.parametrize(
    "text", ['" OR 1=1 --', "NEAR(a b)", "*:*", "title:x AND body:y", "'; DROP TABLE x; --"]
)
def test_engine_queries_hold_no_syntax_from_the_user(text):
    sqlite = SQLiteBackend().match_expression(parsed(text), any_term=False)
    postgres = PostgresBackend().tsquery(parsed(text), any_term=False)

    quoted_sqlite = sqlite.split('"')[1::2]
    quoted_postgres = postgres.split("'")[1::2]
    assert all(part.replace(" ", "").isalnum() for part in quoted_sqlite)
    assert all(part.isalnum() for part in quoted_postgres)
    assert ";" not in sqlite + postgres
    assert "NEAR(" not in sqlite


@pytest.mark.integration
@pytest.mark.django_db
def test_backend_follows_the_database_vendor():
    assert get_backend().vendor == connection.vendor


@pytest.mark.integration
@pytest.mark.django_db
def test_full_text_structure_of_the_vendor_exists():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'search_fts'")
        else:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'search_searchdocument' AND column_name = 'search_vector'"
            )
        assert cursor.fetchall() == [
            ("search_fts" if connection.vendor == "sqlite" else "search_vector",)
        ]


@pytest.mark.integration
@pytest.mark.django_db
def test_typo_candidates_include_words_within_the_budget():
    indexed_organisation(name="Biotechnologie Rhein-Neckar")

    found = get_backend().typo_candidates({"biotechnolgie": 2, "rhien": 1})

    assert "biotechnologie" in found["biotechnolgie"]
    assert "rhein" in found["rhien"]


@pytest.mark.integration
@pytest.mark.django_db
def test_deletion_keys_are_kept_on_sqlite_only():
    indexed_organisation(name="Biotechnologie")

    assert SearchTermKey.objects.exists() is (connection.vendor == "sqlite")


@pytest.mark.integration
@pytest.mark.django_db
def test_both_backends_rank_title_matches_above_keyword_matches():
    indexed_organisation(slug="in-keywords", name="Rhein Netzwerk", keywords="Photonik")
    indexed_organisation(slug="in-title", name="Photonik Rhein")

    backend = get_backend()
    sql, params = backend.match_sql(parsed("photonik rhein "), any_term=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.slug FROM (" + sql + ") m JOIN search_searchdocument d ON d.id = m.id "  # noqa: S608
            "ORDER BY m.score DESC",
            params,
        )
        ranked = [slug for (slug,) in cursor.fetchall()]

    assert ranked == ["in-title", "in-keywords"]


@pytest.mark.django_db
def test_postgresql_compresses_the_long_values_with_lz4_where_it_can():
    """Indexing spent more on pglz than on anything else; lz4 costs less."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's TOAST compression")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL server was built without lz4")
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'search_searchdocument'::regclass AND attcompression <> ''"
        )
        compressed = dict(cursor.fetchall())
    assert compressed == dict.fromkeys(
        ["body", "keywords", "keyword_terms", "body_terms", "phrase_terms", "search_vector"], "l"
    )


@pytest.mark.unit
def test_tsvector_literal_numbers_words_on_across_columns_with_their_weights():
    literal = tsvector_literal(
        [("cool silicon", "A"), ("", "A"), ("halbleiter", "B"), ("", "C"), ("cool silicon", "")]
    )

    assert literal == "'cool':1A,4 'silicon':2A,5 'halbleiter':3B"


@pytest.mark.unit
@pytest.mark.parametrize("terms", ["o'brien", "a\\b", "ümlaut", "x:1"])
def test_tsvector_literal_refuses_text_the_analyser_would_not_write(terms):
    with pytest.raises(ValueError, match="not a pre-analysed text"):
        tsvector_literal([("ok", "A"), (terms, "C")])


GENERATED_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, %s), 'A') "
    "|| setweight(to_tsvector('simple'::regconfig, %s), 'A') "
    "|| setweight(to_tsvector('simple'::regconfig, %s), 'B') "
    "|| setweight(to_tsvector('simple'::regconfig, %s), 'C') "
    "|| setweight(to_tsvector('simple'::regconfig, %s), 'D')"
)


def vector_cases() -> list[tuple[str, list[str]]]:
    """Term columns (title, short name, keywords, body, phrase stream) as the analyser
    writes them, and texts at each of PostgreSQL's limits."""
    analyzer = analysis.Analyzer.from_labels(["Biotechnologie", "Medizintechnik"])

    def analysed(title: str, short_name: str, keywords: str, body: str) -> list[str]:
        document = services.analysed(
            services.IndexedDocument(
                kind="organisation",
                object_id=1,
                slug="x",
                title=title,
                short_name=short_name,
                keywords=keywords,
                body=body,
            ),
            analyzer,
        )
        return [getattr(document, column) for column, _weight in VECTOR_WEIGHTS]

    return [
        (
            "a cluster",
            analysed(
                "Biotechnologie-Cluster Rhein-Neckar",
                "BioRN",
                "Biotechnologie; Medizintechnik; Baden-Württemberg",
                "Das Cluster vernetzt 100 Unternehmen und Kliniken der Region um Heidelberg.",
            ),
        ),
        ("empty columns", ["", "", "", "", ""]),
        ("a name only", ["photonik", "", "", "", "photonik"]),
        (
            "digits and numbered words",
            ["3d 1e5 0x1f 2026 a1b2", "", "", "", "3d 1e5 0x1f 2026 a1b2"],
        ),
        ("a word in every column", ["rhein", "rhein", "rhein", "rhein", "rhein rhein rhein rhein"]),
        ("a word 300 times", ["", "", "", " ".join(["wasser"] * 300), "wasser " * 300]),
        ("a word 200 times in two columns", ["", "", "holz " * 200, "holz " * 200, ""]),
        ("5,000 words", ["", "", "", " ".join(f"w{n % 700}" for n in range(5000)), "w1 w2"]),
        ("17,000 words", ["", "", "", " ".join(f"w{n}" for n in range(17000)), ""]),
        ("20,000 words and one more", ["a" * 5, "", "", " ".join(["x"] * 20000), "b" * 5]),
        ("a word too long to index", ["kurz " + "z" * 2100 + " lang", "", "", "", "kurz lang"]),
    ]


@pytest.mark.integration
@pytest.mark.django_db
def test_postgresql_vectors_made_by_the_app_equal_those_the_server_made():
    """Migration 0011 moved the vector out of the server: every search reads it, so it
    must be what `to_tsvector` made before, position by position and weight by weight."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's tsvector")
    assert [weight for _column, weight in VECTOR_WEIGHTS] == ["A", "A", "B", "C", ""]
    with connection.cursor() as cursor:
        for name, columns in vector_cases():
            literal = tsvector_literal(zip(columns, ["A", "A", "B", "C", ""], strict=True))
            cursor.execute(
                f"SELECT %s::tsvector = {GENERATED_VECTOR}, %s::tsvector::text, "
                f"({GENERATED_VECTOR})::text",
                [literal, *columns, literal, *columns],
            )
            same, ours, servers = cursor.fetchone()
            assert same, (name, ours[:300], servers[:300])


@pytest.mark.integration
@pytest.mark.django_db
def test_postgresql_title_vectors_made_by_the_app_equal_those_the_migration_made():
    """Migration 0020 made the title vectors of the documents indexed before it from their
    text's vectors and sort keys; the app makes those of every document since. A broad
    search finds its title matches through them on both."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's tsvector")
    migration = import_module("clusterscape.search.migrations.0020_title_vector")
    made = migration.title_vector_sql("%s::tsvector", "%s")
    sort_keys = ["biotechnologie-cluster rhein-neckar", "", "photonik", "industrie 4.0 in nrw"]
    with connection.cursor() as cursor:
        for name, columns in vector_cases():
            text_vector = tsvector_literal(zip(columns, ["A", "A", "B", "C", ""], strict=True))
            for sort_key in sort_keys:
                ours = title_vector_literal(columns[0], columns[1], sort_key)
                cursor.execute(
                    f"SELECT %s::tsvector = {made}, %s::tsvector::text, ({made})::text",
                    [ours, text_vector, sort_key, ours, text_vector, sort_key],
                )
                same, app, migrated = cursor.fetchone()
                assert same, (name, sort_key, app[:300], migrated[:300])


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_the_migration_gives_documents_indexed_before_it_their_title_vectors():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's title vectors")
    services.store_documents(
        [
            news(1, title="Days of the Hydrogen Valley", short_name="H2V"),
            news(2, title="Maschinen- und Anlagenbau", body="Maschinenbau in Sachsen."),
        ]
    )
    written = title_vectors()
    with migrated_from("0019_facet_key_of_document_name_value", "0020_title_vector"):
        assert title_vectors() == written
        assert "'~hydrogen valley'" in written["news-1"]
    assert titled('"hydrogen valley"') == {"Days of the Hydrogen Valley"}


def titled(text: str) -> set[str]:
    """The titles of the documents PostgreSQL's title condition finds for a query."""
    condition, condition_params = get_backend().title_condition(parsed(text))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.title FROM search_searchdocument d WHERE {condition}",  # noqa: S608
            condition_params,
        )
        return {title for (title,) in cursor.fetchall()}


# Points on and around the cells' edges (each half a degree), both signs, the poles and
# the antimeridian.
CELL_POINTS = [
    (51.05, 13.74),
    (51.5, 0.0),
    (51.4999999, -0.0000001),
    (-33.92, 18.42),
    (-0.25, -0.5),
    (0.0, 0.0),
    (89.99, 179.99),
    (90.0, 180.0),
    (-90.0, -180.0),
    (47.26, -122.33),
]


@pytest.mark.integration
@pytest.mark.django_db
def test_postgresql_geo_cells_made_by_the_app_equal_those_the_migration_made():
    """Migration 0021 gave the documents indexed before it their cells in SQL; the app
    gives those of every document since. A circle's cells must find both."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's geo cells")
    migration = import_module("clusterscape.search.migrations.0021_geo_cells")
    made = migration.geo_cell_sql("%s::float8", "%s::float8")
    with connection.cursor() as cursor:
        for latitude, longitude in CELL_POINTS:
            cursor.execute(f"SELECT {made}", [latitude, longitude])
            assert cursor.fetchone()[0] == geo_cell(latitude, longitude), (latitude, longitude)
    assert geo_cell(51.05, 13.74) == "~102_27"
    assert geo_cell(-0.25, -0.5) == "~-1_-1"


@pytest.mark.unit
def test_postgresql_asks_for_the_cells_of_boxes_a_cell_high_or_more_and_not_too_many():
    # 50 km around Dresden: 0.9 degrees of latitude, 1.43 of longitude
    condition = PostgresBackend().cells_condition((50.6, 51.5), (13.02, 14.46))
    assert condition is not None
    sql, (cells,) = condition
    assert sql == "d.search_vector @@ %s::tsquery"
    assert cells.split(" | ") == [
        f"'~{row}_{column}'" for row in (101, 102, 103) for column in (26, 27, 28)
    ]
    # 5 km: the points' index narrows better than cells of 55 km
    assert PostgresBackend().cells_condition((51.0, 51.09), (13.67, 13.81)) is None
    # 50 km at 89.5 degrees north: the box spans 90 degrees of longitude
    assert PostgresBackend().cells_condition((89.05, 89.95), (-45.0, 45.0)) is None
    assert SQLiteBackend().cells_condition((50.6, 51.5), (13.02, 14.46)) is None


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_the_migration_gives_documents_indexed_before_it_their_cells():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's geo cells")
    services.store_documents(
        [
            news(1, title="Hydrogen in Dresden", latitude=51.05, longitude=13.74),
            news(2, title="Hydrogen in Cape Town", latitude=-33.92, longitude=18.42),
            news(3, title="Hydrogen anywhere"),
            news(4, title="Hydrogen nowhere", latitude=math.nan, longitude=13.74),
        ]
    )
    written = text_vectors()
    assert "'~102_27'" in written["news-1"]
    assert "'~-68_36'" in written["news-2"]
    assert "~" not in written["news-3"]
    assert "~" not in written["news-4"]
    with migrated_from("0020_title_vector", "0021_geo_cells"):
        assert text_vectors() == written


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_the_fts_table_made_again_finds_what_was_indexed_before_it():
    """Migration 0023 makes SQLite's FTS5 table again with a prefix index of two letters
    and fills it from the documents: words, names and prefixes of every length are found
    as before."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 table")
    services.store_documents(
        [
            news(1, title="Photonik Netzwerk", body="Laser und Optik in Jena."),
            news(2, title="Wasserstoff Cluster", body="Elektrolyse im Norden."),
        ]
    )
    queries_typed = ["Photonik", "Laser", "Ph", "Pho", "Photo", "Wass", "Elektrolys", "Jena"]

    def found() -> list[list[str]]:
        return [[hit.slug for hit in search(SearchParams(q=q)).hits] for q in queries_typed]

    before = found()
    assert before == [["news-1"], ["news-1"], ["news-1"], ["news-1"], ["news-1"], ["news-2"],
                      ["news-2"], ["news-1"]]  # fmt: skip
    with migrated_from(
        "0022_facet_keys_gin_for_postgresql", "0023_fts_prefix_index_of_two_letters"
    ):
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
            assert "prefix='2'" in cursor.fetchone()[0]
        assert found() == before
    with migrated_from(
        "0023_fts_prefix_index_of_two_letters", "0022_facet_keys_gin_for_postgresql"
    ):
        assert found() == before


def text_vectors() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug, search_vector::text FROM search_searchdocument")
        return dict(cursor.fetchall())


def title_vectors() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug, title_vector::text FROM search_searchdocument")
        return dict(cursor.fetchall())


@pytest.mark.integration
@pytest.mark.django_db
def test_postgresql_finds_the_titles_holding_a_word_or_a_phrase_by_their_terms():
    """Not by their letters: "Maschinen- und Anlagenbau" holds every trigram of
    "maschinenbau" but not the word, and "Valley of hydrogen" both words of "hydrogen
    valley" but not the phrase (migration 0020)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's title vectors")
    titles = [
        "Maschinenbau Cluster",
        "Maschinen- und Anlagenbau",
        "Days of the Hydrogen Valley",
        "Valley of hydrogen",
        "Cluster Medizintechnik",
    ]
    services.store_documents(
        news(number, title=title, short_name="MB" if number == 4 else "")
        for number, title in enumerate(titles)
    )

    assert titled("Maschinenbau") == {"Maschinenbau Cluster"}
    # a part of a compound, a stem, the short name, a word being typed
    assert titled("anlagenbau") == {"Maschinen- und Anlagenbau"}
    assert titled("valleys") == {"Days of the Hydrogen Valley", "Valley of hydrogen"}
    assert titled("mb") == {"Cluster Medizintechnik"}
    assert titled("Medizint") == {"Cluster Medizintechnik"}
    assert titled('"hydrogen valley"') == {"Days of the Hydrogen Valley"}
    assert titled('"valley of hydrogen" zebra') == {"Valley of hydrogen"}
    assert get_backend().title_condition(parsed("")) is None


@pytest.mark.integration
@pytest.mark.django_db
def test_postgresql_stores_the_vector_and_not_the_analysed_text():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's tsvector")
    organisation = indexed_organisation(name="Photonik Rhein", keywords="Laser")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title_terms, phrase_terms, search_vector @@ to_tsquery('simple', 'laser'), "
            "search_vector @@ to_tsquery('simple', 'photonik:A <-> rhein:A') "
            "FROM search_searchdocument WHERE kind = 'organisation' AND object_id = %s",
            [organisation.pk],
        )
        assert cursor.fetchone() == ("", "", True, True)


@pytest.mark.django_db
def test_a_sqlite_database_file_is_read_memory_mapped(tmp_path, settings):
    """The portal's SQLite connections map the file (searches over 100,000 documents took
    8-16 % less than with a read call per page missed)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    wrapper = DatabaseWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "mapped.sqlite3"),
            "OPTIONS": settings.SQLITE_OPTIONS,
        }
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA mmap_size")
            assert cursor.fetchone()[0] == 1024**3
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        wrapper.close()


def _page_cache_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_sqlite_writes_documents_with_a_larger_page_cache_and_gives_it_back():
    """Indexing many documents runs with a 64 MB page cache (11-20 % faster); the
    connection, which then serves pages, gets its own setting back, even when the write
    fails."""
    before = _page_cache_size()
    seen = []

    def documents(fail: bool):
        for number in range(3):
            seen.append(_page_cache_size())
            if fail and number == 1:
                raise ValueError("the source broke")
            yield services.IndexedDocument(
                kind="news", object_id=9_000 + number, slug=f"item-{number}", title="Wasserstoff"
            )

    assert services.store_documents(documents(fail=False)) == 3
    assert seen == [-SQLiteBackend.WRITE_CACHE_KIB] * 3
    assert _page_cache_size() == before
    with pytest.raises(ValueError, match="the source broke"):
        services.store_documents(documents(fail=True))
    assert _page_cache_size() == before


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_postgresql_finds_a_facet_values_documents_through_the_gin_index_of_their_keys():
    """The documents of a facet's values are found through the GIN index of the documents'
    facet keys (migration 0022: its expression must be the query's), and the planner knows
    how many have the value (the index's statistics of the keys), rather than multiplying
    the shares of a name and a value: with the wrong count it chose the slower plan for a
    filtered page sorted by name (10 ms instead of 4 at 100,000 documents)."""
    states = ("DE-BY", "DE-BW", "DE-NW", "DE-SN")
    services.store_documents(
        news(
            number,
            facets=[
                ("state", states[number % 4]),
                ("country", "DE"),
                ("field", f"field-{number % 20}"),
                ("language", "de" if number % 2 else "en"),
            ],
        )
        for number in range(1_200)
    )
    sql, sql_params = queries.facet_documents("state", ["DE-BY"], get_backend())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", sql_params)
        plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", sql_params)
        (estimate,) = cursor.fetchone()
        cursor.execute(sql, sql_params)
        found = {document_id for (document_id,) in cursor.fetchall()}
    if isinstance(estimate, str):
        estimate = json.loads(estimate)

    assert "search_doc_facets" in plan, plan
    # a sample of them is read through the GIN index of the sample's keys (its predicate
    # stated as the index's)
    sampled_sql, sampled_params = queries.facet_documents(
        "state", ["DE-BY"], get_backend(), sample=queries.HASH_RANGE // 32
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sampled_sql}", sampled_params)
        sampled_plan = "\n".join(line for (line,) in cursor.fetchall())
        cursor.execute(sampled_sql, sampled_params)
        sampled_ids = {document_id for (document_id,) in cursor.fetchall()}
    assert "search_doc_facets_sample" in sampled_plan, sampled_plan
    assert sampled_ids == {
        pk
        for pk in found
        if pk * queries.HASH_MULTIPLIER % queries.HASH_RANGE < queries.HASH_RANGE // 32
    }
    assert found == set(
        SearchDocument.objects.filter(object_id__in=range(0, 1_200, 4)).values_list("id", flat=True)
    )
    # 300 documents have the state; name and value taken apart would say 1,200 * 5 facets
    # * 1/5 (name) * 1/20 (value) = 60
    assert 240 <= estimate[0]["Plan"]["Plan Rows"] <= 360


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's point index")
def test_postgresql_finds_a_circle_through_the_index_of_points():
    """The box around a circle is answered by the points' GiST index (migration 0015), in
    both coordinates at once, not by the band of latitudes of the B-tree: the condition
    must read as the index's expression does."""
    services.store_documents(
        news(
            number,
            latitude=47.0 + (number % 100) / 10,
            longitude=6.0 + (number // 100) / 5,
        )
        for number in range(5_000)
    )
    box_sql, box_params = get_backend().box_condition((51.0, 51.2), (13.6, 13.9))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchdocument")
        cursor.execute(
            f"EXPLAIN SELECT id FROM search_searchdocument d WHERE {box_sql}",  # noqa: S608
            box_params,
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())

    assert "search_doc_point" in plan, plan


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
def test_postgresql_looks_up_whole_terms_in_the_unique_index():
    """Whole terms are looked up in the B-tree, never in the trigram index, which answers
    "=" too and which the planner chose for any list: a word of common trigrams then read
    their long posting lists (10 ms for two words of the shipped data, 0.3 through the
    B-tree)."""
    backend = get_backend()
    backend.add_terms({f"photonik{number}": True for number in range(3_000)})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_searchterm")

    (plan,) = plans_of(
        lambda: backend.known_terms({"photonik", "photonik17"}),
        backend.TERM_SETTINGS,
        reading="search_searchterm",
    )

    assert "search_searchterm_term_key" in plan, plan
    assert "search_term_trgm" not in plan, plan
