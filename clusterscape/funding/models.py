"""The internationalisation funding programme: programmes with their rules as data, rounds
with criteria, applications with reviews and decisions, grants with phases, budgets and
milestones, partnerships with partners abroad, and the members-only exchange of experience.

Facts that no source publishes stay empty (null or blank) and show as "not published".
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterscape.core.i18n import LocalizedNameMixin, localized
from clusterscape.registry.models import Country, Field, Organisation, Programme, year_validators

AMOUNT_DIGITS = 14


def amount_field(verbose_name, **kwargs) -> models.DecimalField:
    """An amount in EUR; empty where not published. Negative amounts are rejected by the
    services with a message naming the field."""
    return models.DecimalField(
        verbose_name,
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        **kwargs,
    )


class FundingProgramme(LocalizedNameMixin, models.Model):
    """A funding programme. Its rules (cap, phase lengths, where partners must be) are data,
    so a programme with other rules needs no code change. Empty rule = no limit published."""

    slug = models.SlugField(_("slug"), unique=True, max_length=60)
    programme = models.OneToOneField(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding",
        verbose_name=_("programme in the registry"),
    )
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    cap_per_cluster_eur = amount_field(
        _("cap per cluster (EUR)"), help_text=_("The most one cluster's grant may total.")
    )
    concept_phase_max_months = models.PositiveSmallIntegerField(
        _("concept phase, at most (months)"), null=True, blank=True
    )
    implementation_phase_max_months = models.PositiveSmallIntegerField(
        _("implementation phase, at most (months)"), null=True, blank=True
    )
    partners_abroad_only = models.BooleanField(
        _("partners must be abroad"),
        default=True,
        help_text=_("Partners must be outside the applicant's country."),
    )
    phases_may_overlap = models.BooleanField(
        _("phases may overlap"),
        default=False,
        help_text=_(
            "Whether the implementation phase may start before the concept phase ends; "
            "otherwise it must start after it."
        ),
    )
    description_de = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source_urls = models.TextField(_("source URLs"), blank=True, help_text=_("One URL per line."))

    class Meta:
        verbose_name = _("funding programme")
        verbose_name_plural = _("funding programmes")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("funding:programme-detail", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def source_url_list(self) -> list[str]:
        return self.source_urls.split()


class Round(models.Model):
    """A round of selection: the call's dates and the number of clusters to select."""

    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.CASCADE,
        related_name="rounds",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    call_opens = models.DateField(_("call opens"), null=True, blank=True)
    call_closes = models.DateField(_("call closes"), null=True, blank=True)
    target_selections = models.PositiveSmallIntegerField(
        _("clusters to select"), null=True, blank=True
    )
    description_de = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source_urls = models.TextField(_("source URLs"), blank=True, help_text=_("One URL per line."))

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="funding_round_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse(
            "funding:round-detail", kwargs={"slug": self.programme.slug, "year": self.year}
        )

    @property
    def description(self) -> str:
        return localized(self, "description")


class Criterion(LocalizedNameMixin, models.Model):
    """A criterion of a round that reviewers score, with its weight in the total."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round")
    )
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """A German cluster's or network's application to a round."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in-review", _("in review")
        SELECTED = "selected", _("selected")
        NOT_SELECTED = "not-selected", _("not selected")

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="applications", verbose_name=_("round")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name=_("cluster or network"),
    )
    concept_summary = models.TextField(_("concept summary"), blank=True)
    partner_regions = models.CharField(
        _("intended partner regions"),
        max_length=500,
        blank=True,
        help_text=_("Regions abroad, separated by ';'."),
    )
    partner_countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="funding_applications",
        verbose_name=_("intended partner countries"),
    )
    themes = models.ManyToManyField(
        Field, blank=True, related_name="funding_applications", verbose_name=_("themes")
    )
    concept_budget_eur = amount_field(_("planned budget, concept phase (EUR)"))
    implementation_budget_eur = amount_field(_("planned budget, implementation phase (EUR)"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    source_urls = models.TextField(_("source URLs"), blank=True, help_text=_("One URL per line."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="funding_application_unique"
            )
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.round}"

    @property
    def is_decided(self) -> bool:
        return self.status in (self.Status.SELECTED, self.Status.NOT_SELECTED)


class ReviewerAssignment(models.Model):
    """A reviewer may see and score only the applications assigned to them."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="funding_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.application}"


class Review(models.Model):
    """A reviewer's scores of one assigned application."""

    assignment = models.OneToOneField(
        ReviewerAssignment,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name=_("assignment"),
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.assignment)

    @property
    def weighted_score(self) -> Decimal | None:
        """The scores weighted by their criteria, as a share of the highest possible (0–1);
        None before anything is scored. Needs the scores with their criteria."""
        scores = list(self.scores.all())
        possible = sum((s.criterion.weight * s.criterion.max_score for s in scores), Decimal(0))
        if not scores or not possible:
            return None
        reached = sum((s.criterion.weight * s.score for s in scores), Decimal(0))
        return (reached / possible).quantize(Decimal("0.01"))


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="funding_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class Grant(models.Model):
    """The grant of a selected application: a concept phase, then an implementation phase."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="grant", verbose_name=_("application")
    )
    total_eur = amount_field(_("total (EUR)"))
    concept_start = models.DateField(_("concept phase starts"), null=True, blank=True)
    concept_end = models.DateField(_("concept phase ends"), null=True, blank=True)
    concept_budget_eur = amount_field(_("budget, concept phase (EUR)"))
    implementation_start = models.DateField(_("implementation phase starts"), null=True, blank=True)
    implementation_end = models.DateField(_("implementation phase ends"), null=True, blank=True)
    implementation_budget_eur = amount_field(_("budget, implementation phase (EUR)"))
    source_urls = models.TextField(_("source URLs"), blank=True, help_text=_("One URL per line."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["application__round__year", "application__organisation__name"]

    def __str__(self) -> str:
        return str(self.application)

    @property
    def organisation(self) -> Organisation:
        return self.application.organisation

    @property
    def start(self):
        return self.concept_start or self.implementation_start

    @property
    def end(self):
        return self.implementation_end or self.concept_end


class Phase(models.TextChoices):
    CONCEPT = "concept", _("concept development")
    IMPLEMENTATION = "implementation", _("implementation")


class BudgetLine(models.Model):
    """The budget of one phase in one calendar year."""

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("grant")
    )
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    amount_eur = models.DecimalField(_("amount (EUR)"), max_digits=AMOUNT_DIGITS, decimal_places=2)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["grant", "phase", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "phase", "year"], name="funding_budget_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.year}: {self.amount_eur}"


class Milestone(models.Model):
    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("milestone")
        DELIVERABLE = "deliverable", _("deliverable")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        LATE = "late", _("late")
        CANCELLED = "cancelled", _("cancelled")

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("grant")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MILESTONE)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("milestone or deliverable")
        verbose_name_plural = _("milestones and deliverables")
        ordering = ["grant", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Partnership(models.Model):
    """A funded German cluster's partnership with a partner abroad: an organisation of the
    registry, or a region or country by name. Stage empty = not published."""

    class Stage(models.TextChoices):
        CONTACT = "contact", _("contact")
        LETTER_OF_INTENT = "letter-of-intent", _("letter of intent")
        MOU = "mou", _("memorandum of understanding")
        IPR_AGREEMENT = "ipr-agreement", _("IPR agreement")
        JOINT_PROJECT = "joint-project", _("joint project")

    STAGE_DATES = {
        Stage.CONTACT: "contact_on",
        Stage.LETTER_OF_INTENT: "letter_of_intent_on",
        Stage.MOU: "mou_on",
        Stage.IPR_AGREEMENT: "ipr_agreement_on",
        Stage.JOINT_PROJECT: "joint_project_on",
    }

    grant = models.ForeignKey(
        Grant, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("grant")
    )
    partner_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_partnerships",
        verbose_name=_("partner organisation"),
    )
    partner_region = models.CharField(_("partner region"), max_length=200, blank=True)
    partner_country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_partnerships",
        verbose_name=_("partner country"),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    contact_on = models.DateField(_("first contact"), null=True, blank=True)
    letter_of_intent_on = models.DateField(_("letter of intent signed"), null=True, blank=True)
    mou_on = models.DateField(_("MoU signed"), null=True, blank=True)
    ipr_agreement_on = models.DateField(_("IPR agreement signed"), null=True, blank=True)
    joint_project_on = models.DateField(_("joint project started"), null=True, blank=True)
    partner_funding_eur = amount_field(_("partner's own funding (EUR)"))
    partner_funding_source = models.CharField(
        _("source of the partner's funding"), max_length=300, blank=True
    )
    joint_project = models.ForeignKey(
        "content.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="funding_partnerships",
        verbose_name=_("joint project"),
        help_text=_("The joint R&D&I project as published on the platform."),
    )
    joint_project_url = models.URLField(_("joint project (link)"), max_length=500, blank=True)
    source_urls = models.TextField(_("source URLs"), blank=True, help_text=_("One URL per line."))

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["grant", "partner_country__name_en", "partner_region", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner_organisation__isnull=False)
                | Q(partner_country__isnull=False)
                | ~Q(partner_region=""),
                name="funding_partnership_has_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grant.application.organisation} – {self.partner_name}"

    @property
    def partner_name(self) -> str:
        if self.partner_organisation_id:
            return self.partner_organisation.display_name
        parts = [self.partner_region, self.partner_country.name if self.partner_country else ""]
        return ", ".join(part for part in parts if part)

    @property
    def country(self) -> Country | None:
        """The partner's country: the organisation's seat, else the country named."""
        if self.partner_organisation_id:
            return self.partner_organisation.country
        return self.partner_country


class ExchangePost(models.Model):
    """A lesson learned or a question in the members-only exchange of a programme."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("lesson learned")
        QUESTION = "question", _("question")

    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.CASCADE,
        related_name="exchange_posts",
        verbose_name=_("programme"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exchange_posts",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LESSON)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("exchange post")
        verbose_name_plural = _("exchange posts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ExchangeComment(models.Model):
    post = models.ForeignKey(
        ExchangePost, on_delete=models.CASCADE, related_name="comments", verbose_name=_("post")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exchange_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class ExchangeAttachment(models.Model):
    post = models.ForeignKey(
        ExchangePost,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("post"),
    )
    file = models.FileField(_("file"), upload_to="funding/exchange/%Y/")
    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title
