"""Who may do what. Every view, API handler and service asks these functions; no other
module decides a permission on its own.

Roles: a visitor (anonymous), an organisation member or manager (`Membership`), a platform
editor, a programme officer or a reviewer (`User.platform_role`), and an administrator
(`is_superuser`).
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from clusterscape.registry.models import Organisation

from .models import Membership, User

AnyUser = User | AnonymousUser


def is_signed_in(user: AnyUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_administrator(user: AnyUser | None) -> bool:
    return is_signed_in(user) and user.is_superuser


def is_editor(user: AnyUser | None) -> bool:
    """Platform editors (and administrators): validate profiles, moderate and publish content."""
    return is_administrator(user) or (
        is_signed_in(user) and user.platform_role == User.PlatformRole.EDITOR
    )


def is_programme_officer(user: AnyUser | None) -> bool:
    return is_administrator(user) or (
        is_signed_in(user) and user.platform_role == User.PlatformRole.PROGRAMME_OFFICER
    )


def is_reviewer(user: AnyUser | None) -> bool:
    return is_signed_in(user) and user.platform_role == User.PlatformRole.REVIEWER


def organisation_role(user: AnyUser | None, organisation: Organisation) -> str | None:
    """The user's role in the organisation ("manager", "member") or None."""
    if not is_signed_in(user):
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def managed_organisations(user: AnyUser | None) -> QuerySet[Organisation]:
    """The organisations whose profile and publications the user manages."""
    if not is_signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        people__user=user, people__role=Membership.Role.MANAGER
    ).distinct()


def member_organisations(user: AnyUser | None) -> QuerySet[Organisation]:
    """The organisations the user acts for, in any role."""
    if not is_signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(people__user=user).distinct()


def can_manage_organisation(user: AnyUser | None, organisation: Organisation) -> bool:
    """Edit the profile, publish content and partner requests, apply for funding."""
    return is_editor(user) or organisation_role(user, organisation) == Membership.Role.MANAGER


def can_act_for_organisation(user: AnyUser | None, organisation: Organisation) -> bool:
    """Write drafts and express interest in the organisation's name."""
    return is_editor(user) or organisation_role(user, organisation) is not None


def require(allowed: bool, message: str | None = None) -> None:
    """Raise PermissionDenied (HTTP 403) unless allowed."""
    if not allowed:
        raise PermissionDenied(message or _("You are not allowed to do this."))
