"""PATCH /api/v1/organisations/{slug}: managers change their own profile through the
registry's record service, with an API token or a signed-in session and its CSRF token."""

import json

import pytest
from django.test import Client, override_settings

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.services import create_api_token
from clusterscape.registry.models import Organisation
from clusterscape.registry.tests.factories import OrganisationFactory, SourceFactory
from clusterscape.search.models import SearchDocument

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

URL = "/api/v1/organisations/biorn?lang=en"


@pytest.fixture
def biorn():
    organisation = OrganisationFactory(slug="biorn", name="BioRN", city="Heidelberg")
    SourceFactory(organisation=organisation, url="https://www.biorn.org/")
    return organisation


@pytest.fixture
def optonet():
    organisation = OrganisationFactory(slug="optonet", name="OptoNet")
    SourceFactory(organisation=organisation, url="https://optonet-jena.de/")
    return organisation


@pytest.fixture
def manager(biorn):
    user = User.objects.create_user(username="anna", email="anna@example.org", password="x")
    Membership.objects.create(user=user, organisation=biorn, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def token(manager, biorn) -> dict[str, str]:
    _token, raw = create_api_token(manager, name="website", organisations=[biorn])
    return {"Authorization": f"Bearer {raw}"}


def patch(client, body, *, headers=None, url=URL):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.patch(url, data, content_type="application/json", headers=headers or {})


def unchanged(organisation) -> bool:
    stored = Organisation.objects.get(pk=organisation.pk)
    return (stored.name, stored.city, stored.founding_year, stored.updated_at) == (
        organisation.name,
        organisation.city,
        organisation.founding_year,
        organisation.updated_at,
    )


def test_manager_updates_profile_with_token(client, biorn, manager, token):
    response = patch(
        client,
        {
            "city": "Mannheim",
            "short_name": "BRN",
            "founding_year": 2009,
            "fields": ["biotechnology"],
            "keywords": None,
        },
        headers=token,
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["slug"], body["name"], body["city"], body["founding_year"], body["fields"]) == (
        "biorn",
        "BioRN",
        "Mannheim",
        2009,
        ["biotechnology"],
    )
    assert body["source_urls"] == ["https://www.biorn.org/"]
    stored = Organisation.objects.get(pk=biorn.pk)
    assert (stored.city, stored.founding_year) == ("Mannheim", 2009)
    assert [f.slug for f in stored.fields.all()] == ["biotechnology"]
    (version,) = versions_of(stored).filter(action="update")
    assert version.changed_by == manager
    document = SearchDocument.objects.get(kind="organisation", object_id=biorn.pk)
    assert document.short_name == "BRN"


def test_omitted_columns_keep_their_values(client, biorn, token):
    response = patch(client, {"founding_year": 2009}, headers=token)

    assert response.status_code == 200
    stored = Organisation.objects.get(pk=biorn.pk)
    assert (stored.name, stored.city, stored.founding_year) == ("BioRN", "Heidelberg", 2009)


def test_signed_in_manager_needs_the_csrf_token(biorn, manager):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)

    refused = patch(browser, {"city": "Mannheim"})
    browser.get("/en/clusters/biorn/")  # a page with a form sets the CSRF cookie
    accepted = patch(
        browser, {"city": "Mannheim"}, headers={"X-CSRFToken": browser.cookies["csrftoken"].value}
    )

    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "CSRF check Failed", "errors": {}},
    )
    assert (accepted.status_code, accepted.json()["city"]) == (200, "Mannheim")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer cs_abcd_wrong"}, {"Authorization": "Basic YW5uYTp4"}],
    ids=["none", "unknown-token", "other-scheme"],
)
def test_without_valid_credentials_is_401(biorn, headers):
    browser = Client(enforce_csrf_checks=True)

    response = patch(browser, {"city": "Mannheim"}, headers=headers)

    assert (response.status_code, response.json()) == (
        401,
        {
            "detail": "Send a valid API token (Authorization: Bearer cs_…) or sign in.",
            "errors": {},
        },
    )
    assert unchanged(biorn)


def test_token_for_another_organisation_is_403(client, biorn, optonet, token):
    url = "/api/v1/organisations/optonet?lang=en"
    response = patch(client, {"city": "Jena"}, headers=token, url=url)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This token may not write for this organisation.", "errors": {}},
    )
    assert unchanged(optonet)


def test_token_for_another_organisation_is_refused_in_german(client, biorn, optonet, token):
    url = "/api/v1/organisations/optonet?lang=de"

    response = patch(client, {"city": "Jena"}, headers=token, url=url)

    assert response.json()["detail"] == "Dieses Token darf nicht für diese Organisation schreiben."


def test_signed_in_manager_of_another_organisation_is_403(client, biorn, optonet, manager):
    client.force_login(manager)

    response = patch(client, {"city": "Jena"}, url="/api/v1/organisations/optonet?lang=en")

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You may not change this organisation.", "errors": {}},
    )
    assert unchanged(optonet)


def test_member_without_manager_role_is_403(client, biorn):
    member = User.objects.create_user(username="ben", email="ben@example.org", password="x")
    Membership.objects.create(user=member, organisation=biorn, role=Membership.Role.MEMBER)
    client.force_login(member)

    response = patch(client, {"city": "Jena"})

    assert response.status_code == 403
    assert unchanged(biorn)


def test_unknown_organisation_is_404(client, token):
    response = patch(client, {"city": "Jena"}, headers=token, url="/api/v1/organisations/x?lang=en")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No organisation has this key.", "errors": {}},
    )


def test_rule_violations_are_422_naming_each_column_and_nothing_is_written(client, biorn, token):
    response = patch(
        client,
        {
            "city": "Mannheim",
            "name": "",
            "website": "not a web address",
            "fields": ["no-such-field"],
            "offers": ["biotechnology:no-such-capability"],
        },
        headers=token,
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The profile is not valid.",
        "errors": {
            "name": ["is required"],
            "fields": ["unknown field 'no-such-field'"],
            "offers": ["unknown capability 'no-such-capability'"],
            "website": ["Enter a valid URL."],
        },
    }
    assert unchanged(biorn)


def test_wrong_types_and_unknown_columns_are_422_naming_each(client, biorn, token):
    response = patch(
        client,
        {"founding_year": "2009", "fields": "biotechnology", "status": "published", "slug": "x"},
        headers=token,
    )

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request is not valid.",
        "errors": {
            "founding_year": ["Input should be a valid integer"],
            "fields": ["Input should be a valid list"],
            "status": ["Extra inputs are not permitted"],
            "slug": ["Extra inputs are not permitted"],
        },
    }
    assert unchanged(biorn)


@pytest.mark.parametrize("body", ["{not json", b"\xff\xfe{}", "[" * 100_000], ids=str)
def test_malformed_body_is_400_with_a_machine_readable_error(client, biorn, token, body):
    response = patch(client, body, headers=token)

    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "The request body is not valid JSON.",
            "errors": {"body": ["Send one JSON object, encoded as UTF-8."]},
        },
    )
    assert unchanged(biorn)


def test_a_body_that_is_not_an_object_is_422(client, biorn, token):
    response = patch(client, "[1, 2]", headers=token)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["body"]
    assert unchanged(biorn)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000)
def test_huge_body_is_413(client, biorn, token):
    response = patch(client, {"description_en": "x" * 2_000}, headers=token)

    assert (response.status_code, response.json()) == (
        413,
        {
            "detail": "The request body is too large.",
            "errors": {"body": ["Send at most 1000 bytes."]},
        },
    )
    assert unchanged(biorn)


def test_every_write_without_credentials_is_401_not_a_csrf_failure(biorn):
    """A client with neither token nor session cookie is told to authenticate."""
    browser = Client(enforce_csrf_checks=True)

    update = patch(browser, {"city": "Mannheim"})
    interest = browser.post(
        "/api/v1/partner-requests/1/interests?lang=en",
        {"organisation": "biorn", "message": "Hello"},
        content_type="application/json",
    )

    assert (update.status_code, interest.status_code) == (401, 401)
    assert interest.json() == update.json()
