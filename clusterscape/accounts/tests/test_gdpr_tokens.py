import hashlib
import json

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import override_settings
from ninja import NinjaAPI

from clusterscape.accounts import invitations, services
from clusterscape.accounts.history import record_version, versions_of
from clusterscape.accounts.models import ApiToken, ContactPerson, Membership, User
from clusterscape.accounts.tokens import authenticate_token, token_may_write
from clusterscape.api.auth import TokenAuth, require_token_for
from clusterscape.registry.models import Organisation
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

PASSWORD = "correct horse battery staple"


def test_contact_person_shown_only_with_consent(client):
    membership = MembershipFactory(organisation__slug="bavarian-aerospace")
    organisation = membership.organisation
    client.force_login(membership.user)
    client.post(
        "/en/account/organisations/bavarian-aerospace/contacts/",
        {"name": "Maria Muster", "role": "Managing director", "email": "m@example.org"},
    )
    client.post(
        "/en/account/organisations/bavarian-aerospace/contacts/",
        {"name": "Otto Open", "email": "o@example.org", "consent": "on"},
    )

    rendered = Template("{% load accounts %}{% contact_persons organisation %}").render(
        Context({"organisation": organisation})
    )

    assert ContactPerson.objects.get(name="Maria Muster").consent_at is None
    assert ContactPerson.objects.get(name="Otto Open").consent_at is not None
    assert "Otto Open" in rendered
    assert "Maria Muster" not in rendered


def test_contacts_page_of_other_organisation_is_refused(client):
    MembershipFactory(organisation__slug="mine")
    OrganisationFactory(slug="theirs")
    client.force_login(Membership.objects.get().user)

    response = client.post("/en/account/organisations/theirs/contacts/", {"name": "X"})

    assert response.status_code == 403
    assert ContactPerson.objects.count() == 0


def test_export_holds_own_personal_data_as_json(client):
    membership = MembershipFactory(user__username="nora", user__email="nora@example.org")
    UserFactory(username="someone-else")
    client.force_login(membership.user)

    response = client.get("/en/account/data.json")
    data = json.loads(response.content)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="clusterscape-personal-data.json"'
    )
    assert data["account"]["username"] == "nora"
    assert data["account"]["email"] == "nora@example.org"
    assert data["memberships"] == [
        {
            "organisation": membership.organisation.slug,
            "role": "manager",
            "since": membership.created_at.isoformat(),
        }
    ]
    assert "someone-else" not in response.content.decode()


def test_delete_account_erases_person_and_keeps_organisation(client):
    membership = MembershipFactory(user__username="olga")
    user, organisation = membership.user, membership.organisation
    record_version(organisation, by=user)
    ContactPerson.objects.create(organisation=organisation, name="Olga", user=user)
    client.post("/en/account/login/", {"login": "olga", "password": PASSWORD})
    session_key = client.session.session_key

    wrong = client.post("/en/account/delete/", {"password": "nope"})
    done = client.post("/en/account/delete/", {"password": PASSWORD})

    assert wrong.context["form"].errors == {"password": ["The password is not correct."]}
    assert done["Location"] == "/en/"
    assert User.objects.filter(username="olga").exists() is False
    assert Session.objects.filter(session_key=session_key).exists() is False
    assert ContactPerson.objects.count() == 0
    assert Organisation.objects.filter(pk=organisation.pk).exists() is True
    assert versions_of(organisation).get().changed_by is None


def test_privacy_and_imprint_pages_and_footer(client):
    privacy = client.get("/en/privacy/").content.decode()
    imprint = client.get("/en/imprint/").content.decode()

    assert "no third-party trackers" in privacy
    assert '<a href="/en/imprint/">Imprint</a>' in privacy
    assert "[to be filled in by the operator: SITE_OPERATOR_NAME]" in imprint


@override_settings(
    SITE_OPERATOR={
        "name": "Beispiel GmbH",
        "address": "",
        "email": "",
        "phone": "",
        "representative": "",
    }
)
def test_imprint_shows_operator_from_settings(client):
    imprint = client.get("/de/imprint/").content.decode()

    assert "<dd>Beispiel GmbH</dd>" in imprint
    assert "[vom Betreiber auszufüllen: SITE_OPERATOR_ADDRESS]" in imprint


def test_token_is_shown_once_and_stored_hashed(client):
    membership = MembershipFactory(organisation__slug="cfk-valley")
    client.force_login(membership.user)

    response = client.post(
        "/en/account/tokens/",
        {"name": "website sync", "organisations": [membership.organisation.pk]},
    )
    raw = response.context["raw"]
    token = ApiToken.objects.get()

    assert raw.startswith(f"cs_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in client.get("/en/account/tokens/").content.decode()
    assert authenticate_token(raw) == token
    assert list(token.organisations.all()) == [membership.organisation]


def test_token_cannot_be_scoped_to_an_organisation_the_user_does_not_manage():
    user = MembershipFactory(role="member").user

    with pytest.raises(ValidationError) as excinfo:
        services.create_api_token(
            user, name="x", organisations=[user.memberships.get().organisation]
        )

    assert excinfo.value.message_dict == {
        "organisations": ["A token can only act for organisations you manage."]
    }


def test_revoked_wrong_and_malformed_tokens_are_refused(client):
    membership = MembershipFactory()
    token, raw = services.create_api_token(
        membership.user, name="t", organisations=[membership.organisation]
    )
    client.force_login(membership.user)

    client.post("/en/account/tokens/", {"revoke": token.pk})

    assert authenticate_token(raw) is None
    assert authenticate_token(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert authenticate_token("cs_") is None
    assert authenticate_token("Bearer nonsense") is None


def test_another_users_token_cannot_be_revoked(client):
    membership = MembershipFactory()
    token, raw = services.create_api_token(
        membership.user, name="t", organisations=[membership.organisation]
    )
    client.force_login(UserFactory())

    response = client.post("/en/account/tokens/", {"revoke": token.pk})

    assert response.status_code == 404
    assert authenticate_token(raw) == token


def test_token_writes_only_for_its_organisations_while_user_manages_them():
    membership = MembershipFactory()
    other = OrganisationFactory()
    token, _raw = services.create_api_token(
        membership.user, name="t", organisations=[membership.organisation]
    )

    allowed = token_may_write(token, membership.organisation)
    refused = token_may_write(token, other)
    membership.delete()

    assert (allowed, refused) == (True, False)
    assert token_may_write(token, membership.organisation) is False


def test_ninja_auth_class_refuses_without_valid_token():
    membership = MembershipFactory(organisation__slug="scoped")
    _token, raw = services.create_api_token(
        membership.user, name="t", organisations=[membership.organisation]
    )
    api = NinjaAPI(urls_namespace="token-test")

    @api.post("/organisations/{slug}", auth=TokenAuth())
    def write(request, slug: str):
        require_token_for(request, Organisation.objects.get(slug=slug))
        return {"user": request.auth.user.username}

    from ninja.testing import TestClient

    test_client = TestClient(api)
    OrganisationFactory(slug="other")

    ok = test_client.post("/organisations/scoped", headers={"Authorization": f"Bearer {raw}"})
    idor = test_client.post("/organisations/other", headers={"Authorization": f"Bearer {raw}"})
    anonymous = test_client.post("/organisations/scoped")
    forged = test_client.post("/organisations/scoped", headers={"Authorization": "Bearer cs_x_y"})

    assert (ok.status_code, ok.json()) == (200, {"user": membership.user.username})
    assert idor.status_code == 403
    assert (anonymous.status_code, forged.status_code) == (401, 401)


def test_permission_errors_are_raised_by_services():
    membership = MembershipFactory()

    with pytest.raises(PermissionDenied):
        invitations.invite_colleague(
            membership.organisation, email="x@example.org", by=UserFactory()
        )
    with pytest.raises(PermissionDenied):
        services.decide_validation(
            membership.organisation, outcome="approved", reason="x", by=membership.user
        )
