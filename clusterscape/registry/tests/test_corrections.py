import pytest

from clusterscape.registry.models import CorrectionSuggestion, Organisation

from .factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_correction_reaches_editors_as_open_task_and_profile_is_unchanged(client):
    organisation = OrganisationFactory(slug="biorn", city="Heidelberg")

    response = client.post(
        "/en/clusters/biorn/correction/",
        {"message": "The office moved to Mannheim; see their imprint.", "email": "a@example.org"},
        follow=True,
    )

    assert response.redirect_chain == [("/en/clusters/biorn/#correction", 302)]
    suggestion = CorrectionSuggestion.objects.get()
    assert (suggestion.organisation, suggestion.status, suggestion.email) == (
        organisation,
        CorrectionSuggestion.Status.OPEN,
        "a@example.org",
    )
    assert "Thank you. The editors will check your correction" in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).city == "Heidelberg"


def test_correction_without_message_shows_error_tied_to_field(client):
    OrganisationFactory(slug="biorn")

    response = client.post("/en/clusters/biorn/correction/", {"message": "  ", "email": "x"})

    assert response.status_code == 400
    form = response.context["correction_form"]
    assert form.errors == {
        "message": ["This field is required."],
        "email": ["Enter a valid email address."],
    }
    page = response.content.decode()
    assert 'aria-describedby="id_message_errors id_message_helptext"' in page
    assert 'aria-invalid="true"' in page
    assert CorrectionSuggestion.objects.count() == 0


def test_correction_filled_trap_field_is_refused(client):
    OrganisationFactory(slug="biorn")

    response = client.post(
        "/en/clusters/biorn/correction/", {"message": "buy now", "website": "http://spam"}
    )

    assert response.status_code == 400
    assert CorrectionSuggestion.objects.count() == 0


def test_correction_for_unpublished_organisation_is_not_found(client):
    OrganisationFactory(slug="draft", status=Organisation.Status.DRAFT)

    response = client.post("/en/clusters/draft/correction/", {"message": "x"})

    assert response.status_code == 404
    assert CorrectionSuggestion.objects.count() == 0


def test_correction_page_refuses_get(client):
    OrganisationFactory(slug="biorn")

    assert client.get("/en/clusters/biorn/correction/").status_code == 405
