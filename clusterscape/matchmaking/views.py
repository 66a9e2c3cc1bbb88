"""Pages of matchmaking: partners of a profile, the match explorer, comparing two
candidates, bookmarks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterscape.accounts.permissions import (
    can_manage_organisation,
    is_signed_in,
    managed_organisations,
    require,
)
from clusterscape.registry.models import Organisation

from . import requests, services
from .forms import (
    ExplorerForm,
    FiltersForm,
    InterestForm,
    PartnerRequestForm,
    RequestListForm,
)
from .models import ExpressionOfInterest, InboxMessage, PartnerRequest
from .presentation import present
from .profiles import Profile, organisation_profiles
from .queries import idf_for, profile_of, recommend
from .reasons import Labels, render_hint, render_reason
from .scoring import hints, score

RESULTS = 20
REQUESTS_PER_PAGE = 20
COMPARED = 2


def published(slug: str) -> Organisation:
    return get_object_or_404(
        Organisation.objects.select_related("country"),
        slug=slug,
        status=Organisation.Status.PUBLISHED,
    )


def stored_profile(organisation: Organisation) -> Profile:
    """The indexed profile, or one made now if the index does not hold it yet."""
    found = profile_of(organisation)
    if found is None:
        (found,) = organisation_profiles([organisation.pk])
    return found


def _results_context(request: HttpRequest, a: Profile, form: FiltersForm) -> dict:
    matches = recommend(a, limit=RESULTS, scope=form.scope_value(), filters=form.filters())
    bookmarked = services.bookmarked_ids(request.user, request.session)
    return {
        "recommendations": present(a, matches, bookmarked=bookmarked),
        "hidden": [
            (name, value)
            for name, values in request.GET.lists()
            if name not in {"compare", "for"}
            for value in values
        ],
        "hints": [render_hint(code) for code in hints(a)],
        "query": request.GET.urlencode(),
    }


def _render(request: HttpRequest, template: str, context: dict, *, status: int = 200):
    if request.htmx and not request.htmx.history_restore_request:
        template = "matchmaking/partials/results.html"
    return render(request, template, context, status=status)


def organisation_partners(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = published(slug)
    form = FiltersForm(request.GET)
    context = {
        "organisation": organisation,
        "form": form,
        "for_slug": organisation.slug,
        "can_publish": can_manage_organisation(request.user, organisation),
    }
    if not form.is_valid():
        return _render(request, "matchmaking/organisation_partners.html", context, status=400)
    profile = stored_profile(organisation)
    context.update(_results_context(request, profile, form))
    context["fitting_requests"] = requests.requests_for(profile)
    return _render(request, "matchmaking/organisation_partners.html", context)


def explorer(request: HttpRequest) -> HttpResponse:
    form = ExplorerForm(request.GET or None)
    context = {"form": form, "recommendations": None}
    if not form.is_bound:
        return render(request, "matchmaking/explorer.html", context)
    if not form.is_valid():
        return _render(request, "matchmaking/explorer.html", context, status=400)
    if form.found is not None:
        context["organisation"] = form.found
        context["for_slug"] = form.found.slug
        a = stored_profile(form.found)
    elif form.describes_self:
        a = form.described_profile()
    else:
        return _render(request, "matchmaking/explorer.html", context)
    context.update(_results_context(request, a, form))
    return _render(request, "matchmaking/explorer.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    """Two candidates side by side, for an organisation (`for`) or a description."""
    slugs = request.GET.getlist("compare")
    form = ExplorerForm(request.GET)
    back = reverse("matchmaking:explorer") + "?" + request.GET.urlencode()
    if request.GET.get("for"):
        organisation = published(request.GET["for"])
        a = stored_profile(organisation)
        back = (
            reverse("matchmaking:organisation-partners", args=[organisation.slug])
            + "?"
            + request.GET.urlencode()
        )
    elif form.is_valid() and (form.found or form.describes_self):
        organisation = form.found
        a = stored_profile(organisation) if organisation else form.described_profile()
    else:
        raise Http404
    context = {"organisation": organisation, "back": back, "columns": []}
    if len(slugs) != COMPARED or slugs[0] == slugs[1]:
        context["error"] = _("Pick two different organisations to compare.")
        return render(request, "matchmaking/compare.html", context, status=400)
    candidates = [published(slug) for slug in slugs]
    profiles = [stored_profile(candidate) for candidate in candidates]
    idf, _df, _total = idf_for(sorted({t for p in (a, *profiles) for t in p.terms}))
    matches = [score(a, b, idf) for b in profiles]
    context["columns"] = present(a, matches)
    context["rows"] = ["score", "thematic", "complementarity", "fit"]
    labels = Labels.load()
    context["reason_lists"] = [
        [render_reason(reason, labels) for reason in match.reasons] for match in matches
    ]
    return render(request, "matchmaking/compare.html", context)


@require_POST
def bookmark(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = published(slug)
    services.toggle_bookmark(request.user, request.session, organisation)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("matchmaking:bookmarks")
    return redirect(target)


def bookmarks(request: HttpRequest) -> HttpResponse:
    ids = services.bookmarked_ids(request.user, request.session)
    organisations = (
        Organisation.objects.filter(pk__in=ids, status=Organisation.Status.PUBLISHED)
        .select_related("country")
        .order_by("name")
    )
    return render(request, "matchmaking/bookmarks.html", {"organisations": organisations})


def request_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A partner request, the form to express interest, and the expressions of interest the
    user may see (with accept/decline for the request's managers)."""
    partner_request = get_object_or_404(
        PartnerRequest.objects.select_related("organisation").prefetch_related(
            "fields", "target_countries"
        ),
        pk=int(slug) if slug.isdigit() else 0,
        organisation__status=Organisation.Status.PUBLISHED,
    )
    form = InterestForm(request.user, partner_request, request.POST or None)
    status = 200
    if request.method == "POST":
        require(is_signed_in(request.user))
        if form.is_valid():
            try:
                requests.express_interest(
                    partner_request,
                    form.cleaned_data["organisation"],
                    by=request.user,
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your interest was sent."))
                return redirect(request.path)
        status = 400
    context = {
        "partner_request": partner_request,
        "is_open": requests.open_partner_requests().filter(pk=partner_request.pk).exists(),
        "form": form,
        "interests": requests.interests_visible_to(request.user, partner_request),
        "can_answer": can_manage_organisation(request.user, partner_request.organisation),
    }
    return render(request, "matchmaking/request_detail.html", context, status=status)


@require_POST
def interest_answer(request: HttpRequest, pk: int) -> HttpResponse:
    interest = get_object_or_404(
        ExpressionOfInterest.objects.select_related("request__organisation", "organisation"),
        pk=pk,
    )
    requests.answer_interest(
        interest, by=request.user, accept=request.POST.get("answer") == "accept"
    )
    return redirect("matchmaking:request-detail", slug=str(interest.request_id))


def inbox(request: HttpRequest) -> HttpResponse:
    require(is_signed_in(request.user))
    items = InboxMessage.objects.filter(user=request.user)[:100]
    return render(request, "matchmaking/inbox.html", {"items": items})


def request_list(request: HttpRequest) -> HttpResponse:
    """Open partner requests, filtered by field, country sought, type of cooperation and
    words (through the search index), a page at a time; HTMX gets the list only."""
    form = RequestListForm(request.GET)
    context: dict = {"form": form, "page": None}
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        found = requests.filtered_open_requests(
            field=data.get("field"),
            country=data.get("country"),
            cooperation=data.get("cooperation") or "",
        ).prefetch_related("fields", "target_countries")
        if data.get("q"):
            ids = requests.request_ids_matching(data["q"])
            rank = {pk: position for position, pk in enumerate(ids)}
            found = sorted(found.filter(pk__in=ids), key=lambda item: rank[item.pk])
        paginator = Paginator(found, REQUESTS_PER_PAGE)
        context["page"] = paginator.get_page(data.get("page") or 1)
        query = request.GET.copy()
        query.pop("page", None)
        context["query"] = query.urlencode()
    else:
        status = 400
    template = "matchmaking/request_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template = "matchmaking/partials/request_results.html"
        status = 200
    return render(request, template, context, status=status)


@login_required
def request_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A manager publishes a partner request of the organisation."""
    organisation = published(slug)
    require(can_manage_organisation(request.user, organisation))
    form = PartnerRequestForm(request.POST or None, initial={"language": request.LANGUAGE_CODE[:2]})
    if request.method == "POST" and form.is_valid():
        try:
            created = requests.publish_partner_request(
                organisation, by=request.user, **form.values()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your partner request is published."))
            return redirect("matchmaking:request-detail", slug=str(created.pk))
    context = {
        "form": form,
        "organisation": organisation,
        "title": _("Publish a partner request"),
        "submit": _("Publish"),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "matchmaking/request_form.html", context, status=status)


def _own_request(request: HttpRequest, pk: int) -> PartnerRequest:
    found = get_object_or_404(PartnerRequest.objects.select_related("organisation"), pk=pk)
    require(can_manage_organisation(request.user, found.organisation))
    return found


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's managers change it with the same checks as publishing."""
    partner_request = _own_request(request, pk)
    form = PartnerRequestForm(
        request.POST or None, initial=PartnerRequestForm.initial_from(partner_request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            requests.update_partner_request(partner_request, by=request.user, **form.values())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your partner request is saved."))
            return redirect("matchmaking:request-detail", slug=str(partner_request.pk))
    context = {
        "form": form,
        "organisation": partner_request.organisation,
        "partner_request": partner_request,
        "title": _("Change the partner request"),
        "submit": _("Save"),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "matchmaking/request_form.html", context, status=status)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    partner_request = _own_request(request, pk)
    requests.close_partner_request(partner_request, by=request.user)
    messages.success(request, _("The partner request is closed."))
    return redirect("matchmaking:my-requests")


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The requests of the organisations the user manages, to publish, change and close."""
    require(is_signed_in(request.user))
    context = {
        "partner_requests": list(requests.requests_managed_by(request.user)),
        "organisations": managed_organisations(request.user).order_by("name"),
        "open_ids": set(
            requests.open_partner_requests()
            .filter(organisation__in=managed_organisations(request.user))
            .values_list("pk", flat=True)
        ),
    }
    return render(request, "matchmaking/my_requests.html", context)
