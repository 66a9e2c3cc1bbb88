import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clusterscape.accounts import invitations, services
from clusterscape.accounts.models import Invitation, Membership

from .factories import MembershipFactory, UserFactory, sign_in_staff

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

REFUSED = "This invitation is invalid, was used already, was revoked or has expired."


@pytest.fixture
def manager():
    return MembershipFactory(organisation__slug="cool-silicon")


def invite(manager, email="lea@example.org", role="member"):
    return invitations.invite_colleague(
        manager.organisation, email=email, role=role, by=manager.user
    )


def test_manager_invites_colleague_who_joins_with_the_link(
    client, manager, django_capture_on_commit_callbacks
):
    sign_in_staff(client, manager.user)

    with django_capture_on_commit_callbacks(execute=True):  # mails are queued on commit
        sent = client.post(
            "/en/account/organisations/cool-silicon/people/",
            {"email": "lea@example.org", "role": "member"},
        )
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    colleague = UserFactory(username="lea", email="lea@example.org")
    sign_in_staff(client, colleague)
    joined = client.post(link)

    assert sent["Location"] == "/en/account/organisations/cool-silicon/people/"
    assert mail.outbox[0].to == ["lea@example.org"]
    assert joined["Location"] == "/en/account/"
    assert Membership.objects.get(user=colleague).role == "member"
    assert Invitation.objects.get().accepted_by == colleague


def test_invitation_for_another_address_is_refused(client, manager):
    secret = invite(manager)
    sign_in_staff(client, UserFactory(email="mallory@example.org"))

    response = client.post(f"/en/account/invitation/{secret}/")

    assert response.status_code == 400
    assert "sent to another e-mail address" in response.content.decode()
    assert Membership.objects.count() == 1


def test_only_the_secret_s_digest_is_stored(manager):
    secret = invite(manager)

    stored = Invitation.objects.get()
    assert secret not in {stored.secret_hash, stored.email}
    assert len(stored.secret_hash) == 64


def test_a_removed_member_cannot_come_back_with_the_old_link(manager):
    secret = invite(manager)
    colleague = UserFactory(email="lea@example.org")
    membership = invitations.accept_invitation(secret, user=colleague)
    services.remove_member(membership, by=manager.user)

    with pytest.raises(ValidationError) as excinfo:
        invitations.accept_invitation(secret, user=colleague)

    assert excinfo.value.message_dict == {"token": [REFUSED]}
    assert not Membership.objects.filter(user=colleague).exists()


def test_manager_sees_and_revokes_a_pending_invitation(client, manager):
    invite(manager)
    invitation = Invitation.objects.get()
    sign_in_staff(client, manager.user)

    listed = client.get("/en/account/organisations/cool-silicon/people/").content.decode()
    revoked = client.post(
        f"/en/account/organisations/cool-silicon/invitations/{invitation.pk}/revoke/",
        follow=True,
    )

    assert "Invitations not yet accepted" in listed
    assert "lea@example.org" in listed
    assert "The invitation to lea@example.org is revoked." in revoked.content.decode()
    assert "Invitations not yet accepted" not in revoked.content.decode()
    assert Invitation.objects.get().revoked_at is not None


def test_a_revoked_link_no_longer_works(manager):
    secret = invite(manager)
    invitations.revoke_invitation(Invitation.objects.get(), by=manager.user)

    with pytest.raises(ValidationError) as excinfo:
        invitations.accept_invitation(secret, user=UserFactory(email="lea@example.org"))

    assert excinfo.value.message_dict == {"token": [REFUSED]}


def test_an_expired_link_no_longer_works(manager):
    secret = invite(manager)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(ValidationError):
        invitations.accept_invitation(secret, user=UserFactory(email="lea@example.org"))


def test_inviting_again_replaces_the_earlier_link(manager):
    first = invite(manager)
    second = invite(manager, email="LEA@example.org", role="manager")
    colleague = UserFactory(email="lea@example.org")

    with pytest.raises(ValidationError):
        invitations.accept_invitation(first, user=colleague)
    membership = invitations.accept_invitation(second, user=colleague)

    assert membership.role == "manager"
    assert list(invitations.pending_invitations(manager.organisation)) == []


def test_a_member_who_belongs_already_is_not_invited(manager):
    invitations.accept_invitation(
        invite(manager, email="ben@example.org"), user=UserFactory(email="ben@example.org")
    )

    with pytest.raises(ValidationError) as excinfo:
        invite(manager, email="Ben@example.org")

    assert excinfo.value.message_dict == {
        "email": ["This person belongs to the organisation already."]
    }


def test_only_managers_invite_and_revoke(manager):
    member = MembershipFactory(organisation=manager.organisation, role="member")
    invite(manager)

    with pytest.raises(PermissionDenied):
        invite(member, email="x@example.org")
    with pytest.raises(PermissionDenied):
        invitations.revoke_invitation(Invitation.objects.get(), by=member.user)
    with pytest.raises(PermissionDenied):
        invitations.revoke_invitation(Invitation.objects.get(), by=UserFactory())
