"""Matchmaking in the API: recommendations with score, parts and reasons; partner requests;
expressions of interest."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from clusterscape.accounts.models import ApiToken
from clusterscape.matchmaking import requests as partner_requests_queries
from clusterscape.matchmaking.forms import FiltersForm
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.matchmaking.presentation import present
from clusterscape.matchmaking.queries import recommend
from clusterscape.matchmaking.reasons import render_hint
from clusterscape.matchmaking.scoring import hints
from clusterscape.matchmaking.views import stored_profile
from clusterscape.registry.models import Organisation

from ..auth import TokenAuth, require_token_for, session_auth
from ..content_schemas import PartnerRequestIn
from ..freshness import set_last_modified
from ..schemas import ErrorOut

router = Router(tags=["matchmaking"])

MAX_LIMIT = 100
LANGUAGES = ("de", "en")


class RecommendationQuery(Schema):
    lang: str = Field("en", description="Language of the reasons: de or en.")
    limit: int = Field(20, description="At most 100.")
    scope: str = Field(
        "international",
        description="international: partners outside the own country (the programme's "
        "rule); any: every country.",
    )
    country: str = Field("", description="Only partners in this country (ISO 3166-1).")
    state: str = Field("", description="Only partners in this German state (ISO 3166-2).")
    field: str = Field("", description="Only partners in this field or area (slug).")
    kind: str = Field("", description="Only this kind of organisation.")
    programme: str = Field("", description="Only members of this programme (slug).")


class ReasonOut(Schema):
    code: str = Field(description="shared_fields, they_offer, they_target_you, …")
    part: str = Field(description="thematic, complementarity, fit or penalty")
    items: list[str] = Field(description="Field slugs, field:capability pairs, country codes")
    text: str


class RecommendationOut(Schema):
    slug: str
    name: str
    kind: str
    country: str
    url: str
    website: str
    score: float = Field(description="0 to 1")
    parts: dict[str, float]
    penalty: float
    known_partner: bool
    reasons: list[ReasonOut]
    summary: str


class RecommendationsOut(Schema):
    organisation: str
    scope: str
    language: str
    hints: list[str] = Field(description="What the organisation could add to its profile.")
    results: list[RecommendationOut]


def invalid(errors: dict[str, list[str]]) -> JsonResponse:
    body = ErrorOut(detail=_("The parameters are not valid."), errors=errors)
    return JsonResponse(body.model_dump(), status=422)


@router.get(
    "/organisations/{slug}/recommendations",
    response={200: RecommendationsOut, 422: ErrorOut},
    summary="Partner recommendations",
)
def recommendations(request: HttpRequest, slug: str, params: Query[RecommendationQuery]):
    """Partners for a published organisation, best first, each with its score, the score's
    parts and the reasons in German or English. Candidates come from the match index."""
    organisation = get_object_or_404(Organisation, slug=slug, status=Organisation.Status.PUBLISHED)
    errors: dict[str, list[str]] = {}
    if params.lang not in LANGUAGES:
        errors["lang"] = [_("Choose de or en.")]
    if not 1 <= params.limit <= MAX_LIMIT:
        errors["limit"] = [_("Choose a number from 1 to 100.")]
    form = FiltersForm(
        {
            name: getattr(params, name)
            for name in ("scope", "country", "state", "field", "kind", "programme")
        }
    )
    if not form.is_valid():
        errors.update(
            {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        )
    if errors:
        return invalid(errors)
    with translation.override(params.lang):
        a = stored_profile(organisation)
        matches = recommend(a, limit=params.limit, scope=form.scope_value(), filters=form.filters())
        results = [
            {
                "slug": item.organisation.slug,
                "name": item.organisation.display_name,
                "kind": item.organisation.kind,
                "country": item.organisation.country_id,
                "url": request.build_absolute_uri(item.organisation.get_absolute_url()),
                "website": item.organisation.website,
                "score": item.match.score,
                "parts": item.match.parts,
                "penalty": item.match.penalty,
                "known_partner": item.known_partner,
                "reasons": [
                    {"code": r.code, "part": r.part, "items": list(r.items), "text": text}
                    for r, text in item.reasons
                ],
                "summary": item.summary,
            }
            for item in present(a, matches)
        ]
        return {
            "organisation": organisation.slug,
            "scope": form.scope_value(),
            "language": params.lang,
            "hints": [render_hint(code) for code in hints(a)],
            "results": results,
        }


# --- partner requests and expressions of interest -------------------------------------------


class PartnerRequestOut(Schema):
    id: int
    organisation: str
    title: str
    seeks: str
    offers: str
    fields: list[str]
    target_countries: list[str]
    cooperation: str
    deadline: datetime.date
    language: str
    status: str
    url: str


class InterestIn(Schema):
    organisation: str = Field(description="Slug of the organisation that expresses interest.")
    message: str


class InterestOut(Schema):
    id: int
    request: int
    organisation: str
    status: str


def request_out(request: HttpRequest, partner_request: PartnerRequest) -> dict:
    return {
        "id": partner_request.pk,
        "organisation": partner_request.organisation.slug,
        "title": partner_request.title,
        "seeks": partner_request.seeks,
        "offers": partner_request.offers,
        "fields": sorted(f.slug for f in partner_request.fields.all()),
        "target_countries": sorted(c.code for c in partner_request.target_countries.all()),
        "cooperation": partner_request.cooperation,
        "deadline": partner_request.deadline,
        "language": partner_request.language,
        "status": partner_request.status,
        "url": request.build_absolute_uri(
            reverse("matchmaking:request-detail", kwargs={"slug": str(partner_request.pk)})
        ),
    }


@router.get("/partner-requests", response=list[PartnerRequestOut], summary="Partner requests")
def partner_requests(
    request: HttpRequest, response: HttpResponse, field: str = "", country: str = ""
):
    """Open partner requests (not past their deadline), nearest deadline first; `field`
    (slug) and `country` (a target country, ISO 3166-1) narrow them."""
    set_last_modified(response, partner_requests_queries.open_requests_last_changed())
    found = partner_requests_queries.open_partner_requests().prefetch_related(
        "fields", "target_countries"
    )
    if field:
        found = found.filter(fields__slug=field)
    if country:
        found = found.filter(target_countries__code=country.upper())
    return [request_out(request, item) for item in found.distinct()[:MAX_LIMIT]]


@router.post(
    "/partner-requests",
    response={201: PartnerRequestOut, 403: ErrorOut, 422: ErrorOut},
    auth=[TokenAuth(), session_auth],
    summary="Publish a partner request",
)
def partner_request_create(request: HttpRequest, body: PartnerRequestIn):
    """A manager publishes a partner request of the own organisation (an API token issued
    for it, or a signed-in session with its CSRF token), through the same service and rules
    as the form: a deadline in the past, neither offers nor needs, unknown countries or
    fields are a 422 naming each field, and then nothing is written."""
    data = body.model_dump()
    organisation = Organisation.objects.filter(slug=data.pop("organisation")).first()
    if organisation is None:
        return invalid_request({"organisation": [_("No organisation has this slug.")]})
    if isinstance(request.auth, ApiToken):
        require_token_for(request, organisation)
    try:
        created = partner_requests_queries.publish_partner_request(
            organisation, by=request.user, **data
        )
    except ValidationError as error:
        return invalid_request(error.message_dict)
    created = PartnerRequest.objects.select_related("organisation").get(pk=created.pk)
    return Status(201, request_out(request, created))


def invalid_request(errors: dict[str, list[str]]) -> JsonResponse:
    body = ErrorOut(detail=_("The partner request is not valid."), errors=errors)
    return JsonResponse(body.model_dump(), status=422)


@router.get("/partner-requests/{request_id}", response=PartnerRequestOut, summary="Partner request")
def partner_request(request: HttpRequest, response: HttpResponse, request_id: int):
    found = get_object_or_404(
        PartnerRequest.objects.select_related("organisation"),
        pk=request_id,
        organisation__status=Organisation.Status.PUBLISHED,
    )
    set_last_modified(response, found.updated_at)
    return request_out(request, found)


@router.post(
    "/partner-requests/{request_id}/interests",
    response={201: InterestOut, 403: ErrorOut, 422: ErrorOut},
    auth=[TokenAuth(), session_auth],
    summary="Express interest",
)
def express_interest(request: HttpRequest, request_id: int, body: InterestIn):
    """Express an organisation's interest in a partner request, with a message (an API
    token that may write for the organisation, or a signed-in session)."""
    partner_request = get_object_or_404(PartnerRequest, pk=request_id)
    organisation = Organisation.objects.filter(slug=body.organisation).first()
    if organisation is None:
        return invalid({"organisation": [_("No organisation has this slug.")]})
    if isinstance(request.auth, ApiToken):
        require_token_for(request, organisation)
    try:
        interest = partner_requests_queries.express_interest(
            partner_request, organisation, by=request.user, message=body.message
        )
    except PermissionDenied as denied:
        refused = ErrorOut(detail=str(denied) or _("You are not allowed to do this."))
        return JsonResponse(refused.model_dump(), status=403)
    except ValidationError as error:
        return invalid(error.message_dict)
    return Status(
        201,
        {
            "id": interest.pk,
            "request": partner_request.pk,
            "organisation": organisation.slug,
            "status": interest.status,
        },
    )
