"""What the cluster community publishes: news, events, funding calls and projects.

Every item is written in one language (`language`); versions of the same item in other
languages share a `translation_key`. Items go draft → submitted → published → archived; an
item is public when it is published and its `publish_at` has come (by query, so scheduled
publishing needs no cron): see `queries.public()`.
"""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterscape.registry.models import Country, Field, Organisation, Programme

TITLE_MAX_LENGTH = 255
SLUG_MAX_LENGTH = 120


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone (such as Europe/Berlin)."),
            code="invalid_time_zone",
            params={"value": value},
        )


def in_zone(value: datetime.datetime, zone_name: str) -> datetime.datetime:
    """The date-time in the named zone, marked so that templates don't convert it to the
    site's time zone (as Django's `timezone` template filter does)."""
    return do_timezone(value, zoneinfo.ZoneInfo(zone_name))


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class ContentItem(models.Model):
    """What every kind of content shares: title, URL key, language, workflow, authorship."""

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("URL key"), max_length=SLUG_MAX_LENGTH, unique=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    translation_key = models.UUIDField(
        _("translation key"),
        default=uuid.uuid4,
        db_index=True,
        help_text=_("Versions of the same item in other languages share this key."),
    )
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="+")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_items",
        verbose_name=_("author organisation"),
        help_text=_("The organisation that publishes the item; empty for the platform's own."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("When the item becomes public; set on publishing, may lie in the future."),
    )
    review_note = models.TextField(
        _("editor's note"), blank=True, help_text=_("Why the item was sent back.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    url_name = ""

    def get_absolute_url(self) -> str:
        return reverse(self.url_name, kwargs={"slug": self.slug})

    @property
    def lead_text(self) -> str:
        """The item's short text: a news item's teaser, the summary of the other kinds."""
        return getattr(self, "teaser", "") or getattr(self, "summary", "")


class NewsItem(ContentItem):
    teaser = models.TextField(_("teaser"), max_length=500)
    body = models.TextField(_("text"), blank=True, help_text=_("Formatted text (HTML)."))
    image = models.ImageField(_("image"), upload_to="content/news/%Y/", blank=True)
    image_alt = models.CharField(
        _("image description (alt text)"),
        max_length=255,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    tags = models.CharField(
        _("tags"), max_length=255, blank=True, help_text=_("Separated by commas.")
    )

    url_name = "content:news-detail"

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        indexes = [models.Index(fields=["status", "publish_at"], name="content_news_public")]

    def clean(self) -> None:
        super().clean()
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for people who cannot see it.")}
            )

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class EventSeconds(models.Func):
    """How long an event lasts, in seconds (`ends_at - starts_at`), written with each
    database's own immutable functions so that an index can hold it: the longest event bounds
    how far back an event that has not ended yet can have started (`queries.upcoming_events`)."""

    output_field = models.FloatField()

    def __init__(self) -> None:
        super().__init__(models.F("ends_at"), models.F("starts_at"))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ", **extra,
        )  # fmt: skip

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s)) * 86400",
            arg_joiner=") - julianday(", **extra,
        )  # fmt: skip


class Event(ContentItem):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("conference")
        MATCHMAKING = "matchmaking", _("matchmaking event")
        TRADE_FAIR = "trade-fair", _("trade fair")
        WEBINAR = "webinar", _("webinar")
        OTHER = "other", _("other event")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("description"), blank=True, help_text=_("Formatted text (HTML)."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_time_zone],
        help_text=_("Where the event takes place, e.g. Europe/Berlin."),
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    registration_url = models.URLField(_("registration link"), max_length=500, blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)

    url_name = "content:event-detail"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["status", "publish_at"], name="content_event_public"),
            models.Index(fields=["starts_at"], name="content_event_start"),
            models.Index(EventSeconds(), name="content_event_seconds"),
        ]

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not (self.venue or self.city)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime.datetime:
        """The start in the event's own time zone (templates show it as is)."""
        return in_zone(self.starts_at, self.time_zone)

    @property
    def local_end(self) -> datetime.datetime:
        return in_zone(self.ends_at, self.time_zone)

    @property
    def local_registration_deadline(self) -> datetime.datetime | None:
        if self.registration_deadline is None:
            return None
        return in_zone(self.registration_deadline, self.time_zone)

    @property
    def is_multi_day(self) -> bool:
        return self.local_start.date() != self.local_end.date()


class FundingCall(ContentItem):
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_calls",
        verbose_name=_("programme"),
    )
    programme_name = models.CharField(
        _("programme (name)"),
        max_length=255,
        blank=True,
        help_text=_("The programme or funding measure when it is not in the registry."),
    )
    funder = models.CharField(_("funder"), max_length=255)
    summary = models.TextField(_("summary"), max_length=3000)
    budget_eur = models.DecimalField(
        _("total budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_funding_eur = models.DecimalField(
        _("maximum funding per applicant (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    funding_rate = models.DecimalField(
        _("funding rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    eligible_countries = models.ManyToManyField(
        Country, verbose_name=_("eligible countries"), blank=True, related_name="+"
    )
    eligible_applicants = models.CharField(
        _("eligible organisation types"), max_length=500, blank=True
    )
    official_url = models.URLField(_("official text"), max_length=500)
    source_urls = models.TextField(
        _("source URLs"), blank=True, help_text=_("One URL per line: where the facts come from.")
    )
    # The first and last deadline, kept by the services from the deadlines, so the open list
    # and the archive are simple indexed queries.
    first_deadline_at = models.DateTimeField(
        _("first deadline"), null=True, blank=True, editable=False
    )
    last_deadline_at = models.DateTimeField(
        _("last deadline"), null=True, blank=True, editable=False
    )

    url_name = "content:call-detail"

    class Meta:
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        indexes = [
            models.Index(fields=["status", "publish_at"], name="content_call_public"),
            models.Index(fields=["last_deadline_at"], name="content_call_last_deadline"),
        ]

    @property
    def programme_label(self) -> str:
        return self.programme.name if self.programme else self.programme_name

    @property
    def source_url_list(self) -> list[str]:
        return [line.strip() for line in self.source_urls.splitlines() if line.strip()]


class CallDeadline(models.Model):
    call = models.ForeignKey(
        FundingCall, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("call")
    )
    deadline_at = models.DateTimeField(_("deadline"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    label = models.CharField(
        _("what is due"), max_length=255, blank=True, help_text=_("e.g. project outlines")
    )

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["deadline_at", "pk"]
        # The deadlines of a time window (calls closing soon), with their calls.
        indexes = [models.Index(fields=["deadline_at", "call"], name="content_deadline_at")]

    def __str__(self) -> str:
        return f"{self.local_deadline:%Y-%m-%d %H:%M} {self.time_zone}"

    @property
    def local_deadline(self) -> datetime.datetime:
        return in_zone(self.deadline_at, self.time_zone)


class Project(ContentItem):
    class Phase(models.TextChoices):
        PLANNED = "planned", _("planned")
        CONCEPT = "concept", _("concept phase")
        IMPLEMENTATION = "implementation", _("implementation phase")
        COMPLETED = "completed", _("completed")

    summary = models.TextField(_("summary"), max_length=3000)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("lead organisation"),
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    budget_eur = models.DecimalField(
        _("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=255, blank=True)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    outcome_links = models.TextField(
        _("outcome links"), blank=True, help_text=_("One URL per line.")
    )

    url_name = "content:project-detail"

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["status", "publish_at"], name="content_project_public")]

    @property
    def outcome_link_list(self) -> list[str]:
        return [line.strip() for line in self.outcome_links.splitlines() if line.strip()]


class ProjectPartner(models.Model):
    """A partner of a project: an organisation of the registry, or an external partner
    known by name and country."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="partners", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_partnerships",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )

    class Meta:
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(name=""),
                name="content_partner_named",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.name
