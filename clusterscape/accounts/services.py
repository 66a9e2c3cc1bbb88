"""Every write of the accounts app: sign-up, sessions, two-factor, claims,
validation decisions, contact persons, personal data and API tokens. Views, admin and API
call these functions."""

import hashlib
import logging
import secrets
from decimal import Decimal
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core import signing
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
from clusterscape.registry.records import RecordInvalid

from . import permissions
from .models import (
    ApiToken,
    ContactPerson,
    Membership,
    OrganisationClaim,
    RecoveryCode,
    TOTPDevice,
    User,
    UserSession,
    ValidationCriterion,
    ValidationDecision,
)
from .tokens import TOKEN_PREFIX

logger = logging.getLogger(__name__)

VERIFY_SALT = "clusterscape.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
RECOVERY_CODE_COUNT = 10


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def absolute_url(request: HttpRequest | None, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Sign-up and e-mail verification -------------------------------------------------------------


def sign_up(
    *, username: str, email: str, password: str, request: HttpRequest | None = None
) -> User:
    """Create an inactive account and send the verification link. Raises ValidationError
    naming the field."""
    email = User.objects.normalize_email(email.strip())
    user = User(username=username.strip(), email=email, is_active=False)
    errors: dict[str, list[str]] = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this e-mail address exists already.")]
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.set_password(password)
        user.save()
    send_verification(user, request=request)
    logger.info("account %s signed up", user.pk)
    return user


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def send_verification(user: User, *, request: HttpRequest | None = None) -> None:
    link = absolute_url(request, reverse("accounts:verify-email", args=[verification_token(user)]))
    send_mails_later(
        [
            EmailMessage(
                _("Confirm your e-mail address for clusterscape"),
                render_to_string("accounts/email/verify.txt", {"user": user, "link": link}),
                to=[user.email],
            )
        ]
    )


def verify_email(token: str) -> User:
    """Activate the account the token was made for. Raises ValidationError when the link is
    invalid, expired or made for an earlier address."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(
            {"token": _("This confirmation link is invalid or has expired.")}
        ) from None
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        raise ValidationError({"token": _("This confirmation link is invalid or has expired.")})
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


# Sessions -----------------------------------------------------------------------------------


def remember_session(request: HttpRequest, user: User) -> UserSession:
    """Call right after login(): lists the session on the user's sessions page."""
    if not request.session.session_key:
        request.session.save()
    session, _created = UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "user_agent": request.headers.get("user-agent", "")[:255],
            "ip_address": request.META.get("REMOTE_ADDR") or None,
        },
    )
    return session


def sessions_of(user: User) -> QuerySet[UserSession]:
    """The user's sessions that still exist (ended or expired ones are dropped)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list(
        "session_key", flat=True
    )
    UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    return UserSession.objects.filter(user=user)


def end_session(user: User, session_id: int) -> None:
    """End one of the user's own sessions (another user's id is refused)."""
    entry = UserSession.objects.filter(user=user, pk=session_id).first()
    if entry is None:
        raise ValidationError({"session": _("No such session.")})
    with transaction.atomic():
        Session.objects.filter(session_key=entry.session_key).delete()
        entry.delete()


def end_other_sessions(user: User, *, keep: str | None) -> int:
    entries = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(entries.values_list("session_key", flat=True))
    with transaction.atomic():
        Session.objects.filter(session_key__in=keys).delete()
        entries.delete()
    return len(keys)


# Two-factor authentication (TOTP) ------------------------------------------------------------


def requires_two_factor(user: User) -> bool:
    """Platform staff must use a second factor before they reach admin or staff pages."""
    return permissions.is_signed_in(user) and (
        user.is_staff
        or user.is_superuser
        or permissions.is_editor(user)
        or permissions.is_programme_officer(user)
    )


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def start_totp(user: User) -> TOTPDevice:
    """A new, unconfirmed secret (replaces an unconfirmed one; a confirmed one stays)."""
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed:
        raise ValidationError({"code": _("Two-factor authentication is already on.")})
    if device is None:
        device = TOTPDevice(user=user)
    device.secret = pyotp.random_base32()
    device.save()
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(
        name=device.user.email or device.user.username, issuer_name="clusterscape"
    )


def _check_totp(device: TOTPDevice, code: str) -> bool:
    """A code is accepted once: a step already used is refused (replay)."""
    code = "".join(code.split())
    if not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now().timestamp()
    for drift in (0, -1, 1):
        at = now + drift * totp.interval
        step = int(at // totp.interval)
        if step > device.last_used_step and secrets.compare_digest(totp.at(at), code):
            device.last_used_step = step
            device.save(update_fields=["last_used_step"])
            return True
    return False


def confirm_totp(user: User, code: str) -> list[str]:
    """Turn two-factor on with a first code from the app; returns the recovery codes (shown
    once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None or not _check_totp(device, code):
        raise ValidationError({"code": _("This code is not valid. Enter the current code.")})
    with transaction.atomic():
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _i in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(user=user, code_hash=_hash(code)) for code in codes]
        )
    return codes


def verify_second_factor(user: User, code: str) -> bool:
    """A current TOTP code or an unused recovery code (then used up)."""
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    if _check_totp(device, code):
        return True
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_hash(code.strip().lower()), used_at__isnull=True
    ).update(used_at=timezone.now())
    return used == 1


def disable_two_factor(user: User) -> None:
    if requires_two_factor(user):
        raise ValidationError(
            {"code": _("Platform staff cannot turn two-factor authentication off.")}
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


# Organisation claims, registration and people ----------------------------------------------


def claim_organisation(user: User, organisation: Organisation, *, reason: str) -> OrganisationClaim:
    if permissions.organisation_role(user, organisation) == Membership.Role.MANAGER:
        raise ValidationError({"organisation": _("You manage this organisation already.")})
    if OrganisationClaim.objects.filter(
        user=user, organisation=organisation, status=OrganisationClaim.Status.OPEN
    ).exists():
        raise ValidationError({"organisation": _("Your claim is already waiting for a decision.")})
    claim = OrganisationClaim(user=user, organisation=organisation, reason=reason.strip())
    claim.full_clean()
    claim.save()
    logger.info("user %s claims organisation %s", user.pk, organisation.slug)
    return claim


def decide_claim(
    claim: OrganisationClaim, *, approve: bool, by: User, reason: str = ""
) -> OrganisationClaim:
    """An editor approves (the user becomes a manager) or rejects a claim."""
    permissions.require(permissions.is_editor(by))
    if claim.status != OrganisationClaim.Status.OPEN:
        raise ValidationError({"status": _("This claim has been decided already.")})
    if not approve and not reason.strip():
        raise ValidationError({"decision_reason": _("Give a reason for the rejection.")})
    with transaction.atomic():
        claim.status = (
            OrganisationClaim.Status.APPROVED if approve else OrganisationClaim.Status.REJECTED
        )
        claim.decided_by = by
        claim.decided_at = timezone.now()
        claim.decision_reason = reason.strip()
        claim.save()
        if approve:
            Membership.objects.update_or_create(
                user=claim.user,
                organisation=claim.organisation,
                defaults={"role": Membership.Role.MANAGER},
            )
    return claim


def register_organisation(user: User, record: dict[str, Any]) -> Organisation:
    """A new organisation as a draft waiting for validation; the user becomes its manager.
    The record goes through the registry's record rules."""
    from clusterscape.registry import services as registry_services

    if not permissions.is_signed_in(user):
        permissions.require(False)
    slug = str(record.get("slug") or "").strip()
    if slug and Organisation.objects.filter(slug=slug).exists():
        # the record service would update that organisation: a registration never does
        raise RecordInvalid({"slug": [_("This address is taken; choose another one.")]})
    record = {**record, "status": Organisation.Status.PENDING}
    with transaction.atomic():
        organisation, _outcome = registry_services.save_organisation_record(record, by=user)
        Membership.objects.create(
            user=user, organisation=organisation, role=Membership.Role.MANAGER
        )
    return organisation


def remove_member(membership: Membership, *, by: User) -> None:
    permissions.require(permissions.can_manage_organisation(by, membership.organisation))
    if membership.role == Membership.Role.MANAGER:
        managers = Membership.objects.filter(
            organisation=membership.organisation, role=Membership.Role.MANAGER
        ).count()
        if managers == 1 and not permissions.is_editor(by):
            raise ValidationError({"membership": _("An organisation keeps at least one manager.")})
    membership.delete()


# Validation ---------------------------------------------------------------------------------

MIN_FTE = Decimal("0.5")
MIN_MEMBERS = 15
INDUSTRY = ("members_sme", "members_large", "members_startup")
RESEARCH = ("members_research", "members_university")
PUBLIC = ("members_public",)
CIVIL_SOCIETY = ("members_other",)


def criteria_results(organisation: Organisation) -> dict[str, bool | None]:
    """What the profile's data say about each published criterion: met, not met, or unknown
    (None, where the data are missing or an editor must look, e.g. whether the site works)."""
    results: dict[str, bool | None] = {}
    for criterion in ValidationCriterion.objects.all():
        if criterion.code == "management-team":
            fte = organisation.management_staff_fte
            results[criterion.code] = None if fte is None else Decimal(str(fte)) >= MIN_FTE
        elif criterion.code == "committed-members":
            total = organisation.members_total
            results[criterion.code] = None if total is None else total >= MIN_MEMBERS
        elif criterion.code == "triple-helix":
            groups = [
                any(getattr(organisation, name) for name in group)
                for group in (INDUSTRY, RESEARCH, PUBLIC, CIVIL_SOCIETY)
            ]
            known = organisation.members_total is not None
            results[criterion.code] = (sum(groups) >= 2) if known else None
        elif criterion.code == "website":
            results[criterion.code] = None if organisation.website else False
        else:
            results[criterion.code] = None
    return results


def is_in_official_programme(organisation: Organisation) -> bool:
    return organisation.memberships.exists()


def decide_validation(
    organisation: Organisation, *, outcome: str, reason: str, by: User
) -> ValidationDecision:
    """Record an editor's decision with its reason; approval publishes the profile, rejection
    sends it back to draft."""
    from clusterscape.registry import services as registry_services

    permissions.require(permissions.is_editor(by))
    if outcome == ValidationDecision.Outcome.EXEMPTED and not is_in_official_programme(
        organisation
    ):
        raise ValidationError(
            {"outcome": _("Only members of an official cluster programme can be exempted.")}
        )
    decision = ValidationDecision(
        organisation=organisation,
        outcome=outcome,
        reason=reason.strip(),
        results=criteria_results(organisation),
        decided_by=by,
    )
    decision.full_clean()
    status = (
        Organisation.Status.DRAFT
        if outcome == ValidationDecision.Outcome.REJECTED
        else Organisation.Status.PUBLISHED
    )
    with transaction.atomic():
        decision.save()
        registry_services.set_organisation_status(
            organisation, status=status, by=by, comment=decision.reason
        )
    return decision


# Contact persons ----------------------------------------------------------------------------


def save_contact_person(contact: ContactPerson, *, by: User) -> ContactPerson:
    permissions.require(permissions.can_manage_organisation(by, contact.organisation))
    if contact.consent and contact.consent_at is None:
        contact.consent_at = timezone.now()
    if not contact.consent:
        contact.consent_at = None
    contact.full_clean()
    contact.save()
    return contact


def public_contact_persons(organisation: Organisation) -> QuerySet[ContactPerson]:
    return ContactPerson.objects.filter(organisation=organisation, consent=True)


# Personal data ------------------------------------------------------------------------------


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the platform stores about the person, as JSON-ready data (GDPR Art. 15/20)."""

    def when(value):
        return value.isoformat() if value else None

    return {
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "platform_role": user.platform_role,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
            "two_factor": has_two_factor(user),
        },
        "memberships": [
            {"organisation": m.organisation.slug, "role": m.role, "since": when(m.created_at)}
            for m in user.memberships.select_related("organisation")
        ],
        "claims": [
            {
                "organisation": c.organisation.slug,
                "reason": c.reason,
                "status": c.status,
                "created_at": when(c.created_at),
                "decision_reason": c.decision_reason,
            }
            for c in user.claims.select_related("organisation")
        ],
        "sessions": [
            {
                "browser": s.user_agent,
                "address": s.ip_address,
                "signed_in": when(s.created_at),
            }
            for s in user.browser_sessions.all()
        ],
        "contact_entries": [
            {
                "organisation": c.organisation.slug,
                "name": c.name,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "consent": c.consent,
                "consent_at": when(c.consent_at),
            }
            for c in user.contact_entries.select_related("organisation")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": when(t.created_at),
                "revoked_at": when(t.revoked_at),
            }
            for t in user.api_tokens.all()
        ],
    }


def delete_account(user: User) -> None:
    """Erase the person: account, sessions, tokens, claims and own contact entries go; the
    organisations' data stay, and versions keep no link to the person."""
    with transaction.atomic():
        keys = list(user.browser_sessions.values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        user.contact_entries.all().delete()
        user.delete()
    logger.info("an account was deleted")


# API tokens ---------------------------------------------------------------------------------


def create_api_token(
    user: User, *, name: str, organisations: list[Organisation]
) -> tuple[ApiToken, str]:
    """A new token; returns it and the secret, which is shown once and stored only hashed."""
    permissions.require(permissions.is_signed_in(user))
    allowed = set(permissions.managed_organisations(user).values_list("pk", flat=True))
    if any(organisation.pk not in allowed for organisation in organisations):
        raise ValidationError(
            {"organisations": _("A token can only act for organisations you manage.")}
        )
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{prefix}_{secret}"
    token = ApiToken(user=user, name=name.strip(), prefix=prefix, secret_hash=_hash(raw))
    token.full_clean()
    with transaction.atomic():
        token.save()
        token.organisations.set(organisations)
    return token, raw


def revoke_api_token(token: ApiToken, *, by: User) -> ApiToken:
    if token.user_id != by.pk:
        permissions.require(False)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def site_email() -> str:
    return settings.DEFAULT_FROM_EMAIL
