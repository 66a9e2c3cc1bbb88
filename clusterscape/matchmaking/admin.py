"""Admin for brokerage events: the brokerage part of an event and its meeting days are
written only through brokerage_services, so the admin checks the same rules as the
organiser's pages (each form runs its service in a savepoint that is rolled back, so errors
show at their fields before anything is written; the real save runs the service again)."""

import zoneinfo

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import brokerage_services as services
from .brokerage_forms import DateTimeInput, in_zone, parse_breaks
from .brokerage_models import BrokerageEvent, MeetingDay


class _DryRun(Exception):
    """Rolls back the savepoint of a validating service call."""


def _dry_run(form: forms.ModelForm, call) -> None:
    try:
        with transaction.atomic():
            call()
            raise _DryRun
    except _DryRun:
        pass
    except ValidationError as error:
        for name, texts in error.message_dict.items():
            form.add_error(name if name in form.fields else None, texts)
    except PermissionDenied as error:
        raise ValidationError(str(error)) from error


class BrokerageEventForm(forms.ModelForm):
    registration_opens = forms.DateTimeField(
        label=_("Registration opens"), widget=DateTimeInput, help_text=_("In the time zone below.")
    )
    registration_closes = forms.DateTimeField(
        label=_("Registration closes"), widget=DateTimeInput, help_text=_("In the time zone below.")
    )

    class Meta:
        model = BrokerageEvent
        fields = [
            "event",
            "organiser",
            "registration_opens",
            "registration_closes",
            "time_zone",
            "languages",
            "fee_note",
        ]

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            zone = self.instance.zone
            for name in ("registration_opens", "registration_closes"):
                value = getattr(self.instance, name)
                self.initial[name] = value.astimezone(zone).replace(tzinfo=None)
            self.fields["event"].disabled = True
            self.fields["organiser"].disabled = True

    def _full_clean_model(self) -> None:
        """No model validation here: the service validates (after attaching the zone)."""

    _post_clean = _full_clean_model

    def service_values(self) -> dict:
        data = self.cleaned_data
        try:
            zone = zoneinfo.ZoneInfo(data["time_zone"].strip())
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            zone = zoneinfo.ZoneInfo("Europe/Berlin")  # the service names the bad zone
        return {
            "registration_opens": in_zone(data["registration_opens"], zone),
            "registration_closes": in_zone(data["registration_closes"], zone),
            "time_zone": data["time_zone"],
            "languages": data["languages"].replace(";", ",").split(","),
            "fee_note": data.get("fee_note") or "",
        }

    def save_with_service(self) -> BrokerageEvent:
        if self.instance.pk:
            stored = BrokerageEvent.objects.get(pk=self.instance.pk)
            return services.update_brokerage(stored, by=self.request.user, **self.service_values())
        return services.set_up_brokerage(
            self.cleaned_data["event"],
            by=self.request.user,
            organiser=self.cleaned_data["organiser"],
            **self.service_values(),
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _dry_run(self, self.save_with_service)
        return cleaned


class MeetingDayInline(admin.TabularInline):
    """The event's days, read only here; they are added and changed as meeting days."""

    model = MeetingDay
    fields = ("date", "starts", "ends", "slot_minutes", "breaks", "tables")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(BrokerageEvent)
class BrokerageEventAdmin(admin.ModelAdmin):
    form = BrokerageEventForm
    list_display = ("event", "organiser", "registration_opens", "registration_closes")
    list_select_related = ("event", "organiser")
    search_fields = ("event__title", "organiser__name")
    raw_id_fields = ("event", "organiser")
    inlines = (MeetingDayInline,)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RequestForm

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        saved = form.save_with_service()
        obj.pk = saved.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # participants' meetings hang on it; remove the event's days instead


class MeetingDayForm(forms.ModelForm):
    breaks_text = forms.CharField(
        label=_("Breaks"),
        required=False,
        help_text=_("From–until, separated by commas, e.g. 12:00-13:00, 15:30-15:45."),
    )

    class Meta:
        model = MeetingDay
        fields = ["brokerage", "date", "starts", "ends", "slot_minutes", "tables"]

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            self.fields["brokerage"].disabled = True
            self.initial["breaks_text"] = ", ".join(f"{a}-{b}" for a, b in self.instance.breaks)

    def _post_clean(self) -> None:
        """No model validation here: the service validates."""

    def clean_breaks_text(self) -> list[tuple[str, str]]:
        return parse_breaks(self.cleaned_data["breaks_text"])

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "date": data["date"],
            "starts": data["starts"],
            "ends": data["ends"],
            "slot_minutes": data["slot_minutes"],
            "breaks": data["breaks_text"],
            "tables": data["tables"],
        }

    def save_with_service(self) -> MeetingDay:
        if self.instance.pk:
            stored = MeetingDay.objects.select_related("brokerage__event").get(pk=self.instance.pk)
            return services.update_meeting_day(
                stored, by=self.request.user, **self.service_values()
            )
        return services.add_meeting_day(
            self.cleaned_data["brokerage"], by=self.request.user, **self.service_values()
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            _dry_run(self, self.save_with_service)
        return cleaned


@admin.register(MeetingDay)
class MeetingDayAdmin(admin.ModelAdmin):
    form = MeetingDayForm
    list_display = ("brokerage", "date", "starts", "ends", "slot_minutes", "tables")
    list_select_related = ("brokerage__event",)
    raw_id_fields = ("brokerage",)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RequestForm

    def get_fields(self, request: HttpRequest, obj=None):
        return ["brokerage", "date", "starts", "ends", "slot_minutes", "breaks_text", "tables"]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        saved = form.save_with_service()
        obj.pk = saved.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj) -> None:
        services.remove_meeting_day(obj, by=request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return obj is None or not obj.meetings.exists()
