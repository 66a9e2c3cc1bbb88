"""The registry: organisations of the cluster landscape and the reference data they point to.

Reference data (countries, German states, the taxonomy of fields, value-chain capabilities)
is seeded by migrations; programmes and organisations come from the shipped data files.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterscape.core.i18n import LocalizedNameMixin, localized

MIN_YEAR = 1800
MAX_YEAR = 2100

year_validators = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
nuts_code_validator = RegexValidator(
    r"^[A-Z]{2}[0-9A-Z]{0,3}$", _("A NUTS code is two capital letters and up to three more.")
)


class Country(LocalizedNameMixin, models.Model):
    """A country of ISO 3166-1 (alpha-2), with German and English names."""

    code = models.CharField(_("ISO 3166-1 code"), max_length=2, primary_key=True)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    centre_latitude = models.FloatField(_("centre latitude"), null=True, blank=True)
    centre_longitude = models.FloatField(_("centre longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name


class State(LocalizedNameMixin, models.Model):
    """A German Land, with its ISO 3166-2 and NUTS-1 codes."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, primary_key=True)
    nuts_code = models.CharField(_("NUTS-1 code"), max_length=3, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="states")
    slug = models.SlugField(unique=True)
    centre_latitude = models.FloatField(_("centre latitude"), null=True, blank=True)
    centre_longitude = models.FloatField(_("centre longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("German state")
        verbose_name_plural = _("German states")
        ordering = ["name_de"]

    def __str__(self) -> str:
        return self.name


class Field(LocalizedNameMixin, models.Model):
    """A field of the two-level taxonomy: a top-level area, or a field within one."""

    slug = models.SlugField(unique=True, max_length=60)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("area"),
    )
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    synonyms = models.CharField(
        _("synonyms"),
        max_length=500,
        blank=True,
        help_text=_("Further words in either language that mean this field, separated by ';'."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("A field cannot be its own area.")})
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {
                        "parent": _(
                            "The taxonomy has two levels: the area must be a top-level field."
                        )
                    }
                )


class Capability(LocalizedNameMixin, models.Model):
    """A step of the value chain an organisation offers or seeks (research, testing, ...)."""

    slug = models.SlugField(unique=True, max_length=60)
    name_de = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("value-chain capability")
        verbose_name_plural = _("value-chain capabilities")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Programme(LocalizedNameMixin, models.Model):
    """A cluster programme or label: Leading-Edge Cluster competition, go-cluster, a Land's
    cluster policy, a European label. Organisations are members with a year where known."""

    class Level(models.TextChoices):
        FEDERAL = "federal", _("federal (Germany)")
        STATE = "state", _("German state")
        EUROPEAN = "european", _("European")
        NATIONAL = "national", _("national (other country)")

    slug = models.SlugField(unique=True, max_length=60)
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="programmes"
    )
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="programmes"
    )
    description_de = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    source_urls = models.TextField(_("source URLs"), blank=True, help_text=_("One URL per line."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return localized(self, "description")


class Organisation(models.Model):
    """A cluster, network, innovation region, cluster association or international partner."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("cluster")
        NETWORK = "network", _("network")
        INNOVATION_REGION = "innovation-region", _("innovation region")
        CLUSTER_ASSOCIATION = "cluster-association", _("cluster association")
        INTERNATIONAL_PARTNER = "international-partner", _("international partner")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PENDING = "pending", _("pending validation")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    class Precision(models.TextChoices):
        CITY = "city", _("city")
        STATE = "state", _("state (approximate)")
        COUNTRY = "country", _("country (approximate)")

    class Confidence(models.TextChoices):
        HIGH = "high", _("every fact stated by a source")
        MEDIUM = "medium", _("one fact inferred")

    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    description_de = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("country"),
        help_text=_("Where the organisation has its seat."),
    )
    additional_countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="cross_border_organisations",
        verbose_name=_("further countries"),
        help_text=_("For cross-border clusters: the other countries they span."),
    )
    states = models.ManyToManyField(
        State, blank=True, related_name="organisations", verbose_name=_("German states")
    )
    nuts_codes = models.CharField(
        _("NUTS codes"),
        max_length=200,
        blank=True,
        help_text=_("NUTS regions the organisation covers, separated by ';'."),
    )
    city = models.CharField(_("city or region"), max_length=200, blank=True)
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
    location_precision = models.CharField(
        _("location precision"), max_length=10, choices=Precision.choices, blank=True
    )
    website = models.URLField(
        _("website"), blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=year_validators
    )

    management_organisation = models.CharField(
        _("management organisation"), max_length=255, blank=True
    )
    management_staff_fte = models.DecimalField(
        _("management staff (FTE)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    members_sme = models.PositiveIntegerField(_("SMEs"), null=True, blank=True)
    members_large = models.PositiveIntegerField(_("large companies"), null=True, blank=True)
    members_startup = models.PositiveIntegerField(_("start-ups"), null=True, blank=True)
    members_research = models.PositiveIntegerField(_("research institutes"), null=True, blank=True)
    members_university = models.PositiveIntegerField(_("universities"), null=True, blank=True)
    members_public = models.PositiveIntegerField(_("public bodies"), null=True, blank=True)
    members_other = models.PositiveIntegerField(_("other members"), null=True, blank=True)
    members_year = models.PositiveSmallIntegerField(
        _("members counted in"), null=True, blank=True, validators=year_validators
    )

    fields = models.ManyToManyField(
        Field, blank=True, related_name="organisations", verbose_name=_("fields")
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Free keywords or topics, separated by ';'."),
    )
    target_countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="targeted_by",
        verbose_name=_("target countries"),
        help_text=_("Countries where the organisation looks for partners."),
    )
    partner_countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="partnered_by",
        verbose_name=_("partner countries"),
        help_text=_("Countries of the organisation's international partners, as sourced."),
    )

    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
        help_text=_("Set by a merge: this profile's address leads to the one it was merged into."),
    )
    compiled_on = models.DateField(_("facts compiled on"), null=True, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    MEMBER_FIELDS = (
        "members_sme",
        "members_large",
        "members_startup",
        "members_research",
        "members_university",
        "members_public",
        "members_other",
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["status", "name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="registry_organisation_coordinates_pair",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="registry_organisation_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="registry_organisation_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if self.founding_year and self.founding_year > datetime.date.today().year:
            errors["founding_year"] = _("The founding year lies in the future.")
        for code in filter(None, self.nuts_codes.split(";")):
            try:
                nuts_code_validator(code.strip())
            except ValidationError:
                errors["nuts_codes"] = _("%(code)s is not a NUTS code.") % {"code": code}
        if errors:
            raise ValidationError(errors)

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def display_name(self) -> str:
        """The name with its short name where that adds something."""
        if self.short_name and self.short_name.lower() not in self.name.lower():
            return f"{self.name} ({self.short_name})"
        return self.name

    @property
    def members_total(self) -> int | None:
        counts = [getattr(self, name) for name in self.MEMBER_FIELDS]
        known = [count for count in counts if count is not None]
        return sum(known) if known else None

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(";") if word.strip()]

    @property
    def nuts_code_list(self) -> list[str]:
        return [code.strip() for code in self.nuts_codes.split(";") if code.strip()]


class Competence(models.Model):
    """Something an organisation offers or seeks: a field, a value-chain capability, or both
    (free keywords live on the organisation)."""

    class Direction(models.TextChoices):
        OFFERS = "offers", _("offers")
        SEEKS = "seeks", _("seeks")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="competences"
    )
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("field")
    )
    capability = models.ForeignKey(
        Capability, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("capability")
    )

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["direction", "field__position", "capability__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__isnull=False) | Q(capability__isnull=False),
                name="registry_competence_not_empty",
            ),
            models.UniqueConstraint(
                fields=["organisation", "direction", "field", "capability"],
                name="registry_competence_unique",
            ),
        ]

    def __str__(self) -> str:
        parts = [str(part) for part in (self.field, self.capability) if part]
        return f"{self.get_direction_display()}: {' × '.join(parts)}"

    def clean(self) -> None:
        if self.field_id is None and self.capability_id is None:
            raise ValidationError(_("Name a field, a capability or both."))


class ProgrammeMembership(models.Model):
    """An organisation's membership in a programme or label, in a given year where known."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="memberships")
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=year_validators
    )

    class Meta:
        verbose_name = _("programme membership")
        verbose_name_plural = _("programme memberships")
        ordering = ["programme__position", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "year"],
                condition=Q(year__isnull=False),
                name="registry_membership_unique_year",
            ),
            models.UniqueConstraint(
                fields=["organisation", "programme"],
                condition=Q(year__isnull=True),
                name="registry_membership_unique_no_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}" if self.year else str(self.programme)


class PartnerLink(models.Model):
    """A sourced cooperation between two organisations of the registry."""

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("cooperation")
        PROJECT = "project", _("joint project")
        MOU = "mou", _("memorandum of understanding")
        MEMBERSHIP = "membership", _("membership")

    source = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partner_links_out"
    )
    target = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partner_links_in"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=year_validators
    )
    source_url = models.URLField(_("source URL"), max_length=500)

    class Meta:
        verbose_name = _("partner link")
        verbose_name_plural = _("partner links")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="registry_partner_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="registry_partner_link_not_self",
                violation_error_message=_("An organisation cannot be its own partner."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} – {self.target} ({self.get_kind_display()})"


class Source(models.Model):
    """Where a fact about an organisation comes from."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("URL"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "url"], name="registry_source_unique")
        ]

    def __str__(self) -> str:
        return self.url


class CorrectionSuggestion(models.Model):
    """A visitor's note that something on a profile is wrong; editors handle it as a task,
    so no profile changes without an editor."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        REJECTED = "rejected", _("rejected")

    MESSAGE_MAX_LENGTH = 5000

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="correction_suggestions"
    )
    message = models.TextField(_("what is wrong or missing"), max_length=MESSAGE_MAX_LENGTH)
    email = models.EmailField(
        _("e-mail address (optional)"),
        blank=True,
        help_text=_("Only if you want an answer; used for nothing else."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    editor_note = models.TextField(_("editor's note"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction suggestion")
        verbose_name_plural = _("correction suggestions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.message[:60]}"
