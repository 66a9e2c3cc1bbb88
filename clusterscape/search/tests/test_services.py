import datetime
import threading

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection

from clusterscape.registry import services as registry_services
from clusterscape.registry.models import Country, Field, Organisation, State
from clusterscape.search import lexicon, services
from clusterscape.search.models import SearchDocument, SearchFacet, SearchFacetCount, SearchTerm
from clusterscape.search.queries import SearchParams, search

from .factories import index_facets, indexed_organisation
from .migrating import migrated_from

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

RECORD = {
    "slug": "photonics-bw",
    "name": "Photonics BW",
    "kind": "cluster",
    "country": "DE",
    "states": "DE-BW",
    "fields": "photonics",
    "programmes": "",
    "source_urls": "https://example.org/photonics-bw",
}


def slugs(q: str = "", **filters) -> list[str]:
    results = search(SearchParams(q=q, filters=filters))
    return [hit.slug for hit in results.hits]


def test_saving_a_record_indexes_the_organisation_in_the_same_write():
    organisation, outcome = registry_services.save_organisation_record(RECORD)

    document = SearchDocument.objects.get()
    assert outcome == "created"
    assert (document.kind, document.object_id, document.slug) == (
        "organisation",
        organisation.pk,
        "photonics-bw",
    )
    assert slugs("Optische Technologien") == ["photonics-bw"]


def test_document_carries_facets_of_fields_areas_states_and_programmes():
    organisation = indexed_organisation(
        kind=Organisation.Kind.NETWORK,
        fields=("photonics",),
        states=("DE-TH",),
        programmes=(("interspin", 2015), ("go-cluster", None)),
        members_sme=40,
        members_research=20,
        description_de="Ein Netzwerk.",
    )

    facets = {(name, value) for _kind, name, value in index_facets(object_id=organisation.pk)}
    assert facets == {
        ("type", "organisation"),
        ("kind", "network"),
        ("country", "DE"),
        ("state", "DE-TH"),
        ("field", "photonics"),
        ("field", "photonics-area"),
        ("programme", "interspin"),
        ("programme", "go-cluster"),
        ("round", "interspin:2015"),
        ("size", "50-249"),
        ("language", "de"),
    }
    # the row carries the same facets, which PostgreSQL's searches with words read there
    keys = SearchDocument.objects.get(object_id=organisation.pk).facet_keys
    assert (keys[:1], keys[-1:]) == ("|", "|")
    assert set(keys.strip("|").split("|")) == {f"{name}={value}" for name, value in facets}


def facet_keys_by_document() -> dict[int, str]:
    return dict(SearchDocument.objects.values_list("pk", "facet_keys"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_documents_indexed_before_it_their_facet_keys():
    indexed_organisation(fields=("photonics",), states=("DE-TH",), members_sme=40)
    indexed_organisation(
        slug="other", country=Country.objects.get(code="FR"), programmes=(("interspin", 2016),)
    )
    written = facet_keys_by_document()
    with migrated_from("0016_geo_btree_for_sqlite_only", "0017_facet_keys_in_the_row"):
        assert facet_keys_by_document() == written
        assert all("|type=organisation|" in keys for keys in written.values())
    # the full-text structures and the facets survive the migrations: still found, counted
    assert slugs("Photonik") != []
    counts = search(SearchParams(q="Photonik")).facets["state"]
    assert {item.value: item.count for item in counts} == {"DE-TH": 1}


def test_update_replaces_the_document():
    registry_services.save_organisation_record(RECORD)

    registry_services.save_organisation_record({**RECORD, "name": "Optence", "fields": "rail"})

    assert SearchDocument.objects.get().title == "Optence"
    assert slugs("Photonik") == []
    assert slugs("Bahntechnik") == ["photonics-bw"]


def test_no_write_leaves_facets_of_a_document_that_is_gone():
    """The facets keep no constraint in the database (migration 0012): the services
    remove them with their document on every path."""

    def orphans() -> int:
        return SearchFacet.objects.exclude(document__in=SearchDocument.objects.all()).count()

    registry_services.save_organisation_record(RECORD)
    registry_services.save_organisation_record({**RECORD, "fields": "rail"})
    assert orphans() == 0
    assert [name for _kind, name, _value in index_facets()].count("field") == 2  # rail, area
    indexed_organisation(name="Cool Silicon", slug="cool-silicon", fields=("photonics",))
    services.rebuild_index()
    assert orphans() == 0
    registry_services.save_organisation_record({**RECORD, "status": "archived"})
    assert orphans() == 0
    SearchDocument.objects.filter(slug="cool-silicon").delete()

    assert SearchDocument.objects.count() == 0
    assert SearchFacet.objects.count() == 0
    assert index_facets() == []


@pytest.mark.parametrize("status", ["draft", "pending", "archived"])
def test_unpublished_organisations_leave_the_index(status):
    registry_services.save_organisation_record(RECORD)

    registry_services.save_organisation_record({**RECORD, "status": status})

    assert SearchDocument.objects.count() == 0
    assert slugs("Photonics") == []


def test_unindex_removes_the_document_and_its_facets():
    organisation = indexed_organisation(name="Photonics BW", fields=("photonics",))

    removed = services.unindex("organisation", organisation.pk)

    assert removed == 1
    assert SearchDocument.objects.count() == 0
    assert SearchFacet.objects.count() == 0
    assert index_facets() == []
    assert slugs("Photonics") == []


def test_rebuild_index_makes_the_index_from_the_database():
    indexed_organisation(name="Cool Silicon", slug="cool-silicon")
    Organisation.objects.create(
        slug="not-yet-indexed",
        name="Silicon Saxony",
        kind="cluster",
        country_id="DE",
        status=Organisation.Status.PUBLISHED,
    )
    Organisation.objects.create(
        slug="draft",
        name="Silicon Draft",
        kind="cluster",
        country_id="DE",
        status=Organisation.Status.DRAFT,
    )

    count = services.rebuild_index()

    assert count == 2
    assert sorted(slugs("Silicon")) == ["cool-silicon", "not-yet-indexed"]


def test_rebuild_leaves_the_planner_statistics_of_the_new_index():
    for number in range(3):
        indexed_organisation(name=f"Photonics Network {number}")

    services.rebuild_index()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'search_searchdocument'")
        else:
            cursor.execute(
                "SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 "
                "WHERE tbl = 'search_searchdocument' AND idx = 'search_doc_cover'"
            )
        (rows,) = cursor.fetchone()
    assert rows == 3


def test_rebuild_search_index_command_reports_the_count(capsys):
    indexed_organisation(name="Cool Silicon")

    call_command("rebuild_search_index")

    assert capsys.readouterr().out == "search index rebuilt: 1 documents\n"


def test_vocabulary_holds_whole_words_and_forms():
    indexed_organisation(name="Kliniken Nord")

    terms = dict(SearchTerm.objects.values_list("term", "surface"))

    assert terms["kliniken"] is True
    assert terms["klinik"] is False
    assert terms["nord"] is True


def test_writing_a_document_again_replaces_odd_facet_values_and_their_counts():
    """A value with a bar, or longer than the column, is stored as the row's facet_keys
    hold it (PostgreSQL counts from those), and removed with its document."""
    long_value = "x" * 120
    document = services.IndexedDocument(
        kind="event",
        object_id=7,
        slug="fair",
        title="Fair",
        facets=[("field", "a|b"), ("programme", long_value), ("field", "photonics")],
        updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    services.store_documents([document])
    stored = {(name, value) for _kind, name, value in index_facets()}
    assert stored == {
        ("type", "event"),
        ("field", "a/b"),
        ("programme", "x" * 80),
        ("field", "photonics"),
    }

    services.store_documents([document])  # written again: the old rows go
    assert {(name, value) for _kind, name, value in index_facets()} == stored
    assert len(index_facets()) == len(stored)
    assert SearchFacetCount.objects.get(kind="event", name="field", value="a/b").count == 1

    services.unindex("event", 7)
    assert not SearchFacet.objects.exists()
    assert index_facets() == []
    assert not SearchFacetCount.objects.filter(count__gt=0).exists()


def test_store_documents_indexes_dated_documents_of_other_kinds():
    written = services.store_documents(
        [
            services.IndexedDocument(
                kind="organisation",
                object_id=999,
                slug="photonics-days",
                title="Photonics Days",
                date_start=datetime.date(2026, 5, 4),
                updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            )
        ]
    )

    assert written == 1
    assert SearchDocument.objects.get().date_start == datetime.date(2026, 5, 4)


def test_size_band_by_member_total():
    assert [services.size_band(n) for n in (None, 0, 1, 49, 50, 999, 1000)] == [
        None,
        None,
        "1-49",
        "1-49",
        "50-249",
        "250-999",
        "1000-plus",
    ]


def facet_counts() -> dict[tuple[str, str, str], int]:
    return {
        (kind, name, value): count
        for kind, name, value, count in SearchFacetCount.objects.filter(count__gt=0).values_list(
            "kind", "name", "value", "count"
        )
    }


def test_facet_counts_follow_indexing_updates_and_removal():
    first = indexed_organisation(fields=("photonics",), states=("DE-TH",))
    indexed_organisation(fields=("photonics",), states=("DE-SN",))
    first.states.set([])
    services.index_organisation(first)
    services.unindex("organisation", first.pk)

    assert facet_counts() == {
        ("organisation", "type", "organisation"): 1,
        ("organisation", "kind", "cluster"): 1,
        ("organisation", "country", "DE"): 1,
        ("organisation", "state", "DE-SN"): 1,
        ("organisation", "field", "photonics"): 1,
        ("organisation", "field", "photonics-area"): 1,
    }


def test_facet_counts_are_kept_per_kind_of_document():
    indexed_organisation(states=("DE-TH",))
    event = services.IndexedDocument(
        kind="event", object_id=1, slug="summit", title="Summit", facets=[("state", "DE-TH")]
    )
    services.store_documents([event])

    # the facets carry their document's kind, for filters within a type
    assert {(name, value) for kind, name, value in index_facets() if kind == "event"} == {
        ("type", "event"),
        ("state", "DE-TH"),
    }
    kept = facet_counts()
    assert kept[("organisation", "state", "DE-TH")] == 1
    assert kept[("event", "state", "DE-TH")] == 1
    assert kept[("event", "type", "event")] == 1

    services.unindex("event", 1)

    assert ("event", "state", "DE-TH") not in facet_counts()
    assert facet_counts()[("organisation", "state", "DE-TH")] == 1


def test_rebuild_index_recounts_the_facets():
    indexed_organisation(states=("DE-TH",))
    SearchFacetCount.objects.update(count=99)

    services.rebuild_index()

    assert facet_counts() == {
        ("organisation", "type", "organisation"): 1,
        ("organisation", "kind", "cluster"): 1,
        ("organisation", "country", "DE"): 1,
        ("organisation", "state", "DE-TH"): 1,
    }


# Three words, one for each chunk of a long write (services.INDEX_CHUNK documents each).
CHUNK_WORDS = ("Wasserstoff", "Photonik", "Leichtbau")


def long_write(read_in: list | None = None, broken: int | None = None):
    """Documents enough for three chunks; each chunk's documents hold its word of
    CHUNK_WORDS. read_in collects the thread each document is read in; the document
    numbered broken cannot be analysed (no title)."""
    for number in range(2 * services.INDEX_CHUNK + 1):
        if read_in is not None:
            read_in.append(threading.get_ident())
        word = CHUNK_WORDS[number // services.INDEX_CHUNK]
        yield services.IndexedDocument(
            kind="news",
            object_id=number,
            slug=f"news-{number}",
            title=None if number == broken else f"{word} news {number}",
            facets=[("language", "de"), ("field", f"chunk-{number // services.INDEX_CHUNK}")],
        )


def test_a_write_of_several_chunks_indexes_every_document_with_its_words_and_facets():
    """Each backend analyses the next chunk while it writes one (SQLite in a thread,
    PostgreSQL while the server stores the rows sent): every chunk arrives, with its words
    in the vocabulary and its facets counted."""
    read_in: list[int] = []

    written = services.store_documents(long_write(read_in), fresh=True)

    total = 2 * services.INDEX_CHUNK + 1
    assert written == SearchDocument.objects.count() == total
    # the documents are read in the calling thread, whose database connection they may use
    assert set(read_in) == {threading.get_ident()}
    assert [search(SearchParams(q=word)).total for word in CHUNK_WORDS] == [
        services.INDEX_CHUNK,
        services.INDEX_CHUNK,
        1,
    ]
    assert {"wasserstoff", "photonik", "leichtbau"} <= set(
        SearchTerm.objects.filter(surface=True).values_list("term", flat=True)
    )
    assert facet_counts()[("news", "language", "de")] == total
    assert [name for _kind, name, _value in index_facets()].count("language") == total
    # each document's facets went with its own row, not with one of another chunk
    assert [
        search(SearchParams(q=word, filters={"field": [f"chunk-{number}"]})).total
        for number, word in enumerate(CHUNK_WORDS)
    ] == [services.INDEX_CHUNK, services.INDEX_CHUNK, 1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL keeps no facet rows")
def test_postgresql_keeps_the_facets_as_the_documents_keys_only():
    """PostgreSQL tests and counts facets on the documents' keys (migration 0022): it
    writes no facet rows, and takes a removed document's values off the counts by its
    keys."""
    services.store_documents(long_write(), fresh=True)
    assert not SearchFacet.objects.exists()
    counted = facet_counts()[("news", "language", "de")]
    assert counted == SearchDocument.objects.filter(facet_keys__contains="|language=de|").count()

    services.unindex("news", 0)

    assert facet_counts()[("news", "language", "de")] == counted - 1
    assert not SearchFacet.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's migration")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_the_migration_to_the_keys_keeps_every_filter_and_count():
    """Migration 0022 empties PostgreSQL's facet rows (backwards, it makes them again from
    the documents' keys): the documents indexed before it are filtered and counted alike."""
    indexed_organisation(fields=("photonics",), states=("DE-TH",), members_sme=40)
    indexed_organisation(
        slug="other", country=Country.objects.get(code="FR"), programmes=(("interspin", 2016),)
    )
    params = SearchParams(filters={"country": ["DE", "FR"]}, sort="name")

    def found() -> tuple:
        results = search(params)
        counts = {name: {i.value: i.count for i in items} for name, items in results.facets.items()}
        return [hit.slug for hit in results.hits], counts

    before = found()
    with migrated_from("0021_geo_cells", "0022_facet_keys_gin_for_postgresql"):
        assert not SearchFacet.objects.exists()
        assert found() == before
    with migrated_from("0022_facet_keys_gin_for_postgresql", "0021_geo_cells"):
        rows_made_again = sorted(SearchFacet.objects.values_list("kind", "name", "value"))
    assert rows_made_again == index_facets()
    assert found() == before
    assert before[1]["state"] == {"DE-TH": 1}


def test_a_write_whose_later_chunk_fails_leaves_nothing_behind():
    """The error of a document analysed ahead (in the analysis thread, or inside
    PostgreSQL's COPY of the chunk before) reaches the caller, and the chunks written
    before it are rolled back with the rest."""
    with pytest.raises((AttributeError, TypeError)):
        services.store_documents(long_write(broken=services.INDEX_CHUNK + 7), fresh=True)

    assert not SearchDocument.objects.exists()
    assert not SearchFacet.objects.exists()
    assert not SearchFacetCount.objects.filter(count__gt=0).exists()


@pytest.mark.integration
@pytest.mark.django_db
def test_reindexing_a_renamed_value_writes_the_documents_that_carry_it():
    saxon = indexed_organisation(name="Silicon Saxony", states=("DE-SN",))
    withdrawn = indexed_organisation(name="Cool Silicon", states=("DE-SN",))
    thuringian = indexed_organisation(name="OptoNet", states=("DE-TH",))
    State.objects.filter(code="DE-SN").update(name_de="Freistaat Sachsen", name_en="Free State")
    # (a write that bypassed the services: the organisation is no longer public)
    Organisation.objects.filter(pk=withdrawn.pk).update(status=Organisation.Status.DRAFT)

    assert services.reindex_labelled("state", "DE-SN") == 1

    found = search(SearchParams(q="Freistaat"))
    assert [hit.object_id for hit in found.hits] == [saxon.pk]
    indexed = set(SearchDocument.objects.values_list("object_id", flat=True))
    assert indexed == {saxon.pk, thuringian.pk}


@pytest.mark.integration
@pytest.mark.django_db
def test_every_process_builds_its_analyzer_again_when_the_taxonomy_changes(
    monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path
):
    """A field's labels are the compound lexicon: an edit in one process reaches the
    others through the shared cache's generation (checked every CHECK_SECONDS), on
    another machine too (no file shared: the machine's file cannot be written here)."""
    (tmp_path / "a-file").write_text("")
    settings.SEARCH_LEXICON_GENERATION_FILE = tmp_path / "a-file" / "generation"
    monkeypatch.setattr(lexicon, "CHECK_SECONDS", 0.0)
    lexicon.reset_analyzer()
    before = lexicon.current_analyzer()
    Field.objects.create(slug="zorbel", name_de="Zorbel", name_en="Zorbel")

    # nothing said the labels changed: the analyzer is kept
    assert lexicon.current_analyzer() is before
    assert "zorbel" not in before.word_terms("zorbelnetzwerk")
    # another process's edit moves the shared generation only (this process's own
    # analyzer is not reset by it)
    other_process = lexicon.reset_analyzer
    monkeypatch.setattr(lexicon, "reset_analyzer", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        lexicon.lexicon_changed()
    monkeypatch.setattr(lexicon, "reset_analyzer", other_process)

    after = lexicon.current_analyzer()
    assert after is not before
    assert "zorbel" in after.word_terms("zorbelnetzwerk")


@pytest.mark.integration
@pytest.mark.django_db
def test_a_label_edited_in_another_worker_without_a_shared_cache_reaches_this_one(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Without Redis each gunicorn worker's cache is its own: the workers of one machine
    learn of an edit from the generation file (var/), within CHECK_SECONDS."""
    monkeypatch.setattr(lexicon, "CHECK_SECONDS", 0.0)
    lexicon.reset_analyzer()
    before = lexicon.current_analyzer()
    Field.objects.create(slug="zorbel", name_de="Zorbel", name_en="Zorbel")

    # the other worker: a cache of its own, and its own analyzer reset, not this one's
    this_process = lexicon.cache, lexicon.reset_analyzer
    monkeypatch.setattr(lexicon, "cache", LocMemCache("another-worker", {}))
    monkeypatch.setattr(lexicon, "reset_analyzer", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        lexicon.lexicon_changed()
    monkeypatch.setattr(lexicon, "cache", this_process[0])
    monkeypatch.setattr(lexicon, "reset_analyzer", this_process[1])

    after = lexicon.current_analyzer()
    assert after is not before
    assert "zorbel" in after.word_terms("zorbelnetzwerk")
    # and once built, it is kept while nothing changes
    assert lexicon.current_analyzer() is after


@pytest.mark.integration
@pytest.mark.django_db
def test_a_generation_file_that_cannot_be_written_is_logged_and_the_edit_stands(
    django_capture_on_commit_callbacks, settings, tmp_path, caplog
):
    (tmp_path / "a-file").write_text("")
    settings.SEARCH_LEXICON_GENERATION_FILE = tmp_path / "a-file" / "generation"
    lexicon.reset_analyzer()
    before = lexicon.current_analyzer()

    with django_capture_on_commit_callbacks(execute=True):
        Field.objects.create(slug="zorbel", name_de="Zorbel", name_en="Zorbel")
        lexicon.lexicon_changed()

    assert Field.objects.filter(slug="zorbel").exists()
    assert "the lexicon's generation was not written" in caplog.text
    # this process builds its analyzer again at once all the same
    assert "zorbel" in lexicon.current_analyzer().word_terms("zorbelnetzwerk")
    assert lexicon.current_analyzer() is not before
