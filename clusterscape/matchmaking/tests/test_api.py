import pytest

from .factories import matched_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

URL = "/api/v1/organisations/leichtbau-sachsen/recommendations"


@pytest.fixture
def landscape():
    matched_organisation(
        name="Leichtbau Sachsen",
        slug="leichtbau-sachsen",
        fields=("lightweight-construction",),
        seeks=(("lightweight-construction", "testing-certification"),),
    )
    matched_organisation(
        name="Composites Lyon",
        slug="composites-lyon",
        country="FR",
        fields=("lightweight-construction",),
        offers=(("lightweight-construction", "testing-certification"),),
        targets=("DE",),
    )


def test_recommendations_carry_parts_and_reasons_in_the_asked_language(client, landscape):
    response = client.get(URL, {"lang": "de"})

    assert response.status_code == 200
    body = response.json()
    assert body["organisation"] == "leichtbau-sachsen"
    assert body["scope"] == "international"
    assert [r["slug"] for r in body["results"]] == ["composites-lyon"]
    first = body["results"][0]
    assert first["parts"] == {"thematic": 0.7, "complementarity": 0.5, "fit": 0.3}
    assert first["score"] == 0.5300
    assert [r["code"] for r in first["reasons"]] == [
        "shared_fields",
        "they_offer",
        "they_target_you",
    ]
    assert first["reasons"][1]["items"] == ["lightweight-construction:testing-certification"]
    assert first["reasons"][2]["text"] == "sie suchen Partner in Deutschland"
    assert body["hints"] == [
        "Ergänzen Sie die Länder, in denen Sie Partner suchen: Partner, die dort nach Ihnen "
        "suchen, stehen dann weiter oben."
    ]


def test_bad_parameters_are_422_naming_the_fields(client, landscape):
    response = client.get(URL, {"lang": "fr", "country": "XX", "limit": 0})

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["country", "lang", "limit"]


def test_unknown_organisation_is_404(client, landscape):
    response = client.get("/api/v1/organisations/nowhere/recommendations")

    assert response.status_code == 404
