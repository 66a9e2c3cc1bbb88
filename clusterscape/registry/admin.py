from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusterscape.accounts.models import Version
from clusterscape.core.cache import public_pages_changed
from clusterscape.search import tasks as search_tasks
from clusterscape.search.lexicon import lexicon_changed

from . import services
from .models import (
    Capability,
    Competence,
    CorrectionSuggestion,
    Country,
    Field,
    Organisation,
    PartnerLink,
    Programme,
    ProgrammeMembership,
    Source,
    State,
)

# Addresses typed without a scheme are https (Django 6's default, chosen now).
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


class ReferenceDataAdmin(admin.ModelAdmin):
    """The admin of a table whose names public pages show (countries, states, fields,
    capabilities, programmes: facet labels, profiles): a change marks the data changed, so
    cached pages and the kept labels (search.queries.facet_labels) follow it, and the search
    documents that carry the value (`facet`: the facet's name and the model's field that is
    its value) are written again with the new names (a task queued in the edit's
    transaction: it runs if and only if the edit commits). The fields' labels are the search
    analyzer's compound lexicon too (`lexicon`): every process builds it again."""

    facet: tuple[str, str] | None = None
    lexicon = False

    def save_model(self, request, obj, form, change) -> None:
        # (a new row: no document carries it yet)
        before = self._facet_values([obj.pk]) if change else set()
        super().save_model(request, obj, form, change)
        self._changed(before | self._facet_values([obj.pk]) if change else set())

    def delete_model(self, request, obj) -> None:
        values = self._facet_values([obj.pk])
        super().delete_model(request, obj)
        self._changed(values)

    def delete_queryset(self, request, queryset) -> None:
        values = self._facet_values(list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        self._changed(values)

    def _facet_values(self, pks: list) -> set[str]:
        """The facet values these rows have in the database now (read before and after an
        edit, so a changed key re-indexes the documents under both)."""
        if self.facet is None:
            return set()
        return set(self.model.objects.filter(pk__in=pks).values_list(self.facet[1], flat=True))

    def _changed(self, values: set[str]) -> None:
        public_pages_changed()
        if self.lexicon:
            lexicon_changed()
        for value in sorted(values):
            search_tasks.reindex_labelled.enqueue(self.facet[0], value)


@admin.register(Country)
class CountryAdmin(ReferenceDataAdmin):
    facet = ("country", "code")
    list_display = ("code", "name_de", "name_en")
    search_fields = ("code", "name_de", "name_en")


@admin.register(State)
class StateAdmin(ReferenceDataAdmin):
    facet = ("state", "code")
    list_display = ("code", "nuts_code", "name_de", "name_en")
    search_fields = ("code", "nuts_code", "name_de", "name_en")


@admin.register(Field)
class FieldAdmin(ReferenceDataAdmin):
    facet = ("field", "slug")
    lexicon = True
    list_display = ("name_de", "name_en", "slug", "parent", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("slug", "name_de", "name_en", "synonyms")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("position",)


@admin.register(Capability)
class CapabilityAdmin(ReferenceDataAdmin):
    list_display = ("name_de", "name_en", "slug", "position")
    search_fields = ("slug", "name_de", "name_en")


@admin.register(Programme)
class ProgrammeAdmin(ReferenceDataAdmin):
    facet = ("programme", "slug")
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ("name_de", "slug", "level", "country", "state", "position")
    list_filter = ("level",)
    search_fields = ("slug", "name_de", "name_en")
    autocomplete_fields = ("country", "state")


class CompetenceInline(admin.TabularInline):
    model = Competence
    extra = 0
    autocomplete_fields = ("field", "capability")


class MembershipInline(admin.TabularInline):
    model = ProgrammeMembership
    extra = 0
    autocomplete_fields = ("programme",)


class SourceInline(admin.TabularInline):
    formfield_overrides = URL_FIELD_OVERRIDES
    model = Source
    extra = 1


def https_url_fields(db_field: models.Field, **kwargs) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 — editors edit every column of the registry
        formfield_callback = https_url_fields

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("country"):
            try:
                services.check_organisation_relations(
                    country=cleaned["country"],
                    additional_countries=cleaned.get("additional_countries") or [],
                    states=cleaned.get("states") or [],
                )
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field_name, message)
        return cleaned


class ProgrammeFilter(admin.SimpleListFilter):
    title = _("programme")
    parameter_name = "programme"

    def lookups(self, request, model_admin):
        return [(p.slug, p.name) for p in Programme.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(memberships__programme__slug=self.value()).distinct()
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    form = OrganisationAdminForm
    list_display = ("name", "short_name", "kind", "country", "city", "status", "updated_at")
    list_filter = ("status", "kind", ProgrammeFilter, "states", "country", "confidence")
    search_fields = ("name", "short_name", "slug", "city", "keywords", "website")
    list_select_related = ("country",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = (
        "country",
        "additional_countries",
        "target_countries",
        "partner_countries",
    )
    filter_horizontal = ("states", "fields")
    date_hierarchy = "updated_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = (CompetenceInline, MembershipInline, SourceInline)
    actions = ("merge_selected",)

    @admin.action(description=_("Merge the selected duplicates"), permissions=["change"])
    def merge_selected(self, request, queryset):
        """Two steps: choose which profile stays, then merge the others into it."""
        organisations = list(queryset.order_by("name"))
        if len(organisations) < 2:
            self.message_user(
                request, _("Select at least two organisations to merge."), messages.WARNING
            )
            return None
        if "target" in request.POST:
            target = next((o for o in organisations if str(o.pk) == request.POST["target"]), None)
            if target is None:
                self.message_user(request, _("Choose the profile that stays."), messages.ERROR)
                return None
            for organisation in organisations:
                if organisation.pk == target.pk:
                    continue
                try:
                    services.merge_organisations(organisation, target, by=request.user)
                except ValidationError as error:
                    self.message_user(
                        request, f"{organisation}: {' '.join(error.messages)}", messages.ERROR
                    )
                    return None
            self.message_user(
                request,
                ngettext(
                    "Merged %(count)s organisation into %(target)s.",
                    "Merged %(count)s organisations into %(target)s.",
                    len(organisations) - 1,
                )
                % {"count": len(organisations) - 1, "target": target},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/registry/organisation/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge duplicates"),
                "organisations": organisations,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def save_model(self, request, obj, form, change) -> None:
        if change:  # keep the state before the first recorded change
            services.ensure_baseline(Organisation.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        """The admin's write ends in the registry service: search index and version."""
        super().save_related(request, form, formsets, change)
        services.organisation_saved(
            form.instance,
            by=request.user,
            action=Version.Action.UPDATE if change else Version.Action.CREATE,
        )

    def delete_model(self, request, obj) -> None:
        """Deleting archives (soft delete, undone by setting the status again)."""
        services.archive_organisation(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for organisation in queryset:
            services.archive_organisation(organisation, by=request.user)

    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "status")}),
        (_("Description"), {"fields": ("description_de", "description_en", "keywords", "fields")}),
        (
            _("Location"),
            {
                "fields": (
                    "country",
                    "additional_countries",
                    "states",
                    "nuts_codes",
                    "city",
                    ("latitude", "longitude", "location_precision"),
                )
            },
        ),
        (
            _("Management"),
            {
                "fields": (
                    "website",
                    "founding_year",
                    "management_organisation",
                    "management_staff_fte",
                )
            },
        ),
        (_("Members"), {"fields": (*Organisation.MEMBER_FIELDS, "members_year")}),
        (_("Cooperation"), {"fields": ("target_countries", "partner_countries")}),
        (_("Provenance"), {"fields": ("compiled_on", "confidence", "created_at", "updated_at")}),
    )


@admin.register(PartnerLink)
class PartnerLinkAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = ("source", "target", "kind", "year")
    list_filter = ("kind",)
    search_fields = ("source__name", "target__name")
    autocomplete_fields = ("source", "target")


@admin.register(CorrectionSuggestion)
class CorrectionSuggestionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "short_message", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("organisation__name", "message", "email")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("created_at",)
    actions = ("mark_done", "mark_rejected")

    @admin.display(description=_("message"))
    def short_message(self, suggestion: CorrectionSuggestion) -> str:
        return suggestion.message[:80]

    @admin.action(description=_("Mark as done"))
    def mark_done(self, request, queryset) -> None:
        queryset.update(status=CorrectionSuggestion.Status.DONE, handled_at=timezone.now())

    @admin.action(description=_("Mark as rejected"))
    def mark_rejected(self, request, queryset) -> None:
        queryset.update(status=CorrectionSuggestion.Status.REJECTED, handled_at=timezone.now())
