"""The organiser's pages of a brokerage event: add the brokerage part to an event, change
its registration window, time zone, languages and fee note, and add, change or remove its
meeting days. Every write goes through brokerage_services, which checks the rules and who
may set the event up (a manager of the organising organisation, or a platform editor)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterscape.accounts.permissions import can_manage_organisation, require
from clusterscape.content.models import Event
from clusterscape.registry.models import Organisation

from . import brokerage_services as services
from .brokerage_forms import BrokerageSetupForm, MeetingDayForm
from .brokerage_models import BrokerageEvent, MeetingDay


def _event_to_organise(
    request: HttpRequest, slug: str
) -> tuple[Event, BrokerageEvent | None, Organisation | None]:
    """The event, its brokerage part (if set up) and its organiser, for someone allowed to
    organise it (else 403)."""
    event = get_object_or_404(Event.objects.select_related("organiser", "organisation"), slug=slug)
    brokerage = (
        BrokerageEvent.objects.select_related("event", "organiser").filter(event=event).first()
    )
    organiser = brokerage.organiser if brokerage else (event.organiser or event.organisation)
    require(organiser is not None and can_manage_organisation(request.user, organiser))
    return event, brokerage, organiser


def add_service_errors(form: Form, error: ValidationError) -> None:
    """A service's errors at the form's fields (others above the form)."""
    for name, texts in error.message_dict.items():
        form.add_error(name if name in form.fields else None, texts)


@login_required
def brokerage_setup(request: HttpRequest, slug: str) -> HttpResponse:
    event, brokerage, organiser = _event_to_organise(request, slug)
    initial = (
        BrokerageSetupForm.initial_for(brokerage)
        if brokerage
        else {"time_zone": event.time_zone, "languages": "en"}
    )
    form = BrokerageSetupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.service_values(brokerage.time_zone if brokerage else event.time_zone)
        try:
            if brokerage is None:
                services.set_up_brokerage(event, by=request.user, organiser=organiser, **values)
            else:
                services.update_brokerage(brokerage, by=request.user, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting settings are saved."))
            return redirect("brokerage:setup", slug=slug)
    days = list(brokerage.days.order_by("date")) if brokerage else []
    return render(
        request,
        "matchmaking/brokerage/setup.html",
        {
            "event": event,
            "brokerage": brokerage,
            "organiser": organiser,
            "form": form,
            "days": [(day, len(day.slot_times())) for day in days],
            "day_form": MeetingDayForm(prefix="day") if brokerage else None,
        },
    )


def _day_values(form: MeetingDayForm) -> dict:
    return {name: form.cleaned_data[name] for name in MeetingDayForm.base_fields}


@login_required
@require_POST
def brokerage_day_add(request: HttpRequest, slug: str) -> HttpResponse:
    event, brokerage, _organiser = _event_to_organise(request, slug)
    if brokerage is None:
        messages.error(request, _("Save the meeting settings first."))
        return redirect("brokerage:setup", slug=slug)
    form = MeetingDayForm(request.POST, prefix="day")
    if form.is_valid():
        try:
            services.add_meeting_day(brokerage, by=request.user, **_day_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting day is added."))
            return redirect("brokerage:setup", slug=slug)
    return render(
        request,
        "matchmaking/brokerage/day.html",
        {"event": event, "brokerage": brokerage, "form": form, "day": None},
        status=400,
    )


@login_required
def brokerage_day_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event, brokerage, _organiser = _event_to_organise(request, slug)
    day = get_object_or_404(MeetingDay, pk=pk, brokerage=brokerage)
    form = MeetingDayForm(request.POST or None, initial=MeetingDayForm.initial_for(day))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting_day(day, by=request.user, **_day_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting day is saved."))
            return redirect("brokerage:setup", slug=slug)
    return render(
        request,
        "matchmaking/brokerage/day.html",
        {"event": event, "brokerage": brokerage, "form": form, "day": day},
    )


@login_required
@require_POST
def brokerage_day_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _event, brokerage, _organiser = _event_to_organise(request, slug)
    day = get_object_or_404(MeetingDay, pk=pk, brokerage=brokerage)
    try:
        services.remove_meeting_day(day, by=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The meeting day is removed."))
    return redirect("brokerage:setup", slug=slug)
