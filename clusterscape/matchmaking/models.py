"""The match index (derived from the registry, rebuildable with `manage.py
rebuild_match_index`) and what visitors keep of their matches (bookmarks).

The index has one `MatchProfile` per published organisation (what the score reads) and
`MatchPosting` rows (key → organisation) from which candidates are drawn, so a
recommendation never scans all pairs. Keys:

    f:<field>        works in a field           a:<area>       works in an area
    o:<field>:<cap>  offers field × capability  s:<field>:<cap> seeks it
    of:<field> oc:<cap>  offers in a field / a capability (either part alone)
    sf:<field> sc:<cap>  seeks in a field / a capability
    t:<term>         text term (analysed as search does), weight = tf weight
    c:<country>      located in                 tc:<country>   looks for partners in
    pc:<country>     has partners in            st:<state>     German state
    p:<programme>    member of a programme
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterscape.registry.models import Organisation


class MatchProfile(models.Model):
    """What the score needs of one published organisation, analysed once."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="match_profile"
    )
    country = models.CharField(max_length=2, db_index=True)
    kind = models.CharField(max_length=30)
    data = models.JSONField(default=dict)
    words = models.JSONField(default=dict)  # term → a word that made it (for reasons)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match profile")
        verbose_name_plural = _("match profiles")

    def __str__(self) -> str:
        return f"match profile {self.organisation_id}"


class MatchPosting(models.Model):
    """One key of an organisation's profile (see the module's docstring)."""

    key = models.CharField(max_length=120)
    profile = models.ForeignKey(MatchProfile, on_delete=models.CASCADE, related_name="postings")
    weight = models.FloatField(default=1.0)
    # The profile's country, so the programme's rule (partners abroad) needs no join.
    country = models.CharField(max_length=2, default="")

    class Meta:
        verbose_name = _("match posting")
        verbose_name_plural = _("match postings")
        indexes = [
            models.Index(
                fields=["key", "profile", "weight", "country"], name="match_posting_cover"
            ),
            models.Index(fields=["profile"], name="match_posting_profile"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.profile_id}"


class MatchTerm(models.Model):
    """How many profiles hold a text term (for its idf), kept with every index write."""

    term = models.CharField(max_length=120, primary_key=True)
    df = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("match term")
        verbose_name_plural = _("match terms")

    def __str__(self) -> str:
        return f"{self.term} ({self.df})"


class Bookmark(models.Model):
    """An organisation a signed-in user keeps as a possible partner (visitors keep theirs
    in the session)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_bookmarks"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="bookmarked_by"
    )
    created_at = models.DateTimeField(_("bookmarked"), auto_now_add=True)

    class Meta:
        verbose_name = _("bookmark")
        verbose_name_plural = _("bookmarks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="match_bookmark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class PartnerRequest(models.Model):
    """An organisation's published call for partners: what it seeks and offers, in which
    themes and countries, for what kind of cooperation, until when."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Cooperation(models.TextChoices):
        RESEARCH = "research", _("joint research and development")
        PROJECT = "project", _("joint project")
        MARKET = "market", _("market access")
        EXCHANGE = "exchange", _("exchange of experience")
        OTHER = "other", _("other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partner_requests"
    )
    title = models.CharField(_("title"), max_length=200)
    seeks = models.TextField(_("what you seek"), blank=True)
    offers = models.TextField(_("what you offer"), blank=True)
    fields = models.ManyToManyField(
        "registry.Field", blank=True, related_name="partner_requests", verbose_name=_("themes")
    )
    target_countries = models.ManyToManyField(
        "registry.Country",
        blank=True,
        related_name="partner_requests",
        verbose_name=_("target countries"),
    )
    cooperation = models.CharField(
        _("type of cooperation"), max_length=20, choices=Cooperation.choices
    )
    deadline = models.DateField(_("deadline"))
    language = models.CharField(
        _("language"), max_length=2, choices=[("de", _("German")), ("en", _("English"))]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("partner request")
        verbose_name_plural = _("partner requests")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="match_request_open")]

    def __str__(self) -> str:
        return self.title


class ExpressionOfInterest(models.Model):
    """An organisation's answer to a partner request; the request's owner accepts or
    declines it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    MESSAGE_MAX_LENGTH = 5000

    request = models.ForeignKey(
        PartnerRequest, on_delete=models.CASCADE, related_name="expressions_of_interest"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="expressions_of_interest"
    )
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["request", "organisation"], name="match_interest_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.request}"


class InboxMessage(models.Model):
    """A notification in a user's in-app inbox (sent by e-mail too)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="match_inbox_user")]

    def __str__(self) -> str:
        return self.subject


from .brokerage_models import *  # noqa: E402, F403
