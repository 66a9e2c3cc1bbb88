"""Pages of alerts: the user's alerts (frequency, delete), saving a search or a request
profile, and stopping alerts by the signed link of a digest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .forms import FrequencyForm, ProfileAlertForm
from .models import Alert
from .queries import alerts_of, describe

SINGLE = ("me_country", "me_keywords")


def _own(request: HttpRequest, pk: int) -> Alert:
    try:
        return services.own_alert(request.user, pk)
    except Alert.DoesNotExist as error:
        raise Http404 from error


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """The user's alerts with their frequency, and the form for a request profile."""
    # the explorer's "save this profile as an alert" brings the description in the address
    initial = {
        name: request.GET.get(name) if name in SINGLE else request.GET.getlist(name)
        for name in request.GET
        if name in services.PROFILE_KEYS
    }
    profile_form = ProfileAlertForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        try:
            services.save_profile_alert(
                request.user,
                query=request.POST,
                frequency=request.POST.get("frequency", ""),
                language=request.LANGUAGE_CODE[:2],
            )
        except ValidationError as error:
            _add_errors(profile_form, error)
            status = 400
        else:
            messages.success(request, _("The alert is saved."))
            return redirect("alerts:alert-list")
    context = {
        "alerts": [
            (
                alert,
                description,
                FrequencyForm(initial={"frequency": alert.frequency}, prefix=f"a{alert.pk}"),
            )
            for alert, description in alerts_of(request.user)
        ],
        "profile_form": profile_form,
    }
    return render(request, "alerts/alert_list.html", context, status=status)


def _add_errors(form, error: ValidationError) -> None:
    """The service's errors on the form, each once (the form's own checks are the same)."""
    if not form.is_valid():
        return
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    """Save the search of the search page or the directory (its parameters in the address)
    as an alert: GET shows what is saved, POST saves it."""
    directory = request.GET.get("from") == "directory"
    query = request.GET.copy()
    query.pop("from", None)
    form = FrequencyForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_search_alert(
                request.user,
                query=query,
                frequency=form.cleaned_data["frequency"],
                language=request.LANGUAGE_CODE[:2],
                directory=directory,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The alert is saved."))
            return redirect("alerts:alert-list")
    preview = Alert(kind=Alert.Kind.SEARCH, query=services._kept(query, services.SEARCH_KEYS))
    if directory:
        preview.query["type"] = ["organisation"]
    context = {"form": form, "description": describe(preview), "errors": errors}
    status = 400 if errors or form.errors else 200
    return render(request, "alerts/alert_new.html", context, status=status)


@login_required
@require_POST
def alert_frequency(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _own(request, pk)
    form = FrequencyForm(request.POST, prefix=f"a{alert.pk}")
    if form.is_valid():
        services.set_frequency(alert, by=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, _("The alert is saved."))
    else:
        messages.error(request, _("Choose daily or weekly."))
    return redirect("alerts:alert-list")


@login_required
@require_POST
def alert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _own(request, pk)
    services.delete_alert(alert, by=request.user)
    messages.success(request, _("The alert is deleted."))
    return redirect("alerts:alert-list")


@csrf_exempt  # the signed token is the authority; mail programs post it (RFC 8058)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop alerts by the link of a digest, without signing in: GET asks, POST stops."""
    try:
        alerts = list(services.alerts_of_token(token))
    except ValidationError:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=404)
    stopped = None
    if request.method == "POST":
        stopped = services.unsubscribe(token)
    context = {"alerts": alerts, "stopped": stopped, "all": len(alerts) != 1}
    return render(request, "alerts/unsubscribe.html", context)
