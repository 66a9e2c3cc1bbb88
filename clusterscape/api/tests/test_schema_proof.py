"""Proof of the API against its own OpenAPI document: schemathesis generates requests for
every operation (valid and invalid input; writes with a manager's API token) and sends them
to the application in process (WSGI); no answer may be a 5xx, and every answer must be one
the document describes, with its content type, headers and body schema. Invalid input must
be refused with a 4xx."""

import datetime
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.services import create_api_token
from clusterscape.content.tests.factories import (
    EventFactory,
    FundingCallFactory,
    NewsItemFactory,
    ProjectFactory,
    ProjectPartnerFactory,
)
from clusterscape.funding.models import Partnership
from clusterscape.funding.tests.factories import (
    DatedGrantFactory,
    FundingProgrammeFactory,
    PartnershipFactory,
    RoundFactory,
)
from clusterscape.matchmaking.brokerage_services import accept_meeting_request
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.matchmaking.requests import publish_partner_request
from clusterscape.matchmaking.tests.brokerage_factories import (
    brokerage_event,
    meeting_request,
    participant,
)
from clusterscape.matchmaking.tests.factories import matched_organisation
from clusterscape.registry.models import PartnerLink
from clusterscape.registry.tests.factories import SourceFactory
from clusterscape.search import services as search_services
from clusterscape.wsgi import application

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and mode: enough to reach every parameter, small enough that the
# whole proof stays well under a minute on the project's two cores.
EXAMPLES = int(os.environ.get("API_PROOF_EXAMPLES", 12))


# Real keys, so that detail operations answer 200 as well as 404.
def _known_keys(path: str, landscape: dict) -> dict[str, object]:
    keys = {"request_id": landscape["request_id"], "year": 2015, "meeting_id": 0}
    keys["slug"] = "interspin" if path.startswith("/api/v1/funding/") else "biorn"
    if path.startswith("/api/v1/brokerage-events/"):
        keys["slug"] = landscape["brokerage"]
        keys["request_id"] = landscape["meeting_request_id"]
        keys["meeting_id"] = landscape["meeting_id"]
    for prefix, slug in CONTENT_KEYS.items():
        if path.startswith(prefix):
            keys["slug"] = slug
    return keys


# A published item of each kind of content, biorn's (its manager's token writes them).
CONTENT_KEYS = {
    "/api/v1/news/": "biorn-news",
    "/api/v1/events/": "biorn-event",
    "/api/v1/funding-calls/": "biorn-call",
    "/api/v1/projects/": "biorn-project",
}


@pytest.fixture
def in_process_requests():
    """Requests through the WSGI application share the test's database transaction, so
    the connection must stay open between them (as Django's test client keeps it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def landscape():
    biorn = matched_organisation(
        slug="biorn",
        name="BioRN",
        city="Heidelberg",
        fields=("biotechnology",),
        offers=(("biotechnology", ""),),
        targets=("FR",),
    )
    SourceFactory(organisation=biorn, url="https://www.biorn.org/")
    lyon = matched_organisation(
        slug="lyonbiopole", name="Lyonbiopole", country="FR", fields=("biotechnology",)
    )
    PartnerLink.objects.create(
        source=biorn, target=lyon, kind="mou", year=2016, source_url="https://www.biorn.org/"
    )
    for organisation in (biorn, lyon):
        search_services.index_organisation(organisation)
    manager = User.objects.create_user(username="anna", email="anna@example.org", password="x")
    Membership.objects.create(user=manager, organisation=biorn, role=Membership.Role.MANAGER)
    partner_request = publish_partner_request(
        biorn,
        by=manager,
        title="Partner for cell therapy manufacturing",
        seeks="Manufacturing know-how",
        offers="",
        cooperation=PartnerRequest.Cooperation.PROJECT,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        language="en",
        fields=["biotechnology"],
        target_countries=["FR"],
    )
    programme = FundingProgrammeFactory(slug="interspin", name_en="InterSpiN")
    round = RoundFactory(programme=programme, year=2015)
    grant = DatedGrantFactory(application__round=round, application__organisation=biorn)
    PartnershipFactory(grant=grant, partner_country_id="FR", stage=Partnership.Stage.MOU)
    brokerage = brokerage_event()
    at_event = participant(brokerage, organisation=biorn)
    pending = meeting_request(participant(brokerage, organisation=lyon), at_event)
    # a booked meeting of biorn's (still ahead: recording its outcome is a 422)
    other = participant(brokerage, name="Dresden Chips")
    booked = accept_meeting_request(meeting_request(at_event, other), by=other.user)
    NewsItemFactory(slug="biorn-news", organisation=biorn)
    EventFactory(slug="biorn-event", organisation=biorn, organiser=biorn, country_id="DE")
    FundingCallFactory(slug="biorn-call", organisation=biorn).eligible_countries.add("FR")
    ProjectPartnerFactory(
        project=ProjectFactory(slug="biorn-project", organisation=biorn), organisation=lyon
    )
    _token, raw = create_api_token(manager, name="proof", organisations=[biorn])
    return {
        "request_id": partner_request.pk,
        "brokerage": brokerage.event.slug,
        "meeting_request_id": pending.pk,
        "meeting_id": booked.pk,
        "token": {"Authorization": f"Bearer {raw}"},
    }


def _strategy(operation, known: dict[str, object]):
    """Cases for one operation: generated freely (valid and invalid input), and valid input
    with real keys in the path."""
    strategies = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    names = [parameter.name for parameter in operation.path_parameters]
    if names:
        keys = {name: known[name] for name in names}
        strategies.append(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=keys)
        )
    return st.one_of(strategies)


@override_settings(
    API_RATE_LIMIT_PER_ADDRESS=0,
    API_RATE_LIMIT_PER_TOKEN=0,
    ALLOWED_HOSTS=["localhost", "testserver"],
)
def test_every_operation_conforms_to_the_schema(in_process_requests, landscape):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures = []

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, _known_keys(operation.path, landscape)))
        def check(case):
            # reads as anyone, a participant's own reads and every write as biorn's manager
            # (other organisations: 403)
            own = case.method != "GET" or "/meeting-requests" in case.path or "/agenda" in case.path
            response = case.call(headers=landscape["token"] if own else None)
            extra = [negative_data_rejection] if case.meta and _is_negative(case) else []
            case.validate_response(response, checks=CHECKS + extra)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # every operation's findings at once
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")

    assert len(operations) >= 20
    assert not failures, "\n\n".join(failures)


def _is_negative(case) -> bool:
    return case.meta.generation.mode == GenerationMode.NEGATIVE
