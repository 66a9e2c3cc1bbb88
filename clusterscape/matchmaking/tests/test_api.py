import datetime

import pytest

from clusterscape.accounts.models import Membership, User
from clusterscape.matchmaking import requests

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


def test_partner_requests_list_detail_and_interest_by_session(client):
    owner = matched_organisation(name="Leichtbau Sachsen", slug="leichtbau-sachsen")
    other = matched_organisation(name="Composites Lyon", slug="composites-lyon", country="FR")
    manager = User.objects.create_user(username="anna", email="anna@example.org", password="x")
    Membership.objects.create(user=manager, organisation=owner, role=Membership.Role.MANAGER)
    sender = User.objects.create_user(username="claire", email="c@example.org", password="x")
    Membership.objects.create(user=sender, organisation=other, role=Membership.Role.MEMBER)
    partner_request = requests.publish_partner_request(
        owner,
        by=manager,
        title="Testing partner",
        seeks="Testing of CFRP parts",
        offers="",
        cooperation="project",
        deadline=datetime.date.today() + datetime.timedelta(days=10),
        language="en",
        fields=["lightweight-construction"],
        target_countries=["FR"],
    )

    listed = client.get("/api/v1/partner-requests", {"country": "fr"}).json()
    assert [(r["id"], r["organisation"], r["fields"]) for r in listed] == [
        (partner_request.pk, "leichtbau-sachsen", ["lightweight-construction"])
    ]
    assert client.get(f"/api/v1/partner-requests/{partner_request.pk}").json()["title"] == (
        "Testing partner"
    )
    url = f"/api/v1/partner-requests/{partner_request.pk}/interests"
    payload = {"organisation": "composites-lyon", "message": "We test CFRP."}
    assert client.post(url, payload, content_type="application/json").status_code == 401

    client.force_login(sender)
    empty = client.post(
        url, {"organisation": "composites-lyon", "message": ""}, content_type="application/json"
    )
    assert empty.status_code == 422
    assert list(empty.json()["errors"]) == ["message"]
    refused = client.post(
        url,
        {"organisation": "leichtbau-sachsen", "message": "Not mine"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    created = client.post(url, payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["status"] == "pending"
