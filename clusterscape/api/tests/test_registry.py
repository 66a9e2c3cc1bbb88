import csv
import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from clusterscape.registry.models import Organisation, PartnerLink
from clusterscape.registry.records import COLUMNS
from clusterscape.registry.tests.factories import OrganisationFactory, SourceFactory
from clusterscape.search.tests.factories import indexed_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def landscape():
    biorn = indexed_organisation(
        slug="biorn",
        name="BioRN",
        city="Heidelberg",
        fields=("biotechnology",),
        states=("DE-BW",),
    )
    SourceFactory(organisation=biorn, url="https://www.biorn.org/")
    optonet = indexed_organisation(
        slug="optonet", name="OptoNet", fields=("photonics",), states=("DE-TH",)
    )
    arena = indexed_organisation(
        slug="arena2036", name="ARENA2036", fields=("automotive",), states=("DE-BW",)
    )
    draft = OrganisationFactory(slug="hidden", name="Hidden", status=Organisation.Status.DRAFT)
    return {"biorn": biorn, "optonet": optonet, "arena": arena, "draft": draft}


def test_organisation_list_pages_by_name_with_links_and_licence(client, landscape):
    response = client.get("/api/v1/organisations", {"page_size": 2})

    body = response.json()
    assert response.status_code == 200
    assert [record["slug"] for record in body["results"]] == ["arena2036", "biorn"]
    assert (body["count"], body["page"], body["pages"], body["previous"]) == (3, 1, 2, None)
    assert body["next"] == "http://testserver/api/v1/organisations?page_size=2&page=2"
    assert body["licence"].startswith("CC BY 4.0")
    second = client.get(body["next"]).json()
    assert [record["slug"] for record in second["results"]] == ["optonet"]
    assert second["next"] is None


def test_organisation_record_carries_sources_profile_url_and_licence(client, landscape):
    body = client.get("/api/v1/organisations", {"q": "BioRN"}).json()

    (record,) = body["results"]
    assert record["source_urls"] == ["https://www.biorn.org/"]
    assert record["url"] == "http://testserver/de/clusters/biorn/"
    assert record["licence"] == body["licence"]
    assert (record["name"], record["city"], record["states"], record["fields"]) == (
        "BioRN",
        "Heidelberg",
        ["DE-BW"],
        ["biotechnology"],
    )


def test_organisation_list_filters_like_the_directory(client, landscape):
    body = client.get("/api/v1/organisations", {"state": "DE-BW", "fields": "name"}).json()

    assert body["results"] == [
        {
            **{column: None for column in COLUMNS if column not in ("slug", "name")},
            "slug": "arena2036",
            "name": "ARENA2036",
            "url": "http://testserver/de/clusters/arena2036/",
            "licence": body["licence"],
            "partners": None,
        },
        {
            **{column: None for column in COLUMNS if column not in ("slug", "name")},
            "slug": "biorn",
            "name": "BioRN",
            "url": "http://testserver/de/clusters/biorn/",
            "licence": body["licence"],
            "partners": None,
        },
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"fields": "name,password"}, "fields"),
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"lat": "95", "lon": "10"}, "lat"),
    ],
)
def test_organisation_list_rejects_bad_parameters_naming_them(client, landscape, params, field):
    response = client.get("/api/v1/organisations", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_wrong_types_get_422_naming_the_field(client, landscape):
    response = client.get("/api/v1/organisations", {"page_size": "abc", "lang": "en"})

    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."
    assert list(response.json()["errors"]) == ["page_size"]


def test_page_size_is_capped(client, landscape):
    body = client.get("/api/v1/organisations", {"page_size": 5000}).json()

    assert body["page_size"] == 100


def test_organisation_detail_has_partners_and_hides_drafts(client, landscape):
    PartnerLink.objects.create(
        source=landscape["biorn"],
        target=landscape["optonet"],
        kind=PartnerLink.Kind.choices[0][0],
        year=2016,
        source_url="https://example.org/partnership",
    )

    body = client.get("/api/v1/organisations/optonet").json()
    missing = client.get("/api/v1/organisations/hidden?lang=en")

    assert body["partners"] == [
        {
            "slug": "biorn",
            "kind": PartnerLink.Kind.choices[0][0],
            "year": 2016,
            "source": "https://example.org/partnership",
        }
    ]
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No published organisation has this key."


def test_reads_answer_not_modified_by_etag_and_by_date(client, landscape):
    first = client.get("/api/v1/organisations/biorn")

    by_etag = client.get("/api/v1/organisations/biorn", headers={"if-none-match": first["ETag"]})
    by_date = client.get(
        "/api/v1/organisations/biorn", headers={"if-modified-since": first["Last-Modified"]}
    )

    assert first.status_code == 200
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""


def test_reads_allow_any_origin(client, landscape):
    response = client.get("/api/v1/fields", headers={"origin": "https://example.org"})

    assert response["Access-Control-Allow-Origin"] == "*"


def test_language_follows_lang_parameter_and_accept_language(client, landscape):
    german = client.get("/api/v1/regions", {"lang": "de"}).json()
    english = client.get("/api/v1/regions", headers={"accept-language": "en"}).json()

    assert [c["name"] for c in german["countries"]] == ["Deutschland"]
    assert [c["name"] for c in english["countries"]] == ["Germany"]
    assert [s["organisations"] for s in german["states"] if s["code"] in ("DE-BW", "DE-TH")] == [
        2,
        1,
    ]


@override_settings(API_RATE_LIMIT_PER_ADDRESS=2)
def test_too_many_requests_get_429_with_retry_after(client, landscape):
    statuses = [client.get("/api/v1/statistics").status_code for _ in range(3)]

    limited = client.get("/api/v1/statistics?lang=en")
    assert statuses == [200, 200, 429]
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["detail"].startswith("Too many requests")


def test_export_csv_is_the_import_format_of_published_organisations(client, landscape):
    response = client.get("/api/v1/exports/organisations", {"format": "csv", "state": "DE-BW"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="organisations.csv"'
    assert rows[0] == list(COLUMNS)
    assert [row[0] for row in rows[1:]] == ["arena2036", "biorn"]


def test_export_xlsx_holds_the_same_rows(client, landscape):
    response = client.get("/api/v1/exports/organisations", {"format": "xlsx"})

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook["organisations"].iter_rows(values_only=True))
    assert rows[0] == tuple(COLUMNS)
    assert [row[0] for row in rows[1:]] == ["arena2036", "biorn", "optonet"]


def test_export_json_and_unknown_format(client, landscape):
    document = client.get("/api/v1/exports/organisations", {"format": "json"}).json()
    unknown = client.get("/api/v1/exports/organisations", {"format": "pdf"})

    assert [item["slug"] for item in document["organisations"]] == [
        "arena2036",
        "biorn",
        "optonet",
    ]
    assert unknown.status_code == 400
    assert list(unknown.json()["errors"]) == ["format"]


def test_statistics_and_programmes_and_fields(client, landscape):
    statistics = client.get("/api/v1/statistics").json()
    fields = client.get("/api/v1/fields", {"lang": "en"}).json()

    assert statistics["figures"]["organisations"] == 3
    assert [(t["key"], t["count"]) for t in statistics["by_country"]] == [("DE", 3)]
    biotechnology = next(f for f in fields if f["slug"] == "biotechnology")
    assert (biotechnology["organisations"], biotechnology["parent"]) == (1, "health")


@pytest.mark.parametrize("count", [1, 3])
def test_organisation_list_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    for number in range(count):
        indexed_organisation(slug=f"org-{number}", name=f"Organisation {number}")

    with django_assert_max_num_queries(16):
        body = client.get("/api/v1/organisations").json()

    assert body["count"] == count
