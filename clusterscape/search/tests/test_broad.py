"""Broad searches (queries.BROAD_LIMIT), on both backends: a search whose words match
thousands of documents reads its matches in the index's sample, its title matches and its
exact names, not every match; the total and the counts are estimates, and what ranks
highest is still found. The plans that find them are PostgreSQL's (its sample's indexes)."""

import datetime

import pytest
from django.db import connection

from clusterscape.search import queries, services
from clusterscape.search.backends import get_backend
from clusterscape.search.models import SearchDocument
from clusterscape.search.queries import SearchParams, search

from .factories import events
from .plans import plans_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]
postgresql_plans = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's plans and indexes"
)

MATCHES = 4_000


def in_sample(document_id: int, weight: int = queries.BROAD_SAMPLE) -> bool:
    """The sample's test (queries.sampled), computed here from the id."""
    limit = queries.HASH_RANGE // weight
    return document_id * queries.HASH_MULTIPLIER % queries.HASH_RANGE < limit


def sampled(weight: int = queries.BROAD_SAMPLE, **filters) -> list[SearchDocument]:
    return [
        document
        for document in SearchDocument.objects.filter(**filters)
        if in_sample(document.id, weight)
    ]


def explained(params: SearchParams, *, broad: bool) -> list[str]:
    """The plans of the statements of the search that match text, as the planner makes them
    with the search's settings (the search is run once to capture them)."""

    def run() -> None:
        assert search(params).total_estimated is broad

    return plans_of(run, get_backend().FULL_TEXT_SETTINGS, reading="search_vector")


def test_a_broad_search_estimates_its_total_and_counts_from_the_sample():
    services.store_documents(events(MATCHES))

    results = search(SearchParams(q="hydrogen"))

    assert results.total_estimated is True
    assert results.facets_estimated is True
    # each match of the sample stands for BROAD_SAMPLE, to two significant digits
    estimate = queries._estimate(len(sampled()) * queries.BROAD_SAMPLE, 1.0)
    assert results.total == estimate
    assert abs(results.total - MATCHES) <= MATCHES // 10
    state_counts = {item.value: item.count for item in results.facets["state"]}
    saxony = len(sampled(kind="event", facet_keys__contains="|state=DE-SN|"))
    assert state_counts["DE-SN"] == queries._estimate(saxony, 1 / queries.BROAD_SAMPLE)
    assert len(results.hits) == 20


def test_a_very_broad_search_counts_its_facets_over_part_of_the_sample():
    services.store_documents(events(3 * MATCHES))
    raw_total = len(sampled()) * queries.BROAD_SAMPLE
    # the sample holds more than FACET_SAMPLE matches: about that many of them are counted
    assert raw_total > queries.FACET_SAMPLE * queries.BROAD_SAMPLE

    results = search(SearchParams(q="hydrogen"))

    counted = [
        document
        for document in sampled(facet_keys__contains="|state=DE-SN|")
        if document.id * queries.HASH_MULTIPLIER % queries.HASH_RANGE * raw_total
        < queries.FACET_SAMPLE * queries.HASH_RANGE
    ]
    state_counts = {item.value: item.count for item in results.facets["state"]}
    share = queries.FACET_SAMPLE / raw_total
    assert state_counts["DE-SN"] == queries._estimate(len(counted), share)
    assert abs(state_counts["DE-SN"] - 3 * MATCHES // 2) <= 3 * MATCHES // 10


def test_a_search_with_tens_of_thousands_of_matches_reads_the_sparse_sample(monkeypatch):
    # as many matches as SPARSE_LIMIT, made smaller for the test
    monkeypatch.setattr(queries, "SPARSE_LIMIT", MATCHES // 2)
    services.store_documents(events(MATCHES))

    # a page within the sparse sample's 16 or so matches
    results = search(SearchParams(q="hydrogen", page_size=5))

    assert results.total_estimated is True
    sparse = len(sampled(queries.SPARSE_SAMPLE))
    assert results.total == queries._estimate(sparse * queries.SPARSE_SAMPLE, 1.0)
    assert abs(results.total - MATCHES) <= MATCHES // 4
    state_counts = {item.value: item.count for item in results.facets["state"]}
    saxony = len(sampled(queries.SPARSE_SAMPLE, facet_keys__contains="|state=DE-SN|"))
    assert state_counts["DE-SN"] == queries._estimate(saxony, 1 / queries.SPARSE_SAMPLE)


def test_every_title_match_of_a_broad_search_is_a_candidate():
    services.store_documents(events(MATCHES))
    services.store_documents(
        events(30, start=MATCHES, title="Hydrogen Valley", slug="valley", body="Electrolysers.")
    )
    titled = SearchDocument.objects.filter(title="Hydrogen Valley")
    # most of them are outside the sample, and would not be read from it
    assert len([document for document in titled if not in_sample(document.id)]) > 20

    results = search(SearchParams(q="hydrogen", page_size=40))

    assert results.total_estimated is True
    # a word in the title weighs most: all 30 lead, whether sampled or not
    assert [hit.title for hit in results.hits[:30]] == ["Hydrogen Valley"] * 30


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's name columns hold words, not phrases: its phrase titles are the sample's",
)
def test_every_title_with_the_phrase_of_a_broad_phrase_search_is_a_candidate():
    """The phrase in the title, not its words apart ("Valley of hydrogen"), leads."""
    services.store_documents(
        events(MATCHES, title="Valley of hydrogen", body="A hydrogen valley meets.")
    )
    # (not named exactly: those are found by name)
    title = "Days of the Hydrogen Valley"
    services.store_documents(events(30, start=MATCHES, title=title, body="Electrolysers."))
    titled = SearchDocument.objects.filter(title=title)
    assert len([document for document in titled if not in_sample(document.id)]) > 20

    results = search(SearchParams(q='"hydrogen valley"', page_size=40))

    assert results.total_estimated is True
    assert [hit.title for hit in results.hits[:30]] == [title] * 30
    assert results.hits[30].title == "Valley of hydrogen"


@postgresql_plans
def test_the_titles_with_a_phrase_are_read_through_the_index_of_their_terms():
    """backends.title_condition and the index of migration search 0020 must read alike, or
    a broad search reads every match's title."""
    services.store_documents(
        events(MATCHES, title="Valley of hydrogen", body="A hydrogen valley meets.")
    )
    get_backend().settle()

    plans = explained(SearchParams(q='"hydrogen valley"'), broad=True)

    assert any("Bitmap Index Scan on search_doc_title_vector" in plan for plan in plans), plans


@postgresql_plans
def test_many_titles_with_a_form_are_read_where_the_title_and_text_indexes_agree(monkeypatch):
    """When the planner expects many titles to hold a query word's form (queries.TITLES_
    INTERSECTED), the titles' index is intersected with the text index rather than the
    text tested on each title it finds; the same titles lead either way."""
    services.store_documents(events(MATCHES))
    title = "Days of Hydrogen Valley"
    services.store_documents(events(30, start=MATCHES, title=title, body="Electrolysers."))
    # titles holding "hydrog" as letters but not as a term, of documents that do not match
    services.store_documents(
        events(2 * MATCHES, start=2 * MATCHES, title="Hydro Geology Lab", body="Rocks.")
    )
    get_backend().settle()
    params = SearchParams(q="hydrogen", page_size=40)
    monkeypatch.setattr(queries, "TITLES_INTERSECTED", float("inf"))
    tested = search(params)
    tested_plans = explained(params, broad=True)
    monkeypatch.setattr(queries, "TITLES_INTERSECTED", 0)
    intersected = search(params)
    intersected_plans = explained(params, broad=True)

    assert [hit.title for hit in intersected.hits[:30]] == [title] * 30
    assert [hit.slug for hit in intersected.hits] == [hit.slug for hit in tested.hits]
    # tested: the text tested on each title found (IS TRUE: no index answers it);
    # intersected: the title part's text condition is one an index may answer (which
    # indexes the planner then reads is its choice)
    assert texts_tested_on_rows(intersected_plans) == texts_tested_on_rows(tested_plans) - 1


def texts_tested_on_rows(plans: list[str]) -> int:
    return sum(plan.count("::tsquery) IS TRUE)") for plan in plans)


def test_an_exact_name_leads_a_broad_search():
    services.store_documents(events(MATCHES))
    services.store_documents(
        events(1, start=MATCHES, title="H2 Cluster", short_name="Hydrogen", slug="h2", body="")
    )

    results = search(SearchParams(q="hydrogen"))

    assert results.total_estimated is True
    assert results.hits[0].slug == "h2"


def test_every_page_of_a_broad_search_has_its_results():
    """A broad search picks its page from the sample's matches (about 250 of 4,000): the
    pages beyond them are read from every match, never shown empty."""
    services.store_documents(events(MATCHES))
    assert len(sampled()) < queries.RANK_LIMIT

    pages = [search(SearchParams(q="hydrogen", page=page)) for page in range(1, 16)]

    assert [len(results.hits) for results in pages] == [20] * 15
    assert pages[0].total_estimated is True
    assert pages[-1].total_estimated is False


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (SearchParams(q="hydrogen", sort="name"), MATCHES),
        (SearchParams(q="hydrogen", sort="date"), MATCHES),
        (SearchParams(q="hydrogen", page=16), MATCHES),  # past the first 300 results
    ],
    ids=["by name", "by date", "deep page"],
)
def test_searches_that_need_every_match_count_them_exactly(params, expected):
    services.store_documents(events(MATCHES))

    results = search(params)

    assert results.total_estimated is False
    assert results.total == expected


def test_a_filtered_broad_search_estimates_what_passes_the_filter():
    services.store_documents(events(MATCHES))

    results = search(SearchParams(q="hydrogen", filters={"state": ["DE-SN"]}))

    assert results.total_estimated is True
    saxony = len(sampled(facet_keys__contains="|state=DE-SN|"))
    assert results.total == queries._estimate(saxony * queries.BROAD_SAMPLE, 1.0)
    assert abs(results.total - MATCHES // 2) <= MATCHES // 20
    assert {hit.slug for hit in results.hits} <= {f"event-{n}" for n in range(1, MATCHES, 2)}
    # the state's own counts are over the documents the other filters pass: all of them
    state_counts = {item.value: item.count for item in results.facets["state"]}
    assert abs(state_counts["DE-TH"] - MATCHES // 2) <= MATCHES // 20


@postgresql_plans
def test_a_filtered_broad_search_looks_up_the_facets_of_its_matches_only():
    """Its matches are few (the sample's, titles, names), though the planner estimates
    them as if the sample were the whole index: it must not collect every document of the
    filter's value to test them (country=DE at 1,000,000 documents: 504,157, 255 ms)."""
    services.store_documents(events(MATCHES))
    german = [("country", "DE"), ("state", "DE-BY")]
    services.store_documents(events(5 * MATCHES, start=MATCHES, body="Logistics.", facets=german))
    get_backend().settle()

    plans = explained(SearchParams(q="hydrogen", filters={"country": ["DE"]}), broad=True)

    assert len(plans) == 2
    assert not any("search_facet_lookup" in plan for plan in plans), plans


def test_a_filter_that_leaves_few_matches_is_counted_exactly():
    services.store_documents(events(MATCHES))
    bavarian = [("country", "DE"), ("state", "DE-BY")]
    services.store_documents(events(40, start=MATCHES, facets=bavarian))

    results = search(SearchParams(q="hydrogen", filters={"state": ["DE-BY"]}))

    assert results.total_estimated is False
    assert results.total == 40


def test_a_search_with_few_matches_is_counted_exactly():
    # well below the limit, whatever ids the sample's hash picks
    few = queries.BROAD_LIMIT // 2
    services.store_documents(events(few))

    results = search(SearchParams(q="hydrogen"))

    assert results.total_estimated is False
    assert results.total == few


@postgresql_plans
@pytest.mark.parametrize(
    ("weight", "index"),
    [
        (queries.BROAD_SAMPLE, "search_doc_sample"),
        (queries.SPARSE_SAMPLE, "search_doc_sparse_sample"),
    ],
)
def test_the_sample_is_read_through_its_own_index(weight, index):
    """The partial indexes' predicates (migration search 0014) and queries.sampled must read
    alike, or the planner cannot use the index and a broad search reads every match."""
    services.store_documents(events(MATCHES))
    # the planner chooses it over a table it knows to be large (a rebuild tells it so,
    # autovacuum's ANALYZE after other writes)
    get_backend().settle()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT COUNT(*) FROM search_searchdocument d WHERE "  # noqa: S608 — constant
            f"{queries.sampled(weight)} AND d.search_vector @@ to_tsquery('simple', 'hydrogen')",
            [],
        )
        plan = "\n".join(line for (line,) in cursor.fetchall())

    assert f"Bitmap Index Scan on {index} " in plan, plan


DRESDEN = (51.05, 13.74)
MUNICH = (48.14, 11.58)
HAMBURG = (53.55, 9.99)


def near(place: tuple[float, float], **values) -> SearchParams:
    return SearchParams(latitude=place[0], longitude=place[1], radius_km=50, **values)


def located(place: tuple[float, float]) -> dict:
    return {"latitude": place[0], "longitude": place[1]}


def test_a_broad_search_within_a_circle_estimates_what_lies_in_it():
    services.store_documents(events(MATCHES, **located(DRESDEN)))
    services.store_documents(events(MATCHES, start=MATCHES, **located(MUNICH)))
    valley = {"title": "Hydrogen Valley", "body": "Electrolysers."}
    services.store_documents(events(5, start=2 * MATCHES, **valley, **located(DRESDEN)))
    services.store_documents(events(5, start=2 * MATCHES + 5, **valley, **located(MUNICH)))

    results = search(near(DRESDEN, q="hydrogen", page_size=40))

    assert results.total_estimated is True
    inside = len(sampled(latitude=DRESDEN[0]))
    assert results.total == queries._estimate(inside * queries.BROAD_SAMPLE, 1.0)
    assert abs(results.total - MATCHES) <= MATCHES // 10
    assert {hit.latitude for hit in results.hits} == {DRESDEN[0]}
    # the title matches in the circle lead, sampled or not; those outside it never appear
    assert [hit.title for hit in results.hits[:5]] == ["Hydrogen Valley"] * 5
    assert [hit.title for hit in results.hits].count("Hydrogen Valley") == 5


def test_a_circle_with_few_matches_is_counted_exactly():
    services.store_documents(events(MATCHES, **located(DRESDEN)))
    services.store_documents(events(40, start=MATCHES, **located(HAMBURG)))

    results = search(near(HAMBURG, q="hydrogen"))

    assert results.total_estimated is False
    assert results.total == 40
    assert {hit.latitude for hit in results.hits} == {HAMBURG[0]}


def test_a_broad_search_within_dates_estimates_what_lies_between_them():
    services.store_documents(events(MATCHES, date_start=datetime.date(2026, 3, 1)))
    services.store_documents(events(MATCHES, start=MATCHES, date_start=datetime.date(2027, 3, 1)))

    results = search(SearchParams(q="hydrogen", date_from=datetime.date(2027, 1, 1)))

    assert results.total_estimated is True
    later = len(sampled(date_start=datetime.date(2027, 3, 1)))
    assert results.total == queries._estimate(later * queries.BROAD_SAMPLE, 1.0)
    assert {hit.date_start for hit in results.hits} == {datetime.date(2027, 3, 1)}


@postgresql_plans
def test_a_broad_search_within_a_circle_never_reads_the_whole_box():
    """Its statements test the circle on each match they read: the planner must not
    intersect the sample's matches with every document in the box (the points' index)."""
    services.store_documents(events(MATCHES, **located(DRESDEN)))
    services.store_documents(events(MATCHES, start=MATCHES, **located(MUNICH)))
    get_backend().settle()

    plans = explained(near(DRESDEN, q="hydrogen"), broad=True)

    assert len(plans) == 2  # the sample's count, then the page with the counts
    assert not any("search_doc_point" in plan for plan in plans), plans


@postgresql_plans
def test_a_broad_search_within_a_circle_reads_its_sample_in_the_cells():
    """The circle's geo cells are tested in the sample index's scan beside the words
    (migration 0021), so it never lists every match of the sample to test each one's
    place: "Netze" within 50 km of Freiburg tested 37,133 at 1,000,000 documents. (Where
    the matches are few, the planner chooses between the cells and the points' index.)"""
    services.store_documents(events(MATCHES, **located(DRESDEN)))
    services.store_documents(events(MATCHES, start=MATCHES, **located(MUNICH)))
    get_backend().settle()

    plans = explained(near(DRESDEN, q="hydrogen"), broad=True)

    dresden_cell = "'~102_27'"
    conditions = [line for plan in plans for line in plan.splitlines() if "Index Cond" in line]
    assert any(dresden_cell in line and "hydrogen" in line for line in conditions), plans


def test_the_search_page_says_about(client):
    services.store_documents(events(MATCHES))

    english = client.get("/en/search/", {"q": "hydrogen"}).content.decode()
    german = client.get("/de/search/", {"q": "hydrogen"}).content.decode()

    total = search(SearchParams(q="hydrogen")).total
    assert f"about {total} results" in english
    assert f"etwa {total} Treffer" in german


def test_the_api_says_the_total_is_estimated(client):
    services.store_documents(events(MATCHES))

    body = client.get("/api/v1/search", {"q": "hydrogen"}).json()

    assert body["total_estimated"] is True
    assert body["facets_estimated"] is True
