"""Writing and reviewing content: managers and members write for their organisations,
editors review the queue. Every write is a call of content.services; permissions come from
accounts.permissions (through the services and the lists below)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterscape.accounts import permissions
from clusterscape.registry.models import Organisation

from . import queries, services
from .forms import FORMS, RejectForm
from .models import ContentItem

CREATE = {
    "news": services.create_news_item,
    "events": services.create_event,
    "calls": services.create_funding_call,
    "projects": services.create_project,
}
UPDATE = {
    "news": services.update_news_item,
    "events": services.update_event,
    "calls": services.update_funding_call,
    "projects": services.update_project,
}


def _model(kind: str) -> type[ContentItem]:
    model = queries.CONTENT_MODELS.get(kind)
    if model is None:
        raise Http404
    return model


def _organisations(request: HttpRequest):
    if permissions.is_editor(request.user):
        return Organisation.objects.filter(status=Organisation.Status.PUBLISHED).order_by("name")
    return permissions.member_organisations(request.user).order_by("name")


def _item(request: HttpRequest, kind: str, pk: int) -> ContentItem:
    model = _model(kind)
    item = get_object_or_404(model, pk=pk)
    if not permissions.is_editor(request.user) and (
        item.organisation is None
        or not permissions.can_act_for_organisation(request.user, item.organisation)
    ):
        raise Http404
    return item


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organisations = permissions.member_organisations(request.user)
    sections = [
        (
            kind,
            model._meta.verbose_name_plural,
            queries.items_for_organisations(model, organisations),
        )
        for kind, model in queries.CONTENT_MODELS.items()
    ]
    return render(
        request,
        "content/editorial/dashboard.html",
        {
            "sections": sections,
            "organisations": organisations,
            "is_editor": permissions.is_editor(request.user),
            # organisers set up an event's 1:1 meetings: managers of its organisation, editors
            "managed_ids": set(
                permissions.managed_organisations(request.user).values_list("pk", flat=True)
            ),
        },
    )


@login_required
def create(request: HttpRequest, kind: str) -> HttpResponse:
    _model(kind)
    organisations = _organisations(request)
    form_class = FORMS[kind]
    form = form_class(request.POST or None, request.FILES or None, organisations=organisations)
    if permissions.is_editor(request.user):
        form.fields["organisation"].required = False
        form.fields["organisation"].empty_label = _("the platform (no organisation)")
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        organisation = data.pop("organisation", None)
        try:
            item = CREATE[kind](by=request.user, organisation=organisation, **data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Saved as a draft: “%(title)s”.") % {"title": item.title})
            return redirect("content:dashboard")
    return render(
        request,
        "content/editorial/form.html",
        {"form": form, "kind": kind, "model": form_class._meta.model, "item": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _item(request, kind, pk)
    form_class = FORMS[kind]
    form = form_class(
        request.POST or None,
        request.FILES or None,
        instance=item,
        organisations=_organisations(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            UPDATE[kind](item, by=request.user, **data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Saved: “%(title)s”.") % {"title": item.title})
            return redirect("content:dashboard")
    return render(
        request,
        "content/editorial/form.html",
        {"form": form, "kind": kind, "model": form_class._meta.model, "item": item},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def transition(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    item = _item(request, kind, pk)
    try:
        if action == "submit":
            services.submit_item(item, by=request.user)
            messages.success(request, _("Submitted for review."))
        elif action == "publish":
            services.publish_item(item, by=request.user)
            messages.success(request, _("Published."))
        elif action == "archive":
            services.archive_item(item, by=request.user)
            messages.success(request, _("Archived."))
        elif action == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                return review_queue(
                    request, reject_form=form, rejecting=item, rejecting_kind=kind, status=400
                )
            services.reject_item(item, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Sent back to the authors."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    next_url = "content:review-queue" if action in {"publish", "reject"} else "content:dashboard"
    return redirect(next_url)


@login_required
def review_queue(
    request: HttpRequest,
    *,
    reject_form: RejectForm | None = None,
    rejecting: ContentItem | None = None,
    rejecting_kind: str = "",
    status: int = 200,
) -> HttpResponse:
    permissions.require(permissions.is_editor(request.user))
    sections = [
        (kind, queries.CONTENT_MODELS[kind]._meta.verbose_name_plural, items)
        for kind, items in queries.review_queue().items()
    ]
    return render(
        request,
        "content/editorial/review_queue.html",
        {
            "sections": sections,
            "reject_form": reject_form or RejectForm(),
            "rejecting": rejecting,
            "rejecting_kind": rejecting_kind,
        },
        status=status,
    )
