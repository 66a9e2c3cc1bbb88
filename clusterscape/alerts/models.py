"""Saved alerts and the digests that report what is new for them.

An alert is either a saved search (the query and facet filters of the search page or the
directory, kept as the search form's parameters) or a request profile (fields, offers,
needs, countries and keywords, kept as the match explorer's parameters), so the search
form and the explorer read them again when a digest is made: no second search or scoring.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    class Kind(models.TextChoices):
        SEARCH = "search", _("saved search")
        PROFILE = "profile", _("request profile")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The form's parameters: name → list of values.
    query = models.JSONField(_("query"), default=dict)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    language = models.CharField(
        _("language"), max_length=2, choices=[("de", _("German")), ("en", _("English"))]
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Items that became public up to this time have been considered by a digest.
    checked_until = models.DateTimeField(_("checked until"), null=True, blank=True)
    # The day of the last digest run that covered the alert (the period it belongs to).
    last_digest_on = models.DateField(_("last digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["active", "frequency", "last_digest_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class Digest(models.Model):
    """One e-mail to one user for one period (a day): at most one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_digests"
    )
    period = models.DateField(_("period"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    items = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("alert digest")
        verbose_name_plural = _("alert digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="alerts_digest_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.period}"


class ReportedItem(models.Model):
    """An item an alert has reported, so no digest reports it twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="reported")
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="reported")
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("reported item")
        verbose_name_plural = _("reported items")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "kind", "object_id"], name="alerts_reported_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.kind} {self.object_id}"
