import pytest

from clusterscape.search import analysis
from clusterscape.search.analysis import Analyzer, parse_query

pytestmark = pytest.mark.unit


def matches(query: str, text: str, analyzer: Analyzer | None = None) -> bool:
    """Whether every query word has a form among the text's index terms."""
    analyzer = analyzer or Analyzer()
    indexed = set(analyzer.terms(text))
    return all(indexed.intersection(term.forms) for term in parse_query(query + " ").terms)


def test_fold_drops_umlauts_sharp_s_accents_and_apostrophes():
    assert analysis.fold("Mobilität Straße Aéro Montréal it's Øresund") == (
        "mobilitat strasse aero montreal its oresund"
    )
    assert analysis.fold("Œuvre ŁÓDŹ Þingvellir Ærø Dıyarbakır d`Art l´Été ʼs") == (
        "oeuvre lodz thingvellir aero diyarbakir dart lete s"
    )


def test_fold_digraphs_only_in_words_of_five_letters_or_more():
    assert analysis.fold_digraphs("mobilitaet") == "mobilitat"
    assert analysis.fold_digraphs("muenchen") == "munchen"
    assert analysis.fold_digraphs("blue") == "blue"


@pytest.mark.parametrize("query", ["Mobilität", "Mobilitaet", "Mobilitat", "MOBILITÄT"])
def test_umlaut_spellings_all_match_each_other(query):
    assert matches(query, "Landesinitiative Mobilität Niedersachsen")
    assert matches(query, "Landesinitiative Mobilitaet Niedersachsen")


def test_sharp_s_matches_double_s():
    assert matches("Strasse", "Straße der Industrie")
    assert matches("Straße", "Strasse der Industrie")


def test_german_stemming_finds_singular_from_plural():
    assert matches("Kliniken", "Klinik für Herzchirurgie")
    assert matches("Klinik", "Kliniken der Region")


def test_english_stemming_finds_battery_from_batteries():
    assert matches("batteries", "fuel cell and battery technology")


def test_digraph_folding_keeps_english_words_intact():
    assert analysis.word_forms("aerospace") == ("aerospac", "aerospace", "arospac")
    assert matches("aerospace", "Aerospace Valley")


def test_compound_parts_are_indexed_from_the_lexicon():
    analyzer = Analyzer(["leichtbau", "faserverbund"])

    assert analyzer.compound_parts("faserverbundleichtbau") == (
        "faser",
        "faserverbund",
        "leicht",
        "leichtbau",
        "verbund",
    )
    assert matches("Leichtbau", "Faserverbundleichtbau in Augsburg", analyzer)


def test_compound_parts_skip_short_words_and_unknown_parts():
    analyzer = Analyzer(["leichtbau"])

    assert analyzer.compound_parts("leicht") == ()
    assert analyzer.compound_parts("quarkspeise") == ()


def test_queries_are_not_split_into_compound_parts():
    analyzer = Analyzer(["leichtbau"])

    assert not matches("Faserverbundleichtbau", "Leichtbau in Stuttgart", analyzer)


def test_from_labels_adds_label_words_and_their_stems():
    analyzer = Analyzer.from_labels(["Photonics and optical technologies"])

    assert {"photonics", "photon", "optical", "technologies"} <= analyzer.lexicon
    assert "photon" in analyzer.compound_parts("photondelta")


def test_hyphenated_words_are_also_indexed_joined():
    assert matches("Softwarecluster", "Software-Cluster")
    assert matches("Emobilitat", "E-Mobilität")


def test_terms_leave_out_stop_words_and_single_letters():
    assert Analyzer().terms("der Cluster und e. V.") == ["clust", "cluster"]


def test_parse_query_splits_terms_and_phrases():
    parsed = parse_query('Leichtbau "optische Technologien" Jena')

    assert [term.word for term in parsed.terms] == ["leichtbau", "jena"]
    assert parsed.phrases == [["optische", "technologien"]]
    assert [term.prefix for term in parsed.terms] == [False, True]


def test_parse_query_ignores_an_unbalanced_quote():
    parsed = parse_query('"Cool Silicon')

    assert [term.word for term in parsed.terms] == ["cool", "silicon"]
    assert parsed.phrases == []


def test_parse_query_drops_stop_words_unless_nothing_else_is_left():
    assert [t.word for t in parse_query("Forst und Holz ").terms] == ["forst", "holz"]
    assert [t.word for t in parse_query("und ").terms] == ["und"]
    assert parse_query("Forst und Holz ").sequence == ["forst", "und", "holz"]


def test_parse_query_prefix_only_for_the_last_word_while_typing():
    assert [t.prefix for t in parse_query("Silicon Sax").terms] == [False, True]
    assert [t.prefix for t in parse_query("Silicon Sax ").terms] == [False, False]


@pytest.mark.parametrize(
    "text",
    [
        'NEAR(a b) OR "x" * : - ( ) ^ {title}',
        "'; DROP TABLE search_searchdocument; --",
        '"""',
        "\x00\x00",
        "a" * 10_000,
        "wort " * 5_000,
    ],
)
def test_parse_query_yields_only_letters_and_digits(text):
    parsed = parse_query(text)

    words = [t.word for t in parsed.terms] + [w for p in parsed.phrases for w in p]
    assert all(word.isalnum() and word.isascii() for word in words)
    assert len(parsed.terms) + len(parsed.phrases) <= analysis.MAX_QUERY_TERMS
    assert len(parsed.text) <= analysis.MAX_QUERY_LENGTH


def test_parse_query_of_nothing_is_empty():
    assert parse_query("").empty
    assert parse_query("  -- ** ").empty


@pytest.mark.parametrize(
    ("left", "right", "distance"),
    [
        ("biotechnologie", "biotechnolgie", 1),
        ("saxony", "saxnoy", 1),
        ("medizintechnik", "medizintechnick", 1),
        ("solar", "polar", 1),
        ("jena", "jena", 0),
        ("leichtbau", "leichtbaustrukturen", 3),
    ],
)
def test_osa_distance_counts_edits_and_transpositions(left, right, distance):
    assert analysis.osa_distance(left, right, limit=2) == min(distance, 3)


def test_typo_budget_grows_with_word_length():
    assert [analysis.typo_budget(w) for w in ("jena", "dresden", "biotechnik", "12345")] == [
        0,
        1,
        2,
        0,
    ]


def test_deletion_keys_of_words_one_edit_apart_overlap():
    for typo in ("bitoechnologie", "biotechnolgie", "biotexhnologie", "biiotechnologie"):
        shared = analysis.deletion_keys("biotechnologie", 2) & analysis.deletion_keys(typo, 2)
        assert shared


def test_key_keeps_letters_and_digits_only():
    assert analysis.key("it's OWL") == "itsowl"
    assert analysis.key("ARENA2036") == "arena2036"


def test_alias_is_the_name_before_a_dash_or_bracket():
    assert analysis.alias("CLIB – Cluster industrielle Biotechnologie") == "CLIB"
    assert analysis.alias("Silicon Alps (formerly ME2C cluster)") == "Silicon Alps"


def test_highlight_marks_matched_words_and_escapes_the_rest():
    parsed = parse_query("Kliniken ")

    html = Analyzer().highlighter(parsed).highlight("<b>Klinik</b> & Forschung")

    assert html == "&lt;b&gt;<mark>Klinik</mark>&lt;/b&gt; &amp; Forschung"


def test_highlight_cuts_a_window_around_the_first_match():
    text = "Anfang " + "Wort " * 100 + "Photonik am Ende"
    parsed = parse_query("photonik ")

    html = Analyzer().highlighter(parsed).highlight(text, length=60)

    assert html.startswith("…")
    assert "<mark>Photonik</mark>" in html
    assert len(html) < 120


def test_highlight_without_a_match_is_empty():
    assert Analyzer().highlighter(parse_query("Photonik")).highlight("Logistik") == ""


def test_highlight_parts_gives_each_matched_part_once_and_stops_at_most():
    keywords = (
        "Luftfahrt; Raumfahrt ;Logistik; <Luftfahrt & Co>;Luftfahrt; Luftfahrtforschung; "
        + "Wort " * 80
        + "Luftfahrt am Ende; Luftfahrttechnik"
    )
    parsed = parse_query("luftfahrt ")

    parts = (
        Analyzer().highlighter(parsed).highlight_parts(keywords, separator=";", most=3, length=60)
    )

    assert parts == [
        "<mark>Luftfahrt</mark>",
        "&lt;<mark>Luftfahrt</mark> &amp; Co&gt;",
        "<mark>Luftfahrtforschung</mark>",
    ]
    long_part = (
        Analyzer().highlighter(parsed).highlight_parts(keywords, separator=";", most=5, length=60)
    )
    assert long_part[3].startswith("…")
    assert "<mark>Luftfahrt</mark> am Ende" in long_part[3]
    assert long_part[4] == "<mark>Luftfahrttechnik</mark>"


def test_one_highlighter_marks_every_hit_of_a_page_as_each_alone():
    # the page's hits share one highlighter, which decides each written word once
    parsed = parse_query("Kliniken Photonik")
    texts = ["Kliniken und Photonik", "Photonik in Jena; Klinik", "Logistik", "KLINIK & Optik"]
    highlighter = Analyzer().highlighter(parsed)

    shared = [highlighter.highlight(text) for text in texts]

    assert shared == [Analyzer().highlighter(parsed).highlight(text) for text in texts]
    assert shared[3] == "<mark>KLINIK</mark> &amp; Optik"
    assert shared[2] == ""
    assert highlighter.highlight_parts(texts[1], separator=";", most=2) == [
        "<mark>Photonik</mark> in Jena",
        "<mark>Klinik</mark>",
    ]


def test_edits1_holds_every_single_edit():
    edits = analysis.edits1("rhein")

    assert {"rhien", "rein", "rheinn", "rhain"} <= edits
    assert "rhein" not in edits
    assert len(edits) == 395  # distinct strings from 5 deletes, 4 swaps, 180 replaces, 216 inserts


def test_a_bounded_memo_stays_bounded_and_consistent_when_threads_fill_it_at_once():
    """One analyzer serves every thread of a process (the development server, threaded
    workers): two threads forgetting the older half at once must not fail."""
    import sys
    import threading

    # a small bound makes the threads forget often, where they used to collide
    memo = analysis.BoundedMemo(lambda key: key * 2, 8)
    errors: list[BaseException] = []

    def fill(offset: int) -> None:
        try:
            for number in range(20_000):
                key = offset + number
                assert memo[key] == key * 2
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=fill, args=(n * 1_000_000,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert errors == []
    assert len(memo) <= 8
    assert all(value == key * 2 for key, value in memo.items())
