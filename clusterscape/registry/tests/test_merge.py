from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from clusterscape.accounts.tests.factories import sign_in_staff
from clusterscape.registry import services
from clusterscape.registry.duplicates import find_duplicates
from clusterscape.registry.models import (
    CorrectionSuggestion,
    Field,
    Organisation,
    PartnerLink,
    State,
)

from .factories import (
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_find_duplicates_scores_contained_names_and_ignores_umbrella_names():
    bavarian = OrganisationFactory(
        slug="by-mechatronik", name="Cluster Mechatronik & Automation (Cluster-Offensive Bayern)"
    )
    funded = OrganisationFactory(slug="mechatronik", name="Cluster Mechatronik & Automation")
    for topic in ("Automobil", "Kunststoff", "Lebensmittel"):
        OrganisationFactory(
            name=f"{topic}-Cluster (Business Upper Austria)",
            country_id="AT",
            website="https://www.biz-up.at",
        )

    candidates = find_duplicates(Organisation.objects.prefetch_related("states"))

    assert [(c.first, c.second, c.score) for c in candidates] == [(bavarian, funded, 0.6)]
    assert candidates[0].reasons == ("similar names (1.00)",)


def test_find_duplicates_sees_same_website_and_short_name_in_same_city():
    first = OrganisationFactory(
        name="Biotechnologie Rhein-Neckar",
        short_name="BioRN",
        city="Heidelberg",
        website="https://biorn.org",
    )
    second = OrganisationFactory(
        name="BioRN Network",
        short_name="BioRN",
        city="Heidelberg",
        website="https://www.biorn.org/en/",
    )

    [candidate] = find_duplicates(Organisation.objects.prefetch_related("states"))

    assert (candidate.first, candidate.second, candidate.score) == (first, second, 0.9)
    assert candidate.reasons == ("same website domain biorn.org", "same short name and city")


def test_find_duplicates_penalises_different_states():
    heidelberg = OrganisationFactory(name="Forum Organic Electronics")
    saxony = OrganisationFactory(name="Organic Electronics Saxony")
    heidelberg.states.set([State.objects.get(code="DE-BW")])
    saxony.states.set([State.objects.get(code="DE-SN")])

    assert find_duplicates(Organisation.objects.prefetch_related("states")) == []


def test_find_duplicates_command_prints_pairs():
    OrganisationFactory(slug="one", name="Cluster Nanotechnologie", website="https://nano.example")
    OrganisationFactory(slug="two", name="Nanotechnologie", website="https://nano.example")
    out, err = StringIO(), StringIO()

    call_command("find_duplicates", stdout=out, stderr=err)

    assert out.getvalue() == (
        "1.00  one  two  (similar names (1.00); same website domain nano.example)\n"
    )
    assert err.getvalue() == "1 likely duplicates\n"


@pytest.fixture
def duplicate_pair():
    source = OrganisationFactory(
        slug="old",
        name="Old Name",
        city="Jena",
        website="https://old.example",
        keywords="optics;lasers",
        members_sme=40,
    )
    target = OrganisationFactory(slug="new", name="New Name", keywords="optics", members_sme=55)
    source.fields.set([Field.objects.get(slug="photonics")])
    target.fields.set([Field.objects.get(slug="laser-technology")])
    SourceFactory(organisation=source, url="https://a.example/old")
    SourceFactory(organisation=target, url="https://a.example/new")
    SourceFactory(organisation=source, url="https://a.example/new")
    programme = ProgrammeFactory()
    ProgrammeMembershipFactory(organisation=source, programme=programme, year=2015)
    ProgrammeMembershipFactory(organisation=target, programme=programme, year=2015)
    return source, target


def test_merge_keeps_both_provenances_and_fills_gaps(duplicate_pair):
    source, target = duplicate_pair
    partner = OrganisationFactory(slug="partner")
    PartnerLink.objects.create(
        source=source, target=partner, kind="mou", source_url="https://x.example"
    )
    PartnerLink.objects.create(
        source=target, target=source, kind="cooperation", source_url="https://y.example"
    )
    CorrectionSuggestion.objects.create(organisation=source, message="typo")

    services.merge_organisations(source, target)

    target.refresh_from_db()
    source.refresh_from_db()
    assert (target.name, target.city, target.website, target.members_sme) == (
        "New Name",
        "Jena",
        "https://old.example",
        55,
    )
    assert target.keywords == "optics;lasers"
    assert list(target.sources.values_list("url", flat=True)) == [
        "https://a.example/new",
        "https://a.example/old",
    ]
    assert sorted(target.fields.values_list("slug", flat=True)) == ["laser-technology", "photonics"]
    assert target.memberships.count() == 1
    assert list(PartnerLink.objects.values_list("source__slug", "target__slug", "kind")) == [
        ("new", "partner", "mou")
    ]
    assert CorrectionSuggestion.objects.get().organisation == target
    assert (source.status, source.merged_into) == (Organisation.Status.ARCHIVED, target)


def test_merged_profile_address_redirects_to_target(client, duplicate_pair):
    source, target = duplicate_pair
    services.merge_organisations(source, target)

    response = client.get("/en/clusters/old/")

    assert response.status_code == 301
    assert response["Location"] == "/en/clusters/new/"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("self", {"target": ["An organisation cannot be merged into itself."]}),
        ("archived", {"target": ["Cannot merge into an archived organisation."]}),
    ],
)
def test_merge_refuses_self_and_archived_target(duplicate_pair, case, message):
    source, target = duplicate_pair
    if case == "self":
        target = source
    else:
        target.status = Organisation.Status.ARCHIVED
        target.save()

    with pytest.raises(ValidationError) as excinfo:
        services.merge_organisations(source, target)

    assert excinfo.value.message_dict == message
    source.refresh_from_db()
    assert (source.status, source.merged_into) == (Organisation.Status.PUBLISHED, None)


def test_admin_merge_action_asks_then_merges(client, duplicate_pair):
    source, target = duplicate_pair
    editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw-123456")
    sign_in_staff(client, editor)
    selection = {"action": "merge_selected", "_selected_action": [source.pk, target.pk]}

    question = client.post("/en/admin/registry/organisation/", selection)
    answer = client.post("/en/admin/registry/organisation/", {**selection, "target": target.pk})

    assert question.status_code == 200
    assert [o.slug for o in question.context["organisations"]] == ["new", "old"]
    assert answer.status_code == 302
    source.refresh_from_db()
    assert source.merged_into == target
