"""Working pages: applications (cluster managers), the round dashboard (programme officers),
scoring (reviewers), grant editing, partnership stages and the members-only exchange.

Each view asks `access` (built on accounts.permissions) who may act, calls one service and
shows the service's errors on the fields."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterscape.accounts import permissions

from . import access, forms, queries, services
from .forms_support import add_service_errors
from .models import (
    Application,
    ExchangeAttachment,
    ExchangePost,
    FundingProgramme,
    Grant,
    Partnership,
    Review,
    ReviewerAssignment,
    Round,
)


def _require(allowed: bool) -> None:
    permissions.require(allowed)


# -- applications ----------------------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = (
        access.visible_applications(request.user)
        .select_related("organisation", "round__programme")
        .order_by("-round__year", "organisation__name")
    )
    managed = permissions.managed_organisations(request.user)
    open_rounds = Round.objects.select_related("programme").order_by("-year")
    return render(
        request,
        "funding/work/application_list.html",
        {
            "applications": applications,
            "can_apply": managed.exists(),
            "rounds": open_rounds,
            "officer": access.can_run_programme(request.user),
        },
    )


@login_required
def application_create(request: HttpRequest, round_id: int) -> HttpResponse:
    round = get_object_or_404(Round.objects.select_related("programme"), pk=round_id)
    organisations = permissions.managed_organisations(request.user).filter(country_id="DE")
    _require(organisations.exists())
    form = forms.NewApplicationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        application = form.save(commit=False)
        application.round = round
        try:
            services.save_application(
                application,
                by=request.user,
                partner_countries=form.cleaned_data["partner_countries"],
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("funding:application-detail", pk=application.pk)
    return render(request, "funding/work/application_form.html", {"form": form, "round": round})


def _application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("organisation", "round__programme", "decided_by"),
        pk=pk,
    )
    _require(access.can_view_application(request.user, application))
    return application


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    officer = access.can_run_programme(request.user)
    context = {
        "application": application,
        "can_edit": access.can_edit_application(request.user, application),
        "can_review": access.can_review(request.user, application),
        "officer": officer,
    }
    if officer:
        context["assignments"] = application.assignments.select_related(
            "reviewer", "review"
        ).prefetch_related("review__scores__criterion")
        context["assign_form"] = forms.AssignReviewerForm()
        context["decision_form"] = forms.DecisionForm()
    return render(request, "funding/work/application_detail.html", context)


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    _require(access.can_edit_application(request.user, application))
    form = forms.ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_application(
                form.save(commit=False),
                by=request.user,
                partner_countries=form.cleaned_data["partner_countries"],
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("funding:application-detail", pk=application.pk)
    return render(
        request,
        "funding/work/application_form.html",
        {"form": form, "round": application.round, "application": application},
    )


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    _require(permissions.can_manage_organisation(request.user, application.organisation))
    try:
        services.submit_application(application, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The application is submitted."))
    return redirect("funding:application-detail", pk=application.pk)


# -- officers --------------------------------------------------------------------------------


@login_required
def round_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    _require(access.can_run_programme(request.user))
    round = get_object_or_404(Round.objects.select_related("programme"), pk=pk)
    applications = (
        round.applications.exclude(status=Application.Status.DRAFT)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ReviewerAssignment.objects.select_related("reviewer", "review"),
            )
        )
        .order_by("organisation__name")
    )
    return render(
        request,
        "funding/work/round_dashboard.html",
        {"round": round, "applications": applications},
    )


@login_required
def application_assign(request: HttpRequest, pk: int) -> HttpResponse:
    _require(access.can_run_programme(request.user))
    application = _application(request, pk)
    form = forms.AssignReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assign_reviewer(
                application, reviewer=form.cleaned_data["reviewer"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reviewer is assigned."))
            return redirect("funding:application-detail", pk=application.pk)
    return render(
        request,
        "funding/work/simple_form.html",
        {"form": form, "application": application, "title": _("Assign a reviewer")},
    )


@login_required
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(access.can_run_programme(request.user))
    application = _application(request, pk)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_application(
                application,
                selected=form.cleaned_data["decision"] == "select",
                reason=form.cleaned_data["decision_reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("funding:application-detail", pk=application.pk)
    return render(
        request,
        "funding/work/simple_form.html",
        {"form": form, "application": application, "title": _("Decide")},
    )


# -- reviewers -------------------------------------------------------------------------------


@login_required
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    _require(access.can_review(request.user, application))
    assignment = ReviewerAssignment.objects.get(application=application, reviewer=request.user)
    criteria = list(application.round.criteria.all())
    initial = {}
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    if review is not None:
        initial = {f"criterion_{s.criterion_id}": s.score for s in review.scores.all()}
        initial["comment"] = review.comment
    form = forms.ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_review(
                assignment,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your review is saved."))
            return redirect("funding:application-detail", pk=application.pk)
    return render(
        request,
        "funding/work/simple_form.html",
        {"form": form, "application": application, "title": _("Score the application")},
    )


# -- grants ----------------------------------------------------------------------------------


def _grant(request: HttpRequest, pk: int) -> Grant:
    grant = get_object_or_404(
        Grant.objects.select_related("application__organisation", "application__round__programme"),
        pk=pk,
    )
    _require(access.can_edit_grant(request.user, grant))
    return grant


@login_required
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    grant_form = forms.GrantForm(request.POST if action == "grant" else None, instance=grant)
    milestone_form = forms.MilestoneForm(request.POST if action == "milestone" else None)
    budget_form = forms.BudgetLineForm(request.POST if action == "budget" else None)
    form, call = {
        "grant": (grant_form, lambda obj: services.save_grant(obj, by=request.user)),
        "milestone": (milestone_form, lambda obj: services.save_milestone(obj, by=request.user)),
        "budget": (budget_form, lambda obj: services.save_budget_line(obj, by=request.user)),
    }.get(action, (None, None))
    if form is not None and form.is_valid():
        instance = form.save(commit=False)
        if action != "grant":
            instance.grant = grant
        try:
            call(instance)
        except ValidationError as error:
            add_service_errors(form, error)
            if action == "grant":
                grant.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("funding:grant-edit", pk=grant.pk)
    partnerships = list(
        grant.partnerships.select_related("partner_country", "partner_organisation")
    )
    return render(
        request,
        "funding/work/grant_edit.html",
        {
            "grant": grant,
            "grant_form": grant_form,
            "milestone_form": milestone_form,
            "budget_form": budget_form,
            "milestones": grant.milestones.all(),
            "budget_lines": grant.budget_lines.all(),
            "partnerships": [
                (partnership, forms.PartnershipStageForm(partnership=partnership))
                for partnership in partnerships
            ],
        },
    )


@login_required
def partnership_stage(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_object_or_404(
        Partnership.objects.select_related("grant__application__organisation"), pk=pk
    )
    _require(access.can_edit_grant(request.user, partnership.grant))
    form = forms.PartnershipStageForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.advance_partnership(
                partnership,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partnership's stage is saved."))
            return redirect("funding:grant-edit", pk=partnership.grant_id)
    return render(
        request,
        "funding/work/simple_form.html",
        {
            "form": form,
            "title": _("Stage of the partnership with %(partner)s")
            % {"partner": partnership.partner_name},
        },
    )


# -- exchange of experience ------------------------------------------------------------------


def _exchange_programme(request: HttpRequest, slug: str) -> FundingProgramme:
    programme = get_object_or_404(FundingProgramme, slug=slug)
    if not access.can_use_exchange(request.user, programme):
        raise PermissionDenied(_("The exchange is open to the funded clusters and officers."))
    return programme


@login_required
def exchange(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _exchange_programme(request, slug)
    search = forms.ExchangeSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = forms.PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post = form.save(commit=False)
        post.programme = programme
        try:
            services.create_post(post, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("funding:exchange-post", slug=slug, pk=post.pk)
    return render(
        request,
        "funding/work/exchange.html",
        {
            "programme": programme,
            "posts": queries.exchange_posts(programme, query),
            "search": search,
            "query": query,
            "form": form,
        },
    )


@login_required
def exchange_post(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _exchange_programme(request, slug)
    post = get_object_or_404(
        ExchangePost.objects.select_related("author"), programme=programme, pk=pk
    )
    action = request.POST.get("action") if request.method == "POST" else None
    comment_form = forms.CommentForm(request.POST if action == "comment" else None)
    attachment_form = forms.AttachmentForm(
        request.POST if action == "attach" else None,
        request.FILES if action == "attach" else None,
    )
    if action == "comment" and comment_form.is_valid():
        comment = comment_form.save(commit=False)
        comment.post = post
        try:
            services.add_comment(comment, by=request.user)
        except ValidationError as error:
            add_service_errors(comment_form, error)
        else:
            return redirect("funding:exchange-post", slug=slug, pk=post.pk)
    if action == "attach" and attachment_form.is_valid():
        try:
            services.add_attachment(
                post,
                upload=attachment_form.cleaned_data["file"],
                title=attachment_form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(attachment_form, error)
        else:
            return redirect("funding:exchange-post", slug=slug, pk=post.pk)
    return render(
        request,
        "funding/work/exchange_post.html",
        {
            "programme": programme,
            "post": post,
            "comments": post.comments.select_related("author"),
            "attachments": post.attachments.all(),
            "comment_form": comment_form,
            "attachment_form": attachment_form,
        },
    )


@login_required
def exchange_attachment(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A document of the exchange, for its members only (never a public media URL)."""
    programme = _exchange_programme(request, slug)
    attachment = get_object_or_404(ExchangeAttachment, post__programme=programme, pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type,
    )
