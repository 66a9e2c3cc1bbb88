import datetime

import pytest
from django.utils import timezone

from clusterscape.registry.models import Organisation
from clusterscape.search import queries, services
from clusterscape.search.backends import get_backend
from clusterscape.search.queries import FacetValue, SearchParams, Suggestion, search, suggest

from .factories import events, indexed_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def slugs(q: str = "", **kwargs) -> list[str]:
    return [hit.slug for hit in search(SearchParams(q=q, **kwargs)).hits]


def counts(results: queries.SearchResults, facet: str) -> dict[str, int]:
    return {item.value: item.count for item in results.facets[facet]}


@pytest.fixture
def landscape() -> dict[str, Organisation]:
    """Five organisations in three states, four fields and two programmes."""
    return {
        "cool-silicon": indexed_organisation(
            slug="cool-silicon",
            name="Cool Silicon",
            fields=("microelectronics", "software-ict"),
            states=("DE-SN",),
            city="Dresden",
            latitude=51.05,
            longitude=13.74,
            programmes=(("spitzencluster", 2008), ("interspin", 2016)),
        ),
        "silicon-saxony": indexed_organisation(
            slug="silicon-saxony",
            name="Silicon Saxony",
            fields=("microelectronics",),
            states=("DE-SN",),
            city="Dresden",
            latitude=51.05,
            longitude=13.74,
            members_sme=300,
        ),
        "optonet": indexed_organisation(
            slug="optonet",
            name="OptoNet",
            fields=("photonics",),
            states=("DE-TH",),
            city="Jena",
            latitude=50.93,
            longitude=11.59,
            programmes=(("interspin", 2015),),
        ),
        "mai-carbon": indexed_organisation(
            slug="mai-carbon",
            name="MAI Carbon",
            fields=("lightweight-construction",),
            states=("DE-BY",),
            city="Augsburg",
            latitude=48.37,
            longitude=10.9,
            keywords="Faserverbundleichtbau; carbon-fibre reinforced plastics",
            programmes=(("spitzencluster", 2012), ("interspin", 2016)),
        ),
        "aerospace-valley": indexed_organisation(
            slug="aerospace-valley",
            name="Aerospace Valley",
            kind=Organisation.Kind.NETWORK,
            fields=("aviation-aerospace",),
            country_id="FR",
            city="Toulouse",
            latitude=43.6,
            longitude=1.44,
        ),
    }


def test_search_without_words_lists_everything_by_name(landscape):
    assert slugs() == [
        "aerospace-valley",
        "cool-silicon",
        "mai-carbon",
        "optonet",
        "silicon-saxony",
    ]


def test_search_finds_by_field_label_in_the_other_language(landscape):
    assert slugs("Luftfahrt") == ["aerospace-valley"]
    assert slugs("photonics") == ["optonet"]
    assert slugs("Optische Technologien") == ["optonet"]


def test_search_finds_compound_parts(landscape):
    assert slugs("Faserverbund") == ["mai-carbon"]


def test_search_tolerates_typos_by_word_length(landscape):
    assert slugs("Silicon Saxnoy") == ["silicon-saxony", "cool-silicon"]  # 1 edit, 6 letters
    assert sorted(slugs("Mikroelektronick")) == ["cool-silicon", "silicon-saxony"]  # 2 edits
    assert slugs("Jenna") == ["optonet"]  # one edit in 5 letters
    assert slugs("Jna") == []  # no edit below 5 letters


def test_search_matches_the_last_word_as_a_prefix_while_typing(landscape):
    typing = search(SearchParams(q="Silicon Sax"))
    typed = search(SearchParams(q="Silicon Sax "))

    assert ([h.slug for h in typing.hits], typing.relaxed) == (
        ["silicon-saxony", "cool-silicon"],
        False,
    )
    assert typed.relaxed is True  # "sax" as a whole word is nowhere


@pytest.mark.parametrize("completions", [50, 0], ids=["listed", "engine's prefix"])
def test_a_long_word_being_typed_finds_every_word_that_begins_with_it(
    landscape, monkeypatch, completions
):
    """Beyond the engine's own prefixes (SQLite's prefix indexes, PostgreSQL's first two
    letters), the vocabulary's words that begin with the word being typed are matched, or,
    when there are more than MAX_COMPLETIONS, the prefix itself: the same documents either
    way."""
    monkeypatch.setattr(type(get_backend()), "MAX_COMPLETIONS", completions)
    indexed_organisation(slug="quixotrikon", name="Quixotrikon Netz", states=("DE-BW",))
    indexed_organisation(slug="quixotaler", name="Quixotaler Forum", states=("DE-BY",))

    assert sorted(slugs("Quixot")) == ["quixotaler", "quixotrikon"]
    assert slugs("Quixotr") == ["quixotrikon"]
    assert slugs("Quixot ") == []  # typed: a whole word, which no document has


def test_search_matches_quoted_phrases_in_order(landscape):
    assert slugs('"Silicon Saxony"') == ["silicon-saxony"]
    assert slugs('"Saxony Silicon"') == []


def test_exact_name_or_short_name_comes_first(landscape):
    indexed_organisation(slug="oes", name="Organic Electronics Saxony", short_name="OES")
    indexed_organisation(slug="saxony-silicon-network", name="Saxony Silicon Network Silicon")

    assert slugs("Silicon Saxony")[0] == "silicon-saxony"
    assert slugs("oes") == ["oes"]


def test_exact_name_match_is_found_even_when_words_differ(landscape):
    indexed_organisation(slug="its-owl", name="it's OWL – Intelligente Technische Systeme")

    assert slugs("its OWL") == ["its-owl"]


def test_snippet_shows_only_the_matched_keywords_when_the_text_does_not_match(landscape):
    results = search(SearchParams(q="Mikroelektronik"))
    hit = next(hit for hit in results.hits if hit.slug == "silicon-saxony")

    assert hit.snippet == "<mark>Mikroelektronik</mark>"


def test_snippet_joins_several_matched_keywords(landscape):
    results = search(SearchParams(q="Sachsen Dresden"))
    hit = next(hit for hit in results.hits if hit.slug == "silicon-saxony")

    assert hit.snippet == "<mark>Sachsen</mark> · <mark>Dresden</mark>"


def test_hits_carry_url_and_coordinates(landscape):
    hit = search(SearchParams(q="OptoNet")).hits[0]

    assert (hit.kind, hit.title, hit.url, hit.latitude, hit.longitude) == (
        "organisation",
        "OptoNet",
        "/en/clusters/optonet/",
        50.93,
        11.59,
    )


def test_filter_by_state_and_field_area_includes_children(landscape):
    assert slugs(filters={"state": ["DE-SN"]}) == ["cool-silicon", "silicon-saxony"]
    assert slugs(filters={"field": ["electronics"]}) == ["cool-silicon", "silicon-saxony"]
    assert slugs(filters={"field": ["mobility"]}) == ["aerospace-valley"]


def test_filter_values_of_one_facet_are_alternatives_facets_combine(landscape):
    assert slugs(filters={"state": ["DE-SN", "DE-TH"]}) == [
        "cool-silicon",
        "optonet",
        "silicon-saxony",
    ]
    assert slugs(filters={"state": ["DE-SN", "DE-TH"], "programme": ["interspin"]}) == [
        "cool-silicon",
        "optonet",
    ]


def test_filter_by_programme_round_kind_country_and_size(landscape):
    assert slugs(filters={"round": ["interspin:2016"]}) == ["cool-silicon", "mai-carbon"]
    assert slugs(filters={"kind": ["network"]}) == ["aerospace-valley"]
    assert slugs(filters={"country": ["FR"]}) == ["aerospace-valley"]
    assert slugs(filters={"size": ["250-999"]}) == ["silicon-saxony"]


def test_facet_counts_apply_the_other_filters(landscape):
    results = search(SearchParams(filters={"state": ["DE-SN"], "programme": ["interspin"]}))

    assert results.total == 1
    assert counts(results, "state") == {"DE-SN": 1, "DE-TH": 1, "DE-BY": 1}
    assert counts(results, "programme") == {"interspin": 1, "spitzencluster": 1}
    assert counts(results, "field") == {
        "microelectronics": 1,
        "electronics": 1,
        "software-ict": 1,
        "digital": 1,
    }


def test_facet_values_have_labels_in_the_active_language(landscape):
    results = search(SearchParams(q="Dresden", filters={"state": ["DE-SN"]}))

    assert results.facets["state"] == [FacetValue("DE-SN", "Saxony", 2, selected=True)]
    assert results.facets["country"] == [FacetValue("DE", "Germany", 2)]
    assert results.facets["kind"] == [FacetValue("cluster", "cluster", 2)]
    assert results.facets["round"] == [
        FacetValue("interspin:2016", "interspin 2016", 1),
        FacetValue("spitzencluster:2008", "spitzencluster 2008", 1),
    ]


def test_selected_value_without_documents_still_shows_with_zero(landscape):
    results = search(SearchParams(q="Luftfahrt", filters={"state": ["DE-HB"]}))

    assert results.total == 0
    assert counts(results, "state") == {"DE-HB": 0}


def test_geo_radius_around_coordinates(landscape):
    around_dresden = {"latitude": 51.05, "longitude": 13.74, "radius_km": 50}
    assert slugs(**around_dresden) == ["cool-silicon", "silicon-saxony"]
    assert slugs(**{**around_dresden, "radius_km": 200}) == [
        "cool-silicon",
        "optonet",
        "silicon-saxony",
    ]
    assert slugs("photonics", **{**around_dresden, "radius_km": 200}) == ["optonet"]


def test_a_document_named_exactly_is_found_within_a_circle_and_only_there():
    """A name that is the query but not its words ("its OWL" for "it's OWL") is found
    through the name indexes; the circle is tested on it as on every match."""
    paderborn, munich = (51.72, 8.75), (48.14, 11.58)
    services.store_documents(
        [
            *events(
                1, title="it's OWL", slug="its-owl", latitude=paderborn[0], longitude=paderborn[1]
            ),
            *events(1, start=1, title="OWL events", latitude=paderborn[0], longitude=paderborn[1]),
        ]
    )

    def near(place: tuple[float, float]) -> list[str]:
        return slugs("its OWL", latitude=place[0], longitude=place[1], radius_km=50)

    assert near(paderborn)[0] == "its-owl"
    assert "its-owl" not in near(munich)


@pytest.mark.parametrize("words", ["", "hydrogen"])
def test_geo_radius_west_of_greenwich_and_south_of_the_equator(words):
    """Circles whose boxes span negative coordinates find what lies in them, and only that;
    with words too, which PostgreSQL reads in the circle's geo cells (half a degree each):
    matches on either side of the cells' edges are found, those outside the circle are not,
    whichever cell they are in."""
    places = {
        "westminster": (51.50, -0.13),
        "greenwich": (51.48, 0.00),
        "slough": (51.51, -0.59),
        "on-the-edge": (51.5, -0.5),
        "oxford": (51.75, -1.26),
        "cape-town": (-33.92, 18.42),
        "stellenbosch": (-33.93, 18.86),
        "hermanus": (-34.42, 19.23),
    }
    services.store_documents(
        events(1, start=number, slug=slug, latitude=latitude, longitude=longitude)[0]
        for number, (slug, (latitude, longitude)) in enumerate(places.items())
    )
    services.store_documents(events(2, start=100, body="Fuel cells.", latitude=51.5, longitude=0))
    without_the_words = [] if words else ["event-100", "event-101"]

    def near(latitude: float, longitude: float) -> list[str]:
        return sorted(slugs(words, latitude=latitude, longitude=longitude, radius_km=50))

    assert near(51.50, -0.12) == sorted(
        ["greenwich", "on-the-edge", "slough", "westminster", *without_the_words]
    )
    assert near(-33.92, 18.42) == ["cape-town", "stellenbosch"]
    assert near(-34.42, 19.23) == ["hermanus"]


def test_date_range_keeps_dated_documents_that_overlap(landscape):
    services.store_documents(
        [
            services.IndexedDocument(
                kind="organisation",
                object_id=10_000 + day,
                slug=f"event-{day}",
                title=f"Photonics event {day}",
                date_start=datetime.date(2026, 5, day),
                updated_at=timezone.now(),
            )
            for day in (1, 10, 20)
        ]
    )

    found = slugs(date_from=datetime.date(2026, 5, 5), date_to=datetime.date(2026, 5, 15))

    assert found == ["event-10"]


def test_recency_breaks_ties_and_date_sort_puts_newest_first(landscape):
    services.store_documents(
        [
            services.IndexedDocument(
                kind="organisation",
                object_id=20_000 + day,
                slug=f"meeting-{day}",
                title="Quantum meeting",
                date_start=datetime.date(2026, 6, day),
                updated_at=timezone.now(),
            )
            for day in (3, 9, 1)
        ]
    )

    assert slugs("Quantum meeting") == ["meeting-9", "meeting-3", "meeting-1"]
    assert slugs(sort="date")[:2] == [
        "meeting-9",
        "meeting-3",
    ]


def test_sort_by_name(landscape):
    assert slugs("Silicon", sort="name") == ["cool-silicon", "silicon-saxony"]


def test_pagination_pages_through_the_results(landscape):
    first = search(SearchParams(page_size=2))
    third = search(SearchParams(page=3, page_size=2))

    assert [h.slug for h in first.hits] == ["aerospace-valley", "cool-silicon"]
    assert [h.slug for h in third.hits] == ["silicon-saxony"]
    assert (first.total, first.pages, first.has_next, third.has_next) == (5, 3, True, False)


def test_page_size_is_capped():
    assert search(SearchParams(page_size=10_000)).params.page_size == queries.MAX_PAGE_SIZE


def test_did_you_mean_for_a_query_without_hits(landscape):
    results = search(SearchParams(q="Silikonn Saksony"))

    assert results.total == 0
    assert results.did_you_mean == "silicon saxony"


def test_no_did_you_mean_when_nothing_is_close(landscape):
    assert search(SearchParams(q="Zzzyzx")).did_you_mean == ""


def test_relaxed_results_when_no_document_has_every_word(landscape):
    results = search(SearchParams(q="Photonics Luftfahrt"))

    assert results.relaxed is True
    assert sorted(hit.slug for hit in results.hits) == ["aerospace-valley", "optonet"]


def test_unpublished_documents_never_appear(landscape):
    landscape["optonet"].status = Organisation.Status.ARCHIVED
    landscape["optonet"].save()
    services.index_organisation(landscape["optonet"])

    assert slugs("OptoNet") == []
    assert "optonet" not in slugs()


def test_suggest_offers_fields_then_names(landscape):
    assert suggest("Photo") == [
        Suggestion("field", "Photovoltaics", "photovoltaics", ""),
        Suggestion("field", "Photonics", "photonics-area", ""),
        Suggestion("field", "Photonics and optical technologies", "photonics", ""),
    ]
    assert suggest("Silicon Sa") == [
        Suggestion(
            "organisation", "Silicon Saxony", "silicon-saxony", "/en/clusters/silicon-saxony/"
        ),
    ]


def test_suggest_names_that_start_with_the_text_come_first(landscape):
    assert [s.value for s in suggest("sil")] == ["silicon-saxony", "cool-silicon"]


def test_suggestions_are_chosen_among_the_first_names_found(monkeypatch):
    """What is typed may be in the names of hundreds of thousands of documents: the
    suggestions are those of the first SUGGESTION_CANDIDATES found, not of every one."""
    services.store_documents(events(12, title="Hydrogen Valley Days"))
    services.store_documents(events(12, start=12, title="Days of Hydrogen"))

    def names() -> list[str]:
        return [s.label for s in suggest("Hydrog") if s.kind == "event"]

    assert len(names()) == 9  # (and a field of the taxonomy)
    monkeypatch.setattr(queries, "SUGGESTION_CANDIDATES", 3)
    assert len(names()) == 3
    # among them, the names that begin with what is typed still come first
    monkeypatch.setattr(queries, "SUGGESTION_CANDIDATES", 24)
    assert set(names()) == {"Hydrogen Valley Days"}


def test_suggest_is_limited_and_ignores_tiny_input(landscape):
    assert suggest("s") == []
    assert len(suggest("c", limit=50)) == 0
    assert len(suggest("co", limit=1)) == 1


@pytest.mark.parametrize(
    "q",
    [
        "",
        "a" * 10_000,
        '"unbalanced',
        'NEAR("silicon" "saxony") OR *',
        "silicon:saxony - (cool)",
        "'; DROP TABLE search_searchdocument; --",
        "1 OR 1=1",
        "\x00",
        "🙂 ☃",
    ],
)
def test_bad_queries_give_a_result_not_an_error(landscape, q):
    results = search(SearchParams(q=q))

    assert results.total >= 0
    assert Organisation.objects.count() == 5


def test_counts_of_the_whole_index_match_counting_every_document(landscape):
    kept = search(SearchParams())
    counted = search(SearchParams(latitude=48.0, longitude=8.0, radius_km=2000))

    assert kept.total == counted.total == 5
    assert kept.facets == counted.facets


def test_filter_every_document_passes_gives_the_same_results(landscape):
    everything = search(SearchParams(filters={"type": ["organisation"]}))
    unfiltered = search(SearchParams())

    assert [h.slug for h in everything.hits] == [h.slug for h in unfiltered.hits]
    assert everything.total == 5
    assert everything.facets["type"] == [FacetValue("organisation", "Organisations", 5, True)]
    assert everything.facets["state"] == unfiltered.facets["state"]


# Directory states (type=organisation and more): the total from the kept counts of one type
# (one more facet with one value, or values of a facet with one value per document), or
# counted over the documents of the filter that passes fewest (several facets, several
# values of a facet with many).
DIRECTORY_STATES = [
    {"state": ["DE-SN"]},
    {"kind": ["cluster", "network"]},
    {"field": ["microelectronics", "photonics"]},
    {"state": ["DE-SN"], "field": ["microelectronics"]},
    {"programme": ["interspin"], "country": ["DE"]},
    {"programme": ["interspin"], "country": ["DE"], "kind": ["cluster"]},
]


@pytest.mark.parametrize("filters", DIRECTORY_STATES)
@pytest.mark.parametrize("sort", ["relevance", "name"])
@pytest.mark.parametrize("page", [1, 2, 9])
def test_directory_among_other_kinds_reads_what_counting_every_document_gives(
    landscape, filters, sort, page
):
    # events in the same states and circle: only the type filter keeps them out
    services.store_documents(events(7, latitude=50.0, longitude=10.0))
    params = {"filters": {"type": ["organisation"], **filters}, "sort": sort, "page": page}
    read = search(SearchParams(**params, page_size=2))
    # a circle around everything: nothing is read from the kept counts
    counted = search(SearchParams(**params, page_size=2, latitude=48, longitude=8, radius_km=2000))

    assert read.total == counted.total > 0
    assert [hit.slug for hit in read.hits] == [hit.slug for hit in counted.hits]
    assert read.facets == counted.facets
    assert read.facets_estimated is counted.facets_estimated is False


def test_own_counts_over_many_documents_passing_the_other_filters_are_estimated():
    funded = [("country", "DE"), ("programme", "go-cluster")]
    services.store_documents([*events(2_900), *events(100, start=2_900, facets=funded)])

    results = search(SearchParams(filters={"country": ["DE"], "programme": ["go-cluster"]}))

    assert results.total == 100
    assert counts(results, "country") == {"DE": 100}
    # the programme's own counts are over the 3,000 documents of country=DE: a sample
    assert results.facets_estimated is True
    assert 40 <= counts(results, "programme")["go-cluster"] <= 250


def test_a_filter_most_matches_fail_counts_its_other_values_from_a_sample():
    bavarian = [("country", "DE"), ("state", "DE-BY")]
    services.store_documents([*events(2_900), *events(100, start=2_900, facets=bavarian)])

    # sorted by name, every match is read (never a broad search's sample)
    results = search(SearchParams(q="hydrogen", filters={"state": ["DE-BY"]}, sort="name"))

    # the results and what they hold are counted exactly
    assert results.total == 100
    assert counts(results, "state")["DE-BY"] == 100
    assert counts(results, "country") == {"DE": 100}
    # the other states are those of the 2,900 matches that fail the filter: a sample
    assert results.facets_estimated is True
    assert 1_100 <= counts(results, "state")["DE-SN"] <= 1_800
    assert 1_100 <= counts(results, "state")["DE-TH"] <= 1_800


def test_facet_counts_over_few_matches_are_exact():
    services.store_documents(events(queries.EXACT_FACET_LIMIT))

    # sorted by name, a search reads every match: at BROAD_LIMIT, sorted by relevance, it
    # may be broad or not by which ids its sample holds
    results = search(SearchParams(q="hydrogen", sort="name"))

    assert results.total == 1_000
    assert results.facets_estimated is False
    assert counts(results, "state") == {"DE-SN": 500, "DE-TH": 500}


def test_facet_counts_over_many_matches_are_estimated_from_a_sample():
    services.store_documents(events(3_000))

    results = search(SearchParams(q="hydrogen"))
    estimated = counts(results, "state")

    assert results.total == 3_000
    assert results.facets_estimated is True
    # a uniform sample of about 500 documents: each half estimated within a fifth
    assert 1_200 <= estimated["DE-SN"] <= 1_800
    assert 1_200 <= estimated["DE-TH"] <= 1_800
    assert 2_400 <= counts(results, "country")["DE"] <= 3_600


def test_estimated_counts_follow_a_filter_and_the_total_stays_exact():
    services.store_documents(events(3_000))

    results = search(SearchParams(filters={"state": ["DE-SN"]}))

    assert results.total == 1_500
    assert results.facets_estimated is True
    assert 1_200 <= counts(results, "country")["DE"] <= 1_800


def test_exact_name_and_title_matches_lead_among_many_matches():
    services.store_documents(
        [
            *events(400),
            *events(1, start=400, title="Hydrogen Week", slug="hydrogen-week", body=""),
            *events(1, start=401, title="Hydrogen", slug="hydrogen", body=""),
        ]
    )

    results = search(SearchParams(q="hydrogen "))

    assert results.total == 402
    assert [hit.slug for hit in results.hits[:2]] == ["hydrogen", "hydrogen-week"]


def test_facet_counts_with_words_and_three_filters_match_counting_each_value():
    """With words, every match is flagged for each filter; a match failing two filters counts
    for no facet. Each count must be the number of results with the value chosen in its
    facet's place."""
    people = [
        # state, kind, programme: some fail one filter, some two, some all three
        ("DE-SN", Organisation.Kind.CLUSTER, "interspin", "microelectronics"),
        ("DE-SN", Organisation.Kind.CLUSTER, "interspin", "photonics"),
        ("DE-SN", Organisation.Kind.CLUSTER, "spitzencluster", "photonics"),
        ("DE-SN", Organisation.Kind.NETWORK, "interspin", "microelectronics"),
        ("DE-TH", Organisation.Kind.CLUSTER, "interspin", "photonics"),
        ("DE-TH", Organisation.Kind.NETWORK, "interspin", "photonics"),
        ("DE-BY", Organisation.Kind.NETWORK, "spitzencluster", "microelectronics"),
        ("DE-BY", Organisation.Kind.CLUSTER, "spitzencluster", "photonics"),
        ("DE-SN", Organisation.Kind.NETWORK, "spitzencluster", "photonics"),
    ]
    for number, (state, kind, programme, field) in enumerate(people):
        indexed_organisation(
            name=f"Wasserstoff {number}", kind=kind, states=(state,), fields=(field,),
            programmes=((programme, 2016),),
        )  # fmt: skip
    indexed_organisation(name="Elsewhere", states=("DE-SN",), programmes=(("interspin", 2016),))
    chosen = {"state": ["DE-SN"], "kind": ["cluster"], "programme": ["interspin"]}
    values = {
        "state": ["DE-SN", "DE-TH", "DE-BY"],
        "kind": ["cluster", "network"],
        "programme": ["interspin", "spitzencluster"],
        "field": ["microelectronics", "photonics"],
        "round": ["interspin:2016", "spitzencluster:2016"],
    }

    results = search(SearchParams(q="Wasserstoff", filters=chosen))

    assert results.total == 2
    for facet, facet_values in values.items():
        expected = {}
        for value in {*facet_values, *counts(results, facet)}:  # fields count their areas too
            others = {name: chosen[name] for name in chosen if name != facet}
            total = search(SearchParams(q="Wasserstoff", filters={**others, facet: [value]})).total
            if total or value in chosen.get(facet, []):
                expected[value] = total
        assert counts(results, facet) == expected, facet


@pytest.mark.parametrize("words", ["silicon", "dresden silicon", "hydrogen"])
def test_a_search_confined_to_a_type_where_its_text_is_matched_finds_what_filtering_finds(
    landscape, words
):
    # events whose text has the same words: matched, then kept out by the type alone
    services.store_documents(events(7, body="Silicon in Dresden, and hydrogen."))
    for kind in ("organisation", "event"):
        filters = {"type": [kind], "state": ["DE-SN", "DE-TH"]}
        counted = search(SearchParams(q=words, filters=filters, page_size=3))
        confined = search(SearchParams(q=words, filters=filters, page_size=3, type_counts=False))
        unfaceted = search(SearchParams(q=words, filters=filters, page_size=3, with_facets=False))

        assert confined.total == unfaceted.total == counted.total
        assert [hit.slug for hit in confined.hits] == [hit.slug for hit in counted.hits]
        assert [hit.slug for hit in unfaceted.hits] == [hit.slug for hit in counted.hits]
        assert {hit.kind for hit in confined.hits} <= {kind}
        assert {name: values for name, values in confined.facets.items() if name != "type"} == {
            name: values for name, values in counted.facets.items() if name != "type"
        }
    # the type facet of a search that counts it still offers the other type
    organisations = {"silicon": 2, "dresden silicon": 2, "hydrogen": 0}[words]
    assert counts(counted, "type") == {"event": 7} | (
        {"organisation": organisations} if organisations else {}
    )
