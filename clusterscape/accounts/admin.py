from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import invitations, services
from .models import (
    ApiToken,
    ContactPerson,
    Invitation,
    Membership,
    OrganisationClaim,
    User,
    ValidationCriterion,
    ValidationDecision,
    Version,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "platform_role",
        "is_staff",
        "last_login",
    )
    list_filter = ("platform_role", "is_staff", "is_superuser", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Platform"), {"fields": ("platform_role",)}))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "organisation__name")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)


@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(admin.ModelAdmin):
    """Claims are decided through accounts.services.decide_claim (approval makes the user a
    manager), also from the editors' claims page."""

    list_display = ("organisation", "user", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("organisation__name", "user__username", "user__email")
    readonly_fields = (
        "user",
        "organisation",
        "reason",
        "status",
        "decided_by",
        "decided_at",
        "decision_reason",
        "created_at",
    )
    actions = ("approve", "reject")

    def has_add_permission(self, request) -> bool:
        return False

    def _decide(self, request, queryset, *, approve: bool, reason: str) -> None:
        for claim in queryset:
            try:
                services.decide_claim(claim, approve=approve, by=request.user, reason=reason)
            except ValidationError as error:
                self.message_user(request, f"{claim}: {' '.join(error.messages)}", messages.ERROR)

    @admin.action(description=_("Approve the selected claims"))
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approve=True, reason="")

    @admin.action(description=_("Reject the selected claims"))
    def reject(self, request, queryset) -> None:
        self._decide(
            request,
            queryset,
            approve=False,
            reason=str(_("The editors could not confirm that you manage this organisation.")),
        )


@admin.register(ValidationCriterion)
class ValidationCriterionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_de", "name_en", "position")


@admin.register(ValidationDecision)
class ValidationDecisionAdmin(admin.ModelAdmin):
    """Decisions are recorded on the organisation's validation page (the service publishes or
    sends back); here they are only read."""

    list_display = ("organisation", "outcome", "decided_by", "decided_at")
    list_filter = ("outcome",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "consent", "consent_at")
    list_filter = ("consent",)
    search_fields = ("name", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change) -> None:
        services.save_contact_person(obj, by=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("secret_hash", "organisations")
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            services.revoke_api_token(token, by=token.user)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent by managers on their people page; the admin shows and revokes."""

    list_display = ("email", "organisation", "role", "created_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_by",
        "accepted_at",
        "revoked_at",
    )
    exclude = ("secret_hash",)
    actions = ("revoke",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request, queryset) -> None:
        for invitation in queryset:
            invitations.revoke_invitation(invitation, by=request.user)


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ("object_repr", "content_type", "action", "changed_by", "changed_at")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "object_id")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
