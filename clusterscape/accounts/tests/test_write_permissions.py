"""Every URL of the project that could take a write is refused to visitors and to users
without rights: the table of the whole URL configuration, built at test time, so the write
views and API endpoints of every app are checked as they land.

For each pattern the test builds a URL (kwargs from factories, see KWARGS and PK_BUILDERS),
then sends POST (and PUT, PATCH, DELETE to the API) as an anonymous visitor and as a signed-in
user who is only a plain member of the target organisation and manager of another one.
Accepted answers: 401, 403, 404 or 405, or a redirect to the sign-in page for visitors. A view
that answers POST exactly as GET (a read-only page) is no write and passes. Patterns that are
meant to take writes from these users are listed with the reason in PUBLIC_WRITES and
OWN_ACCOUNT_WRITES; patterns the test cannot build are listed in SKIPPED.

Known limits: an `<int:...>` kwarg of a view not named in PK_BUILDERS gets the id of no object,
so such a view is only proven to answer 4xx, not to check the owner; add a builder for it. An
API write that a signed-in user reaches with the probe's empty JSON body answers 400/422 before
any owner check; that counts as refused because the database is unchanged, and the owner check
itself belongs in the API's own tests.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern

from clusterscape.accounts.history import record_version
from clusterscape.accounts.models import (
    ApiToken,
    ContactPerson,
    Membership,
    OrganisationClaim,
    Version,
)
from clusterscape.accounts.services import claim_organisation
from clusterscape.alerts.models import Alert
from clusterscape.content.models import Event, FundingCall, NewsItem, Project
from clusterscape.content.tests.factories import (
    EventFactory,
    FundingCallFactory,
    NewsItemFactory,
    ProjectFactory,
)
from clusterscape.matchmaking.brokerage_models import (
    BrokerageEvent,
    Meeting,
    MeetingDay,
    MeetingOutcome,
    MeetingRequest,
    Participant,
)
from clusterscape.matchmaking.brokerage_services import accept_meeting_request
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.matchmaking.tests.brokerage_factories import (
    brokerage_event,
    meeting_request,
    participant,
)
from clusterscape.registry.models import Organisation
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# Writes any visitor may make (sign-in and sign-up need no account).
PUBLIC_WRITES = {
    "set_language": "switching the language is for everyone",
    "accounts:login": "signing in",
    "accounts:two-factor-login": "second step of signing in (needs the first step's session)",
    "accounts:signup": "creating an account",
    "accounts:verify-email": "confirming an address with a signed link",
    "accounts:password-reset": "asking for a reset link (rate limited)",
    "accounts:password-reset-confirm": "setting a password with a signed link",
    "accounts:logout": "signing out",
    "registry:organisation-correction": "visitors suggest corrections to the editors",
    "matchmaking:bookmark": "a visitor's own bookmark list, kept in the visitor's session",
    "alerts:unsubscribe": "stops alerts by a signed link of a digest (the signature is the right)",
}
# Writes every signed-in user may make: they act on the user's own account only.
OWN_ACCOUNT_WRITES = {
    "accounts:sessions": "ends the user's own sessions",
    "accounts:two-factor-setup": "the user's own second factor",
    "accounts:two-factor-disable": "the user's own second factor",
    "accounts:password-change": "the user's own password",
    "accounts:delete-account": "the user's own account",
    "accounts:tokens": "the user's own tokens, scoped to organisations the user manages",
    "accounts:register-organisation": "any user may register a new organisation for validation",
    "accounts:claim": "any user may claim an organisation; an editor decides",
    "accounts:accept-invitation": "needs an invitation signed for the user's address",
    "brokerage:register": "any user registers an organisation they act for, or a new partner "
    "(a draft for the editors), for an event's meetings while registration is open",
    "alerts:alert-list": "saves a request profile as the user's own alert",
    "alerts:alert-new": "saves a search as the user's own alert",
}
SKIPPED = {
    "admin": "the Django admin: staff only (AdminSite.has_permission) and second factor, "
    "tested in test_two_factor and test_profile_history",
}

API_METHODS = ("post", "put", "patch", "delete")


@dataclass
class Target:
    name: str
    route: str
    converters: dict[str, str]
    is_api: bool


def _walk(patterns, prefix="", namespace="", converters=None):
    converters = converters or {}
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            route = "en/"
        elif isinstance(pattern, RoutePattern):
            route = str(pattern)
        else:
            route = None
        if isinstance(entry, URLResolver):
            inner_namespace = entry.namespace or ""
            full_namespace = ":".join(filter(None, [namespace, inner_namespace]))
            if full_namespace.split(":")[0] in SKIPPED:
                continue
            if route is None:
                continue  # regex includes (none outside the admin today)
            yield from _walk(
                entry.url_patterns,
                prefix + route,
                full_namespace,
                {**converters, **pattern.converters} if hasattr(pattern, "converters") else {},
            )
        elif isinstance(entry, URLPattern) and route is not None:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Target(
                name=name,
                route=prefix + route,
                converters={**converters, **pattern.converters},
                is_api=prefix.startswith("api/"),
            )


@pytest.fixture
def world():
    target = OrganisationFactory(slug="target-org")
    manager = MembershipFactory(organisation=target).user
    outsider = UserFactory(username="outsider")
    Membership.objects.create(user=outsider, organisation=target, role=Membership.Role.MEMBER)
    MembershipFactory(user=outsider, organisation=OrganisationFactory(slug="own-org"))
    claim = claim_organisation(UserFactory(), target, reason="Director.")
    version = record_version(target, by=manager)
    partner_request = PartnerRequest.objects.create(
        organisation=target,
        title="Testing partner",
        seeks="Tests",
        cooperation=PartnerRequest.Cooperation.PROJECT,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        language="en",
    )
    # a brokerage event where two other organisations meet; the users of the table are
    # not registered, so every brokerage API write must refuse them
    brokerage = brokerage_event()
    meeting = meeting_request(participant(brokerage), participant(brokerage))
    first, second = participant(brokerage), participant(brokerage)
    booked = accept_meeting_request(meeting_request(first, second), by=second.user)
    # an alert of the target's manager: nobody else may change or delete it
    alert = Alert.objects.create(user=manager, kind="search", query={"q": ["x"]}, language="en")
    # published content of the target: the outsider is a plain member there, and members
    # change only drafts
    content = {
        "news": NewsItemFactory(organisation=target),
        "events": EventFactory(organisation=target),
        "funding-calls": FundingCallFactory(organisation=target),
        "projects": ProjectFactory(organisation=target),
    }
    return {
        "content": content,
        "alert": alert,
        "brokerage": brokerage,
        "meeting_request": meeting,
        "meeting": booked,
        "partner_request": partner_request,
        "target": target,
        "outsider": outsider,
        "claim": claim,
        "version": version,
        "manager_membership": Membership.objects.get(user=manager),
    }


PK_BUILDERS = {
    "accounts:claim-decide": lambda world: world["claim"].pk,
    "accounts:remove-member": lambda world: world["manager_membership"].pk,
    "accounts:restore-version": lambda world: world["version"].pk,
    "matchmaking:request-edit": lambda world: world["partner_request"].pk,
    "matchmaking:request-close": lambda world: world["partner_request"].pk,
    "alerts:alert-frequency": lambda world: world["alert"].pk,
    "alerts:alert-delete": lambda world: world["alert"].pk,
    "brokerage:answer": lambda world: world["meeting_request"].pk,
    "brokerage:withdraw-request": lambda world: world["meeting_request"].pk,
    "brokerage:day-edit": lambda world: world["brokerage"].days.get().pk,
    "brokerage:day-delete": lambda world: world["brokerage"].days.get().pk,
}
# Keys of the patterns of one namespace, before ROUTE_KWARGS and KWARGS: the brokerage
# pages get the event with meetings (organised by neither of the probe's organisations).
NAMESPACE_KWARGS = {
    "brokerage": {"slug": lambda world: world["brokerage"].event.slug},
}
# Keys of routes under a prefix, before KWARGS.
ROUTE_KWARGS = {
    **{
        f"api/v1/{kind}/": {"slug": lambda world, kind=kind: world["content"][kind].slug}
        for kind in ("news", "events", "funding-calls", "projects")
    },
    "api/v1/brokerage-events/": {
        "slug": lambda world: world["brokerage"].event.slug,
        "request_id": lambda world: world["meeting_request"].pk,
        "meeting_id": lambda world: world["meeting"].pk,
    },
}
KWARGS = {
    "slug": lambda world: world["target"].slug,
    "token": lambda world: "not-a-valid-token",
    "uidb64": lambda world: "MQ",
}


def _url(target: Target, world) -> str:
    routed = NAMESPACE_KWARGS.get(target.name.split(":")[0]) or next(
        (keys for prefix, keys in ROUTE_KWARGS.items() if target.route.startswith(prefix)), {}
    )

    def value(match: re.Match) -> str:
        kind, name = (match.group(1) or "str"), match.group(2)
        if name in routed:
            return str(routed[name](world))
        if name in KWARGS and kind != "int":
            return str(KWARGS[name](world))
        if kind == "int":
            builder = PK_BUILDERS.get(target.name)
            return str(builder(world) if builder else 2_000_000_000)
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, target.route)


def _fingerprint():
    return (
        list(Organisation.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        Version.objects.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "role")),
        list(OrganisationClaim.objects.values_list("pk", "status")),
        ContactPerson.objects.count(),
        ApiToken.objects.count(),
        list(MeetingRequest.objects.order_by("pk").values_list("pk", "status")),
        Meeting.objects.count(),
        MeetingOutcome.objects.count(),
        list(BrokerageEvent.objects.values_list("pk", "registration_closes", "languages")),
        list(MeetingDay.objects.order_by("pk").values_list("pk", "starts", "ends", "tables")),
        Participant.objects.count(),
        list(PartnerRequest.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        *(
            list(model.objects.order_by("pk").values_list("pk", "status", "updated_at"))
            for model in (NewsItem, Event, FundingCall, Project)
        ),
        list(Alert.objects.order_by("pk").values_list("pk", "frequency", "active")),
    )


def _strip_tokens(content: bytes) -> bytes:
    """What differs between two reads of the same page: CSRF tokens, and an iCalendar's
    DTSTAMP (the moment the file was made: two reads a second apart differ)."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)
    return re.sub(rb"DTSTAMP:[0-9TZ]+", b"", content)


def _refused(response, *, anonymous: bool, is_api: bool = False) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    if is_api and not anonymous and response.status_code in (400, 422):
        # the probe's empty body is refused before the owner check; the database
        # fingerprint proves nothing was written (see the module's known limits)
        return True
    if anonymous and response.status_code in (301, 302, 303):
        return response["Location"].startswith(("/en/account/login/", "/de/account/login/"))
    return False


def _read_only(client: Client, url: str, response) -> bool:
    """A page that answers a write method like GET takes no write."""
    if response.status_code != 200:
        return False
    again = client.get(url)
    return again.status_code == 200 and _strip_tokens(again.content) == _strip_tokens(
        response.content
    )


def _check(client: Client, targets, world, *, anonymous: bool, allowed: dict) -> list[str]:
    problems = []
    for target in targets:
        if target.name in allowed or target.name in PUBLIC_WRITES:
            continue
        url = _url(target, world)
        methods = API_METHODS if target.is_api else ("post",)
        for method in methods:
            response = getattr(client, method)(url, data="{}", content_type="application/json")
            if method == "post" and not target.is_api:
                response = client.post(url, {"probe": "1"})
            if _refused(response, anonymous=anonymous, is_api=target.is_api):
                continue
            if _read_only(client, url, response):
                continue
            problems.append(f"{method.upper()} {url} ({target.name}): {response.status_code}")
    return problems


def test_url_table_is_not_empty_and_holds_write_views():
    names = {target.name for target in _walk(get_resolver().url_patterns)}

    assert {"accounts:organisation-edit", "accounts:claim-decide", "registry:home"} <= names


def test_visitors_are_refused_every_write(client, world):
    targets = list(_walk(get_resolver().url_patterns))
    before = _fingerprint()

    problems = _check(client, targets, world, anonymous=True, allowed={})

    assert "\n".join(problems) == ""
    assert _fingerprint() == before


def test_users_without_rights_are_refused_every_write(client, world):
    targets = list(_walk(get_resolver().url_patterns))
    client.force_login(world["outsider"])
    before = _fingerprint()

    problems = _check(client, targets, world, anonymous=False, allowed=OWN_ACCOUNT_WRITES)

    assert "\n".join(problems) == ""
    assert _fingerprint() == before


def test_listed_exceptions_name_existing_patterns():
    names = {target.name for target in _walk(get_resolver().url_patterns)}

    assert sorted(set(PUBLIC_WRITES) - names - {"set_language"}) == []
    assert sorted(set(OWN_ACCOUNT_WRITES) - names) == []
    assert settings.ROOT_URLCONF == "clusterscape.urls"
