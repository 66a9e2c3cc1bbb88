import gzip

import pytest
from django.urls import reverse
from django.utils import translation

from clusterscape.core.cache import public_pages_changed
from clusterscape.registry import queries, views
from clusterscape.registry.models import Field, Organisation, PartnerLink, State

from .factories import (
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def make_listed_organisation(**kwargs) -> Organisation:
    organisation = OrganisationFactory(**kwargs)
    organisation.states.set([State.objects.get(code="DE-BW")])
    organisation.fields.set([Field.objects.get(slug="biotechnology")])
    ProgrammeMembershipFactory(
        organisation=organisation,
        programme=ProgrammeFactory(slug=f"programme-of-{organisation.slug}"),
        year=2008,
    )
    return organisation


def test_home_summarises_published_organisations_by_country_with_directory_links(client):
    make_listed_organisation(name="Biotechnologie Rhein-Neckar", short_name="BioRN")
    OrganisationFactory(country_id="FR")
    OrganisationFactory(country_id="FR")
    OrganisationFactory(name="Hidden Draft", country_id="AT", status=Organisation.Status.DRAFT)

    response = client.get("/en/")

    assert response.status_code == 200
    assert [(row.label, row.count, row.url) for row in response.context["by_country"]] == [
        ("France", 2, "/en/clusters/?country=FR"),
        ("Germany", 1, "/en/clusters/?country=DE"),
    ]
    page = response.content.decode()
    assert 'data-markers-url="/en/clusters/map.json"' in page
    assert (
        '<th scope="row"><a href="/en/clusters/?country=FR">France</a></th>\n'
        '            <td class="num">2</td>'
    ) in page
    assert "Austria" not in page


def test_map_markers_place_published_organisations_and_approximate_the_rest(client):
    placed = make_listed_organisation(
        name="Biotechnologie Rhein-Neckar", short_name="BioRN", city="Heidelberg"
    )
    placed.latitude, placed.longitude, placed.location_precision = 49.41, 8.69, "city"
    placed.save()
    in_state = make_listed_organisation(name="Cluster ohne Ort", city="")
    State.objects.filter(code="DE-BW").update(centre_latitude=48.54, centre_longitude=9.04)
    OrganisationFactory(
        name="Hidden Draft", status=Organisation.Status.DRAFT, latitude=1, longitude=1
    )

    response = client.get("/en/clusters/map.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "url": "/en/clusters/{slug}/",
        "markers": [
            [49.41, 8.69, 0, "Biotechnologie Rhein-Neckar (BioRN)", placed.slug, "Heidelberg"],
            [48.54, 9.04, 1, "Cluster ohne Ort", in_state.slug, "Baden-Württemberg"],
        ],
    }


def test_map_markers_are_gzipped_for_browsers_that_accept_it(client):
    make_listed_organisation(name="Erster Name", latitude=50.9, longitude=11.6)

    plain = client.get("/en/clusters/map.json")
    zipped = client.get("/en/clusters/map.json", headers={"accept-encoding": "gzip, br"})

    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["Vary"] == plain["Vary"] == "Accept-Encoding"


def test_map_markers_answer_not_modified_and_follow_writes(
    client, django_capture_on_commit_callbacks
):
    organisation = make_listed_organisation(name="Erster Name", latitude=50.9, longitude=11.6)
    first = client.get("/en/clusters/map.json")

    again = client.get("/en/clusters/map.json", headers={"if-none-match": first["ETag"]})
    organisation.name = "Zweiter Name"
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save()
        public_pages_changed()
    after_write = client.get("/en/clusters/map.json")

    assert again.status_code == 304
    assert after_write.status_code == 200
    assert [marker[3] for marker in after_write.json()["markers"]] == ["Zweiter Name"]
    assert after_write["ETag"] != first["ETag"]


def test_home_figures_count_germany_abroad_and_programmes(client):
    leading_edge = ProgrammeFactory(slug="spitzencluster")
    german = OrganisationFactory()
    ProgrammeMembershipFactory(organisation=german, programme=leading_edge, year=2008)
    ProgrammeMembershipFactory(organisation=german, programme=leading_edge, year=2012)
    OrganisationFactory(country_id="FR")
    OrganisationFactory(country_id="FR", status=Organisation.Status.ARCHIVED)

    response = client.get("/en/")

    assert response.context["figures"] == {
        "organisations": 2,
        "german": 1,
        "international": 1,
        "countries": 2,
        "leading_edge": 1,
        "internationalisation": 0,
        "partner_countries": 0,
    }


@pytest.mark.parametrize("count", [1, 3])
def test_home_query_count_does_not_grow_with_organisations(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        make_listed_organisation()

    # figures, partner countries, kinds, states, areas (2), programmes, countries,
    # and the community's latest news, next events (with their bound) and calls closing
    # soon (content app)
    with django_assert_num_queries(12):
        response = client.get("/en/")

    assert sum(row.count for row in response.context["by_country"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_map_markers_query_count_does_not_grow_with_organisations(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        make_listed_organisation(latitude=50.9, longitude=11.6)

    # the organisations with their countries, and their states
    with django_assert_num_queries(2):
        response = client.get("/en/clusters/map.json")

    assert len(response.json()["markers"]) == count


def test_home_speaks_german_under_de_prefix(client):
    response = client.get("/de/")

    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "<h1>Die Clusterlandschaft</h1>" in page
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in page


def test_root_redirects_to_language_prefix(client):
    response = client.get("/", headers={"accept-language": "en"})

    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_profile_shows_facts_and_sources(client):
    organisation = make_listed_organisation(
        slug="biorn",
        name="Biotechnologie Rhein-Neckar",
        city="Heidelberg",
        website="https://biorn.org",
    )
    SourceFactory(organisation=organisation, url="https://heise.de/-202619")

    with translation.override("en"):
        url = reverse("registry:organisation-detail", kwargs={"slug": "biorn"})
    response = client.get(url)

    assert url == "/en/clusters/biorn/"
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Biotechnologie Rhein-Neckar</h1>" in page
    assert "Heidelberg" in page
    assert 'href="https://heise.de/-202619"' in page
    assert 'href="https://biorn.org"' in page


@pytest.mark.parametrize("status", [Organisation.Status.DRAFT, Organisation.Status.ARCHIVED])
def test_profile_of_unpublished_organisation_is_not_found(client, status):
    OrganisationFactory(slug="secret", status=status)

    response = client.get("/en/clusters/secret/")

    assert response.status_code == 404


def test_home_counts_kinds_in_plural(client):
    OrganisationFactory.create_batch(2)
    OrganisationFactory(kind=Organisation.Kind.NETWORK)

    response = client.get("/en/")

    assert response.context["by_kind"] == ["2 clusters", "1 network"]


def test_home_tallies_states_areas_and_programmes_with_links(client):
    organisation = make_listed_organisation()
    organisation.fields.add(Field.objects.get(slug="medical-technology"))

    response = client.get("/en/")

    by_state = {tally.label: (tally.count, tally.url) for tally in response.context["by_state"]}
    assert by_state["Baden-Württemberg"] == (1, "/en/states/baden-wuerttemberg/")
    assert by_state["Bavaria"] == (0, "/en/states/bayern/")
    by_area = {tally.label: tally.count for tally in response.context["by_area"]}
    # two fields of one area count the organisation once
    assert by_area["Health and life sciences"] == 1
    assert by_area["Mobility"] == 0
    assert [(t.label, t.count) for t in response.context["by_programme"]] == [
        (f"Programme {organisation.memberships.get().programme.name_en.split()[-1]}", 1)
    ]


def test_state_page_lists_only_its_organisations(client):
    inside = make_listed_organisation(name="Inside")
    OrganisationFactory(name="Elsewhere")

    response = client.get("/en/states/baden-wuerttemberg/")

    assert response.status_code == 200
    assert list(response.context["organisations"]) == [inside]
    assert response.context["figures"]["organisations"] == 1


def test_area_page_includes_organisations_of_its_fields(client):
    in_field = make_listed_organisation(name="Biotech")
    in_other_area = OrganisationFactory(name="Cars")
    in_other_area.fields.set([Field.objects.get(slug="automotive")])

    area = client.get("/en/fields/health/")
    field = client.get("/en/fields/biotechnology/")
    other = client.get("/en/fields/medical-technology/")

    assert list(area.context["organisations"]) == [in_field]
    assert list(field.context["organisations"]) == [in_field]
    assert list(other.context["organisations"]) == []


def test_programme_page_groups_members_by_round(client):
    programme = ProgrammeFactory(slug="interspin", name_en="InterSpiN")
    early, late, undated = (
        OrganisationFactory(name="Early"),
        OrganisationFactory(name="Late"),
        OrganisationFactory(name="Undated"),
    )
    late.partner_countries.set(["US", "MX"])
    ProgrammeMembershipFactory(organisation=early, programme=programme, year=2015)
    ProgrammeMembershipFactory(organisation=late, programme=programme, year=2017)
    ProgrammeMembershipFactory(organisation=undated, programme=programme, year=None)
    ProgrammeMembershipFactory(
        organisation=OrganisationFactory(status=Organisation.Status.DRAFT), programme=programme
    )

    response = client.get("/en/programmes/interspin/")

    assert response.context["rounds"] == [(2015, [early]), (2017, [late]), (None, [undated])]
    page = response.content.decode()
    assert "Selected in 2017" in page
    assert "Mexico, United States" in page or "United States, Mexico" in page


# Queries per landing page, the same for 1 and 3 organisations: no query per row.
LANDING_PAGE_QUERIES = {
    "/en/states/": 1,
    "/en/states/baden-wuerttemberg/": 7,
    "/en/fields/": 3,
    "/en/fields/health/": 8,
    "/en/programmes/": 1,
}


@pytest.mark.parametrize(("url", "queries"), LANDING_PAGE_QUERIES.items())
@pytest.mark.parametrize("count", [1, 3])
def test_landing_page_query_count_does_not_grow(
    client, django_assert_num_queries, url, queries, count
):
    for _ in range(count):
        make_listed_organisation()

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


def test_profile_has_schema_org_json_ld(client):
    organisation = make_listed_organisation(
        slug="biorn", name="Biotechnologie Rhein-Neckar", short_name="BioRN", city="Heidelberg"
    )
    SourceFactory(organisation=organisation, url="https://heise.de/-202619")

    response = client.get("/en/clusters/biorn/")

    assert response.context["json_ld"] == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Biotechnologie Rhein-Neckar",
        "alternateName": "BioRN",
        "url": "http://testserver/en/clusters/biorn/",
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "DE",
            "addressLocality": "Heidelberg",
        },
        "knowsAbout": ["Biotechnology"],
        "subjectOf": ["https://heise.de/-202619"],
    }
    assert '<script type="application/ld+json">{"@context": "https://schema.org"' in (
        response.content.decode()
    )


def test_profile_falls_back_to_other_language_description_with_note(client):
    OrganisationFactory(slug="only-german", description_de="Ein Cluster.", description_en="")

    english = client.get("/en/clusters/only-german/").content.decode()
    german = client.get("/de/clusters/only-german/").content.decode()

    assert '<p lang="de">Ein Cluster.</p>' in english
    assert "This description is available only in the other language." in english
    assert '<p lang="de">Ein Cluster.</p>' in german
    assert "only in the other language" not in german


def test_profile_links_partner_organisations_both_ways(client):
    a = OrganisationFactory(slug="a", name="Alpha")
    b = OrganisationFactory(slug="b", name="Beta")
    PartnerLink.objects.create(
        source=a,
        target=b,
        kind=PartnerLink.Kind.MOU,
        year=2019,
        source_url="https://example.org/mou",
    )

    alpha = client.get("/en/clusters/a/")
    beta = client.get("/en/clusters/b/")

    assert [partner for partner, _link in alpha.context["partners"]] == [b]
    assert [partner for partner, _link in beta.context["partners"]] == [a]
    assert '<a href="/en/clusters/a/">Alpha</a>' in beta.content.decode()


def test_sitemap_lists_published_profiles_in_both_languages_with_alternates(client):
    OrganisationFactory(slug="biorn")
    OrganisationFactory(slug="draft-one", status=Organisation.Status.DRAFT)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    body = response.content.decode()
    assert "<loc>http://testserver/de/clusters/biorn/</loc>" in body
    assert "<loc>http://testserver/en/clusters/biorn/</loc>" in body
    assert 'hreflang="en" href="http://testserver/en/clusters/biorn/"' in body
    assert "draft-one" not in body
    assert "<loc>http://testserver/en/states/bayern/</loc>" in body


def test_robots_txt_points_to_sitemap_and_keeps_admin_out(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /de/admin/\nDisallow: /en/admin/\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )


def test_pages_carry_canonical_and_open_graph_tags(client):
    OrganisationFactory(slug="biorn", name="Biotechnologie Rhein-Neckar")

    page = client.get("/en/clusters/biorn/?utm=x").content.decode()

    assert '<link rel="canonical" href="http://testserver/en/clusters/biorn/">' in page
    assert '<meta property="og:title" content="Biotechnologie Rhein-Neckar">' in page
    assert '<meta property="og:type" content="profile">' in page
    assert '<meta property="og:locale" content="en_GB">' in page


def test_about_data_reports_coverage_and_gaps(client):
    placed = make_listed_organisation(name="Placed", city="Heidelberg", website="https://a.org")
    placed.latitude, placed.longitude = 49.4, 8.7
    placed.save()
    SourceFactory(organisation=placed)
    OrganisationFactory(name="Bare", country_id="FR")

    response = client.get("/en/about/data/")

    coverage = response.context["coverage"]
    assert (coverage.total, coverage.german, coverage.international) == (2, 1, 1)
    assert coverage.missing == {
        "city": 1, "website": 1, "field": 1, "source": 1, "coordinates": 1,
    }  # fmt: skip
    assert [o.name for o in response.context["without_website"]] == ["Bare"]
    assert [o.name for o in queries.organisations_lacking("source")] == ["Bare"]
    assert [o.name for o in queries.organisations_lacking("coordinates")] == ["Bare"]
    # equal counts are ordered by English name: France before Germany
    assert [(c.code, n) for c, n in coverage.by_country] == [("FR", 1), ("DE", 1)]
    assert "1 organisation without a website" in response.content.decode()


def test_about_data_names_the_first_organisations_without_a_website_and_counts_the_rest(
    client, monkeypatch
):
    monkeypatch.setattr(views, "GAP_NAMES_SHOWN", 2)
    for name in ("Gamma", "Alpha", "Beta"):
        OrganisationFactory(name=name, website="")

    page = client.get("/en/about/data/").content.decode()

    assert "3 organisations without a website" in page
    assert page.index(">Alpha</a>") < page.index(">Beta</a>")
    assert ">Gamma</a>" not in page
    assert "… and 1 more." in page


def test_data_report_command_prints_coverage_and_gaps():
    from io import StringIO

    from django.core.management import call_command

    OrganisationFactory(slug="bare", name="Bare", country_id="FR")
    out = StringIO()

    call_command("data_report", stdout=out)

    text = out.getvalue()
    assert text.startswith("Published organisations: 1 (0 German, 1 international)\n")
    assert "\n1 without a website\n  bare\n" in text


def test_profile_summary_states_only_the_profiles_facts_in_both_languages(client):
    organisation = make_listed_organisation(slug="biorn", name="BioRN Cluster", city="Heidelberg")

    english = client.get("/en/clusters/biorn/").context["summary"]
    german = client.get("/de/clusters/biorn/").context["summary"]

    assert english == (
        "BioRN Cluster: cluster in Heidelberg, Baden-Württemberg, working on Biotechnology."
    )
    assert german == (
        "BioRN Cluster: Cluster in Heidelberg, Baden-Württemberg, Themen: Biotechnologie."
    )
    assert organisation.description_en == ""


def test_home_figures_are_computed_once_per_state_of_the_data(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    organisation = make_listed_organisation()
    client.get("/en/")

    # content's latest items (and the bound of upcoming events), not the figures
    with django_assert_max_num_queries(4):
        again = client.get("/en/")
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(country_id="FR")
        public_pages_changed()
    after_write = client.get("/en/")

    assert again.context["figures"]["organisations"] == 1
    assert after_write.context["figures"]["organisations"] == 2
    assert organisation.pk
