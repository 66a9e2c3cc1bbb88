"""Invitations of colleagues into an organisation: a manager invites by e-mail address, the
invited person signs in with that address and accepts once; managers see pending invitations
and revoke them. A removed member's old link does not bring them back: every link works once."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterscape.core.mail import send_mails_later
from clusterscape.registry.models import Organisation

from . import permissions
from .models import Invitation, Membership, User
from .services import absolute_url

VALID_FOR = datetime.timedelta(days=14)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


@transaction.atomic
def invite_colleague(
    organisation: Organisation,
    *,
    email: str,
    role: str = Membership.Role.MEMBER,
    by: User,
    request: HttpRequest | None = None,
) -> str:
    """Store the invitation and mail its link; return the link's secret. Inviting an address
    again replaces its pending invitation (the earlier link stops working)."""
    permissions.require(permissions.can_manage_organisation(by, organisation))
    email = User.objects.normalize_email(email.strip())
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose member or manager.")})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person belongs to the organisation already.")})
    now = timezone.now()
    pending_invitations(organisation).filter(email__iexact=email).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        secret_hash=_digest(secret),
        invited_by=by,
        expires_at=now + VALID_FOR,
    )
    link = absolute_url(request, reverse("accounts:accept-invitation", args=[secret]))
    body = render_to_string(
        "accounts/email/invitation.txt", {"organisation": organisation, "link": link, "by": by}
    )
    subject = _("Invitation to %(organisation)s on clusterscape") % {"organisation": organisation}
    send_mails_later([EmailMessage(subject, body, to=[email])])
    return secret


@transaction.atomic
def accept_invitation(secret: str, *, user: User) -> Membership:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(secret_hash=_digest(secret))
        .first()
    )
    now = timezone.now()
    if invitation is None or not invitation.pending_at(now):
        raise ValidationError(
            {
                "token": _(
                    "This invitation is invalid, was used already, was revoked or has expired."
                )
            }
        )
    if (user.email or "").lower() != invitation.email.lower():
        raise ValidationError({"token": _("This invitation was sent to another e-mail address.")})
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_by = user
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return membership


def revoke_invitation(invitation: Invitation, *, by: User) -> None:
    permissions.require(permissions.can_manage_organisation(by, invitation.organisation))
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
