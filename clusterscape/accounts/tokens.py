"""API tokens: `cs_<prefix>_<secret>`. The prefix finds the row, the SHA-256 of the whole
token is compared in constant time; revoked tokens and inactive users are refused."""

import hashlib
import hmac
import logging

from django.utils import timezone

from .models import ApiToken

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "cs_"  # noqa: S105 — a visible marker, not a secret


def authenticate_token(raw: str | None) -> ApiToken | None:
    """The active token for a raw token string, or None (unknown, malformed or revoked)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    prefix, _sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    if token is None or not hmac.compare_digest(token.secret_hash, digest):
        logger.warning("refused API token with prefix %r", prefix[:16])
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def token_may_write(token: ApiToken, organisation) -> bool:
    """A token writes for an organisation only if it was issued for it and its user still
    manages it (removing the user from the organisation takes the right away)."""
    from . import permissions

    return token.organisations.filter(
        pk=organisation.pk
    ).exists() and permissions.can_manage_organisation(token.user, organisation)
