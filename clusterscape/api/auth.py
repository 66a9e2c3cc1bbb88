"""Authentication of API writes: `Authorization: Bearer cs_<prefix>_<secret>`, a token made
on the account's token page (accounts.tokens). Reads need no token.

    from clusterscape.api.auth import TokenAuth, require_token_for

    @router.patch("/organisations/{slug}", auth=TokenAuth())
    def update(request, slug: str, ...):
        organisation = get_object_or_404(Organisation, slug=slug)
        require_token_for(request, organisation)   # 403 unless the token may write for it
        ...  # call the registry service with by=request.auth.user
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from clusterscape.accounts.models import ApiToken
from clusterscape.accounts.tokens import authenticate_token, token_may_write


class TokenAuth(HttpBearer):
    """`request.auth` is the ApiToken; a missing, unknown or revoked token is a 401."""

    openapi_description = "API token from the account's token page: Bearer cs_…"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = authenticate_token(token)
        if api_token is not None:
            request.user = api_token.user
        return api_token


def require_token_for(request: HttpRequest, organisation) -> ApiToken:
    """The request's token, if it may write for the organisation; else a 403."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken) or not token_may_write(token, organisation):
        raise HttpError(403, _("This token may not write for this organisation."))
    return token


class SessionAuth(NinjaSessionAuth):
    """A signed-in session, with Django's CSRF check (X-CSRFToken header). Without a session
    cookie there is nothing to check: the request is unauthenticated (401), not a CSRF
    failure (403)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)


session_auth = SessionAuth()
