import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from clusterscape.accounts import permissions
from clusterscape.accounts.models import Membership, User
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_manager_manages_only_own_organisation():
    own, other = OrganisationFactory(), OrganisationFactory()
    manager = MembershipFactory(organisation=own).user

    assert permissions.can_manage_organisation(manager, own) is True
    assert permissions.can_manage_organisation(manager, other) is False
    assert list(permissions.managed_organisations(manager)) == [own]


def test_member_acts_for_organisation_but_does_not_manage_it():
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user

    assert permissions.can_act_for_organisation(member, organisation) is True
    assert permissions.can_manage_organisation(member, organisation) is False
    assert list(permissions.managed_organisations(member)) == []
    assert list(permissions.member_organisations(member)) == [organisation]


def test_editor_manages_every_organisation():
    editor = UserFactory(platform_role=User.PlatformRole.EDITOR)

    assert permissions.can_manage_organisation(editor, OrganisationFactory()) is True
    assert permissions.is_programme_officer(editor) is False


def test_anonymous_and_inactive_users_have_no_rights():
    organisation = OrganisationFactory()
    inactive = MembershipFactory(organisation=organisation, user__is_active=False).user

    for user in (AnonymousUser(), inactive, None):
        assert permissions.can_manage_organisation(user, organisation) is False
        assert permissions.can_act_for_organisation(user, organisation) is False
        assert permissions.is_editor(user) is False
        assert list(permissions.managed_organisations(user)) == []


def test_require_raises_permission_denied_with_message():
    with pytest.raises(PermissionDenied, match="not yours"):
        permissions.require(False, "not yours")
    permissions.require(True)
