import pytest
from django.contrib.auth import get_user_model

from clusterscape.accounts.tests.factories import sign_in_staff
from clusterscape.registry.models import Organisation

from .factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ADMIN_LISTS = [
    "country",
    "state",
    "field",
    "capability",
    "programme",
    "organisation",
    "partnerlink",
    "correctionsuggestion",
]


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-editor-1")
    sign_in_staff(client, user)
    return client


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_admin_changelist_opens_with_search(editor_client, model):
    OrganisationFactory(name="Cool Silicon")

    response = editor_client.get(f"/en/admin/registry/{model}/", {"q": "Cool"})

    assert response.status_code == 200


def test_admin_change_form_opens_for_organisation(editor_client):
    organisation = OrganisationFactory(name="Cool Silicon")

    response = editor_client.get(f"/en/admin/registry/organisation/{organisation.pk}/change/")

    assert response.status_code == 200
    assert response.context["original"] == organisation


def test_admin_refuses_german_state_for_french_organisation(editor_client):
    organisation = OrganisationFactory(name="Minalogic", country_id="FR")
    form = {
        "name": "Minalogic",
        "slug": organisation.slug,
        "kind": "cluster",
        "status": "published",
        "country": "FR",
        "states": ["DE-BY"],
        "nuts_codes": "",
        "competences-TOTAL_FORMS": "0",
        "competences-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
    }

    response = editor_client.post(
        f"/en/admin/registry/organisation/{organisation.pk}/change/", form
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "states": ["DE-BY lies in DE, not in the organisation's countries"]
    }
    assert list(Organisation.objects.get(pk=organisation.pk).states.all()) == []


def test_a_country_renamed_in_the_admin_is_named_so_in_the_search(
    editor_client, django_capture_on_commit_callbacks
):
    """The search keeps the names of facet values per state of the data: an edit in the
    admin moves it on."""
    from clusterscape.search.tests.factories import indexed_organisation

    indexed_organisation(name="Minalogic", country_id="FR")

    def label_of_france(language: str) -> str:
        facets = editor_client.get(
            "/api/v1/search", {"q": "Minalogic"}, headers={"Accept-Language": language}
        ).json()["facets"]
        return next(item["label"] for item in facets["country"] if item["value"] == "FR")

    assert (label_of_france("en"), label_of_france("de")) == ("France", "Frankreich")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/en/admin/registry/country/FR/change/",
            {"code": "FR", "name_de": "Französische Republik", "name_en": "French Republic"},
        )
    assert response.status_code == 302

    assert label_of_france("en") == "French Republic"
    assert label_of_france("de") == "Französische Republik"
    # the documents in France carry its new names too
    found = editor_client.get("/api/v1/search", {"q": "Französische Republik"}).json()
    assert [hit["title"] for hit in found["hits"]] == ["Minalogic"]


def test_a_field_renamed_in_the_admin_is_found_by_its_new_name_and_slug(
    editor_client, django_capture_on_commit_callbacks
):
    from clusterscape.registry.models import Field
    from clusterscape.search.queries import SearchParams, search
    from clusterscape.search.tests.factories import indexed_organisation

    field = Field.objects.create(slug="quixfield", name_de="Quixfeld", name_en="Quixfield")
    indexed_organisation(name="Minalogic", fields=("quixfield",))

    def titles(q: str = "", **filters) -> list[str]:
        return [hit.title for hit in search(SearchParams(q=q, filters=filters)).hits]

    assert titles("Quixfeld") == ["Minalogic"]
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/en/admin/registry/field/{field.pk}/change/",
            {
                "slug": "zorbel",
                "parent": "",
                "name_de": "Zorbelfeld",
                "name_en": "Zorbel field",
                "synonyms": "Zorbelei",
                "position": 0,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert titles("Zorbelfeld") == titles("Zorbelei") == ["Minalogic"]
    assert titles("Quixfeld") == titles("Quixfield") == []
    assert titles(field=["zorbel"]) == ["Minalogic"]
    assert titles(field=["quixfield"]) == []
