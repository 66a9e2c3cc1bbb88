from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account. Set up as the project's user model from the start, so that
    accounts can grow (e-mail login, two-factor, organisation roles) without a table swap."""

    class PlatformRole(models.TextChoices):
        NONE = "", _("none")
        EDITOR = "editor", _("platform editor")
        PROGRAMME_OFFICER = "programme-officer", _("programme officer")
        REVIEWER = "reviewer", _("reviewer")

    email = models.EmailField(_("e-mail address"), blank=True)
    platform_role = models.CharField(
        _("platform role"),
        max_length=20,
        choices=PlatformRole.choices,
        blank=True,
        default=PlatformRole.NONE,
        help_text=_(
            "Editors validate profiles and moderate content; programme officers run funding "
            "programmes; reviewers score the applications assigned to them."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_unique_ci",
            )
        ]


class Membership(models.Model):
    """A person's role in an organisation: members act for it (drafts, expressions of
    interest), managers also edit its profile and publish for it."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        MANAGER = "manager", _("manager")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="accounts_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Version(models.Model):
    """One saved state of a record: who changed it, when, how, and every field's value
    afterwards. The history of organisations, content and funding records."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        ARCHIVE = "archive", _("archived")
        RESTORE = "restore", _("restored")
        DELETE = "delete", _("deleted")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("record type")
    )
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=255)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    data = models.JSONField(_("field values"))
    changed_fields = models.JSONField(_("changed fields"), default=list)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    comment = models.CharField(_("comment"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-changed_at"], name="accounts_version_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} – {self.get_action_display()} {self.changed_at:%Y-%m-%d %H:%M}"
