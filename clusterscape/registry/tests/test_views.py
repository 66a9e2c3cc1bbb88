import pytest
from django.urls import reverse
from django.utils import translation

from clusterscape.registry.models import Field, Organisation, State

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


def test_home_lists_published_organisations_with_state_field_and_programme(client):
    organisation = make_listed_organisation(name="Biotechnologie Rhein-Neckar", short_name="BioRN")
    OrganisationFactory(name="Hidden Draft", status=Organisation.Status.DRAFT)

    response = client.get("/en/")

    assert response.status_code == 200
    assert list(response.context["organisations"]) == [organisation]
    page = response.content.decode()
    assert "Biotechnologie Rhein-Neckar (BioRN)" in page
    assert "Baden-Württemberg" in page
    assert "Biotechnology" in page
    assert "Hidden Draft" not in page


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
    }


@pytest.mark.parametrize("count", [1, 3])
def test_home_query_count_does_not_grow_with_organisations(
    client, django_assert_num_queries, count
):
    for _ in range(count):
        make_listed_organisation()

    # figures, organisations, and one prefetch each for states, fields, memberships
    with django_assert_num_queries(5):
        response = client.get("/en/")

    assert len(response.context["organisations"]) == count


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
