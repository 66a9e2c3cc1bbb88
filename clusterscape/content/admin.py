"""Admin for content: every save and every workflow action goes through content.services.

The admin form is the editorial form of the kind; on validation it runs the service in a
savepoint that is rolled back, so the service's errors show at their fields before anything is
written, and the real save runs the same service again.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .editorial import CREATE, UPDATE
from .forms import FORMS, DateTimeInput
from .models import ContentItem, Event, FundingCall, NewsItem, Project, ProjectPartner


class _DryRun(Exception):
    """Rolls back the savepoint of a validating service call."""


def _call_service(kind: str, instance: ContentItem | None, data: dict, *, by) -> ContentItem:
    data = dict(data)
    if instance is None or instance.pk is None:
        organisation = data.pop("organisation", None)
        return CREATE[kind](by=by, organisation=organisation, **data)
    return UPDATE[kind](instance, by=by, **data)


class ContentAdmin(admin.ModelAdmin):
    kind = ""
    list_display = ("title", "organisation", "language", "status", "publish_at", "updated_at")
    list_filter = ("status", "language")
    search_fields = ("title", "slug")
    readonly_fields = (
        "slug",
        "status",
        "publish_at",
        "review_note",
        "author",
        "created_at",
        "updated_at",
    )
    list_select_related = ("organisation",)
    autocomplete_fields = ()
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # date-times are entered in the item's own time zone (see the editorial forms)
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": DateTimeInput},
    }
    actions = ("submit_selected", "publish_selected", "archive_selected")

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        kwargs["form"] = FORMS[self.kind]
        form_class = super().get_form(request, obj, change=change, **kwargs)
        kind = self.kind

        class AdminContentForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                if "organisation" in self.fields:
                    self.fields["organisation"].required = False

            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                stored = self.instance if self.instance.pk else None
                try:
                    with transaction.atomic():
                        if stored is not None:
                            stored = type(stored).objects.get(pk=stored.pk)
                        _call_service(kind, stored, self.service_data(), by=request.user)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as error:
                    self.add_service_error(error)
                except PermissionDenied as error:
                    raise ValidationError(str(error)) from error
                return cleaned

        return AdminContentForm

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        item = _call_service(
            self.kind, obj if change else None, form.service_data(), by=request.user
        )
        obj.pk = item.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Relations are written by the service (fields, countries, deadlines, partners)."""
        for formset in formsets:
            # what the admin's change message reads of a saved formset
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.action(description=_("Submit for review"))
    def submit_selected(self, request: HttpRequest, queryset) -> None:
        self._each(request, queryset, services.submit_item)

    @admin.action(description=_("Publish now"))
    def publish_selected(self, request: HttpRequest, queryset) -> None:
        self._each(request, queryset, services.publish_item)

    @admin.action(description=_("Archive"))
    def archive_selected(self, request: HttpRequest, queryset) -> None:
        self._each(request, queryset, services.archive_item)

    def _each(self, request: HttpRequest, queryset, action) -> None:
        done = 0
        for item in queryset:
            try:
                action(item, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{item}: {text}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d item changed.", "%(count)d items changed.", done)
                % {"count": done},
                messages.SUCCESS,
            )


@admin.register(NewsItem)
class NewsItemAdmin(ContentAdmin):
    kind = "news"


@admin.register(Event)
class EventAdmin(ContentAdmin):
    kind = "events"
    list_display = ("title", "kind", "starts_at", "city", "status", "publish_at")
    list_filter = ("status", "kind", "language")


@admin.register(FundingCall)
class FundingCallAdmin(ContentAdmin):
    kind = "calls"
    list_display = ("title", "funder", "last_deadline_at", "status", "publish_at")


class PartnerForm(forms.ModelForm):
    class Meta:
        model = ProjectPartner
        fields = ("organisation", "name", "country")


class PartnerInline(admin.TabularInline):
    model = ProjectPartner
    form = PartnerForm
    extra = 1


@admin.register(Project)
class ProjectAdmin(ContentAdmin):
    kind = "projects"
    list_display = ("title", "lead_organisation", "phase", "status", "publish_at")
    list_filter = ("status", "phase", "language")
    inlines = (PartnerInline,)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            if formset.model is not ProjectPartner:
                continue
            partners = [
                services.Partner(
                    organisation=row.cleaned_data.get("organisation"),
                    name=row.cleaned_data.get("name") or "",
                    country=row.cleaned_data.get("country"),
                )
                for row in formset.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE")
            ]
            services.update_project(form.instance, by=request.user, partners=partners)
