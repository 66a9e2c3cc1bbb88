"""GET /api/v1/organisations/{slug}/recommendations: partners with score, parts and reasons."""

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from clusterscape.matchmaking.forms import FiltersForm
from clusterscape.matchmaking.presentation import present
from clusterscape.matchmaking.queries import recommend
from clusterscape.matchmaking.reasons import render_hint
from clusterscape.matchmaking.scoring import hints
from clusterscape.matchmaking.views import stored_profile
from clusterscape.registry.models import Organisation

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
