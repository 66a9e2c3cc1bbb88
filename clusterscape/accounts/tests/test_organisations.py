from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from clusterscape.accounts import services
from clusterscape.accounts.models import Membership, OrganisationClaim, User, ValidationDecision
from clusterscape.registry.models import Organisation
from clusterscape.registry.tests.factories import (
    OrganisationFactory,
    ProgrammeMembershipFactory,
)
from clusterscape.search.models import SearchDocument

from .factories import MembershipFactory, UserFactory, sign_in_staff

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def editor():
    return UserFactory(username="editor", platform_role=User.PlatformRole.EDITOR)


def test_claim_approved_by_editor_makes_a_manager(client, editor):
    organisation = OrganisationFactory(slug="biosaxony")
    user = UserFactory(username="kim")
    sign_in_staff(client, user)
    client.post("/en/account/organisations/biosaxony/claim/", {"reason": "I am its director."})
    claim = OrganisationClaim.objects.get()
    editor_client = client.__class__()
    sign_in_staff(editor_client, editor)

    listing = editor_client.get("/en/account/claims/")
    decided = editor_client.post(f"/en/account/claims/{claim.pk}/decide/", {"approve": "1"})

    claim.refresh_from_db()
    assert list(listing.context["claims"]) == [claim]
    assert decided["Location"] == "/en/account/claims/"
    assert claim.status == OrganisationClaim.Status.APPROVED
    assert claim.decided_by == editor
    assert Membership.objects.get(user=user, organisation=organisation).role == "manager"


def test_claim_rejection_needs_a_reason_and_creates_no_membership(editor):
    claim = services.claim_organisation(UserFactory(), OrganisationFactory(), reason="Me.")

    with pytest.raises(ValidationError) as excinfo:
        services.decide_claim(claim, approve=False, by=editor)
    services.decide_claim(claim, approve=False, by=editor, reason="Not on the team page.")

    assert excinfo.value.message_dict == {"decision_reason": ["Give a reason for the rejection."]}
    assert claim.status == OrganisationClaim.Status.REJECTED
    assert Membership.objects.count() == 0


def test_non_editor_cannot_decide_claims(client):
    claim = services.claim_organisation(UserFactory(), OrganisationFactory(), reason="Me.")
    sign_in_staff(client, UserFactory())

    response = client.post(f"/en/account/claims/{claim.pk}/decide/", {"approve": "1"})

    claim.refresh_from_db()
    assert response.status_code == 403
    assert claim.status == OrganisationClaim.Status.OPEN


def test_second_open_claim_is_refused():
    user, organisation = UserFactory(), OrganisationFactory()
    services.claim_organisation(user, organisation, reason="Me.")

    with pytest.raises(ValidationError) as excinfo:
        services.claim_organisation(user, organisation, reason="Me again.")

    assert excinfo.value.message_dict == {
        "organisation": ["Your claim is already waiting for a decision."]
    }


def test_manager_removes_member_but_member_cannot_remove(client):
    manager = MembershipFactory(organisation__slug="it-s-owl")
    member = MembershipFactory(organisation=manager.organisation, role="member")
    other = MembershipFactory(organisation=manager.organisation, role="member")
    sign_in_staff(client, member.user)
    refused = client.post(f"/en/account/organisations/it-s-owl/people/{other.pk}/remove/")
    sign_in_staff(client, manager.user)
    removed = client.post(f"/en/account/organisations/it-s-owl/people/{other.pk}/remove/")

    assert refused.status_code == 403
    assert removed.status_code == 302
    assert list(Membership.objects.order_by("pk")) == [manager, member]


def test_last_manager_cannot_be_removed():
    manager = MembershipFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.remove_member(manager, by=manager.user)

    assert excinfo.value.message_dict == {
        "membership": ["An organisation keeps at least one manager."]
    }


def test_people_page_is_only_for_managers(client):
    MembershipFactory(organisation__slug="a")
    sign_in_staff(client, MembershipFactory(role="member", organisation__slug="b").user)

    response = client.get("/en/account/organisations/a/people/")

    assert response.status_code == 403


def test_registered_organisation_waits_for_validation_and_is_not_public(client):
    user = UserFactory()
    sign_in_staff(client, user)

    response = client.post(
        "/en/account/register/",
        {
            "name": "Neues Netzwerk",
            "slug": "neues-netzwerk",
            "kind": "network",
            "country": "de",
            "website": "neues-netzwerk.example",
        },
    )

    organisation = Organisation.objects.get(slug="neues-netzwerk")
    assert response["Location"] == "/en/account/organisations/neues-netzwerk/validation/"
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.website == "https://neues-netzwerk.example"
    assert Membership.objects.get(organisation=organisation).user == user
    assert client.get("/en/clusters/neues-netzwerk/").status_code == 404


def test_registration_errors_name_the_field(client):
    OrganisationFactory(slug="taken")
    sign_in_staff(client, UserFactory())

    response = client.post(
        "/en/account/register/",
        {"name": "X", "slug": "taken-2", "kind": "cluster", "country": "XX", "website": "x.org"},
    )

    assert list(response.context["form"].errors) == ["country"]
    assert Organisation.objects.filter(slug="taken-2").exists() is False


def _pending(**values) -> Organisation:
    return OrganisationFactory(status=Organisation.Status.PENDING, **values)


def test_criteria_results_follow_the_published_criteria():
    good = _pending(
        management_staff_fte=Decimal("0.5"),
        members_sme=10,
        members_university=5,
        website="https://a.example",
    )
    weak = _pending(management_staff_fte=Decimal("0.4"), members_sme=14)

    assert services.criteria_results(good) == {
        "management-team": True,
        "committed-members": True,
        "triple-helix": True,
        "website": None,
    }
    assert services.criteria_results(weak) == {
        "management-team": False,
        "committed-members": False,
        "triple-helix": False,
        "website": False,
    }


def test_editor_decision_publishes_and_applicant_sees_reason(client, editor):
    organisation = _pending(slug="kunststoff")
    manager = MembershipFactory(organisation=organisation).user
    editor_client = client.__class__()
    sign_in_staff(editor_client, editor)

    editor_client.post(
        "/en/account/organisations/kunststoff/validation/",
        {"outcome": "approved", "reason": "All four criteria met; site checked."},
    )
    sign_in_staff(client, manager)
    page = client.get("/en/account/organisations/kunststoff/validation/")

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PUBLISHED
    assert SearchDocument.objects.filter(object_id=str(organisation.pk)).count() == 1
    assert "All four criteria met; site checked." in page.content.decode()
    assert page.context["form"] is None


def test_manager_cannot_decide_own_validation(client):
    organisation = _pending(slug="self")
    sign_in_staff(client, MembershipFactory(organisation=organisation).user)

    response = client.post(
        "/en/account/organisations/self/validation/", {"outcome": "approved", "reason": "Me."}
    )

    organisation.refresh_from_db()
    assert response.status_code == 403
    assert organisation.status == Organisation.Status.PENDING
    assert ValidationDecision.objects.count() == 0


def test_exemption_only_for_programme_members(editor):
    outsider = _pending()
    member = _pending()
    ProgrammeMembershipFactory(organisation=member)

    with pytest.raises(ValidationError) as excinfo:
        services.decide_validation(outsider, outcome="exempted", reason="Label.", by=editor)
    decision = services.decide_validation(
        member, outcome="exempted", reason="go-cluster.", by=editor
    )

    assert excinfo.value.message_dict == {
        "outcome": ["Only members of an official cluster programme can be exempted."]
    }
    assert decision.outcome == "exempted"


def test_rejection_sends_profile_back_to_draft(editor):
    organisation = _pending()

    services.decide_validation(organisation, outcome="rejected", reason="3 members.", by=editor)

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.DRAFT


def test_criteria_page_lists_the_criteria_in_german(client):
    response = client.get("/de/criteria/")

    assert [c.code for c in response.context["criteria"]] == [
        "management-team",
        "committed-members",
        "triple-helix",
        "website",
    ]
    assert "Mindestens 15 Mitglieder" in response.content.decode()


def test_registration_cannot_take_over_an_existing_organisation(client):
    existing = OrganisationFactory(slug="taken", name="The Real One")
    sign_in_staff(client, UserFactory())

    response = client.post(
        "/en/account/register/",
        {"name": "Mine", "slug": "taken", "kind": "cluster", "country": "DE", "website": "x.org"},
    )

    existing.refresh_from_db()
    assert response.context["form"].errors == {
        "slug": ["This address is taken; choose another one."]
    }
    assert (existing.name, existing.status) == ("The Real One", Organisation.Status.PUBLISHED)
    assert Membership.objects.count() == 0
