"""The admin of the funding app. Every save goes through the app's services: the form first
runs the service in a savepoint that is rolled back, so the programme's rules show as errors
on the fields; then save_model runs it for real."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from . import services
from .forms_support import add_service_errors
from .models import (
    Application,
    BudgetLine,
    Criterion,
    ExchangeAttachment,
    ExchangeComment,
    ExchangePost,
    FundingProgramme,
    Grant,
    Milestone,
    Partnership,
    Review,
    ReviewerAssignment,
    Round,
)


class _DryRun(Exception):
    pass


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose writes are `service(instance, by=user, **service_kwargs(form))`."""

    service = None

    def service_kwargs(self, form) -> dict:
        return {}

    def call_service(self, obj, *, by, form):
        return type(self).service(obj, by=by, **self.service_kwargs(form))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self._errors:
                    return
                adding, pk = self.instance._state.adding, self.instance.pk
                try:
                    with transaction.atomic():
                        model_admin.call_service(self.instance, by=request.user, form=self)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as error:
                    add_service_errors(self, error)
                finally:
                    self.instance._state.adding, self.instance.pk = adding, pk

        return form_class if self.service is None else ServiceForm

    def save_model(self, request, obj, form, change):
        self.call_service(obj, by=request.user, form=form)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields are written by the service; only inlines are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the working pages only (reviews, attachments); the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(ServiceAdmin):
    service = staticmethod(services.save_programme)
    list_display = ["name_en", "slug", "cap_per_cluster_eur", "concept_phase_max_months"]
    search_fields = ["name_de", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["programme"]


@admin.register(Round)
class RoundAdmin(ServiceAdmin):
    service = staticmethod(services.save_round)
    list_display = ["programme", "year", "call_opens", "call_closes", "target_selections"]
    list_filter = ["programme"]


@admin.register(Criterion)
class CriterionAdmin(ServiceAdmin):
    service = staticmethod(services.save_criterion)
    list_display = ["name_en", "round", "weight", "max_score", "position"]
    list_filter = ["round__programme", "round__year"]


@admin.register(Application)
class ApplicationAdmin(ServiceAdmin):
    service = staticmethod(services.save_application)
    list_display = ["organisation", "round", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "round__programme", "round__year"]
    search_fields = ["organisation__name", "concept_summary"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["partner_countries", "themes"]
    readonly_fields = ["status", "submitted_at", "decision_reason", "decided_by", "decided_at"]

    def service_kwargs(self, form) -> dict:
        return {
            "partner_countries": form.cleaned_data.get("partner_countries", []),
            "themes": form.cleaned_data.get("themes", []),
            "check_dates": False,
        }


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(ServiceAdmin):
    list_display = ["application", "reviewer", "assigned_at"]
    list_filter = ["application__round__programme"]

    service = staticmethod(services.assign_reviewer)

    def call_service(self, obj, *, by, form):
        assignment = services.assign_reviewer(obj.application, reviewer=obj.reviewer, by=by)
        obj.pk, obj.assigned_at = assignment.pk, assignment.assigned_at
        obj._state.adding = False
        return assignment

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "submitted_at"]


@admin.register(Grant)
class GrantAdmin(ServiceAdmin):
    service = staticmethod(services.save_grant)
    list_display = [
        "application",
        "total_eur",
        "concept_start",
        "concept_end",
        "implementation_start",
        "implementation_end",
    ]
    list_filter = ["application__round__programme", "application__round__year"]
    search_fields = ["application__organisation__name"]
    raw_id_fields = ["application"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ServiceAdmin):
    service = staticmethod(services.save_budget_line)
    list_display = ["grant", "phase", "year", "amount_eur"]
    raw_id_fields = ["grant"]


@admin.register(Milestone)
class MilestoneAdmin(ServiceAdmin):
    service = staticmethod(services.save_milestone)
    list_display = ["title", "grant", "kind", "due_on", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["grant"]


@admin.register(Partnership)
class PartnershipAdmin(ServiceAdmin):
    service = staticmethod(services.save_partnership)
    list_display = ["grant", "partner_organisation", "partner_region", "partner_country", "stage"]
    list_filter = ["stage", "partner_country"]
    raw_id_fields = ["grant"]
    autocomplete_fields = ["partner_organisation"]


@admin.register(ExchangePost)
class ExchangePostAdmin(ServiceAdmin):
    service = staticmethod(services.create_post)
    list_display = ["title", "programme", "kind", "author", "created_at"]
    list_filter = ["programme", "kind"]
    search_fields = ["title", "body"]
    exclude = ["author"]


@admin.register(ExchangeComment)
class ExchangeCommentAdmin(ServiceAdmin):
    service = staticmethod(services.add_comment)
    list_display = ["post", "author", "created_at"]
    exclude = ["author"]


@admin.register(ExchangeAttachment)
class ExchangeAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "post", "content_type", "size", "uploaded_by", "created_at"]
