"""Every write of the funding app. Each function checks the programme's rules (read from the
programme's data, never from constants), raises ValidationError naming the field, writes in
one transaction, keeps a version in the audit trail and marks public pages as changed.

Views, the API, the admin and the seed command all call these functions.
"""

import datetime
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterscape.accounts import permissions
from clusterscape.accounts.history import record_version
from clusterscape.accounts.models import User, Version
from clusterscape.core.cache import public_pages_changed
from clusterscape.registry.models import Country, Field

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
    Phase,
    Review,
    ReviewerAssignment,
    Round,
    Score,
)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
}
# The first bytes of the binary types, so a renamed file of another type is refused.
MAGIC = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b"PK",),
    "application/vnd.oasis.opendocument.text": (b"PK",),
}


# -- helpers -----------------------------------------------------------------------------


def months_in(start: datetime.date, end: datetime.date) -> int:
    """The length of a phase in months, both days included; a begun month counts whole
    (1 Jan 2016 – 31 Dec 2017 is 24 months, 1 Jan 2016 – 1 Jan 2018 is 25)."""
    after = end + datetime.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day > start.day:
        months += 1
    return months


def format_eur(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ")


def _negative_amounts(instance, names: Iterable[str]) -> dict[str, str]:
    errors = {}
    for name in names:
        value = getattr(instance, name)
        if value is not None and value < 0:
            errors[name] = _("Amounts cannot be negative.")
    return errors


def _validate(instance, errors: Mapping[str, str], *, validate_constraints: bool = True) -> None:
    """full_clean() plus the domain errors, as one ValidationError naming the fields."""
    collected: dict[str, list] = {name: [message] for name, message in errors.items()}
    try:
        instance.full_clean(validate_constraints=validate_constraints)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            collected.setdefault(name, [])
            collected[name].extend(m for m in messages if m not in collected[name])
    if collected:
        raise ValidationError(collected)


def _record(instance, *, by: User | None, created: bool, comment: str = "") -> None:
    action = Version.Action.CREATE if created else Version.Action.UPDATE
    record_version(instance, by=by, action=action, comment=comment)


def _foreign_partner_errors(
    round: Round, organisation, countries: Iterable[Country], field: str
) -> dict[str, str]:
    if not round.programme.partners_abroad_only:
        return {}
    own = [country for country in countries if country.pk == organisation.country_id]
    if own:
        return {
            field: _(
                "%(country)s is the applicant's own country; this programme accepts only "
                "partners abroad."
            )
            % {"country": own[0].name}
        }
    return {}


# -- programmes and rounds ------------------------------------------------------------------


@transaction.atomic
def save_programme(programme: FundingProgramme, *, by: User | None) -> FundingProgramme:
    """A programme and its rules; rules that are left empty do not limit anything."""
    created = programme.pk is None
    errors = _negative_amounts(programme, ["cap_per_cluster_eur"])
    for name in ("concept_phase_max_months", "implementation_phase_max_months"):
        if getattr(programme, name) == 0:
            errors[name] = _("A phase of at most 0 months allows nothing; leave it empty instead.")
    _validate(programme, errors)
    programme.save()
    _record(programme, by=by, created=created)
    public_pages_changed()
    return programme


@transaction.atomic
def save_round(round: Round, *, by: User | None) -> Round:
    created = round.pk is None
    errors = {}
    if round.call_opens and round.call_closes and round.call_closes < round.call_opens:
        errors["call_closes"] = _(
            "The call closes on %(closes)s, before it opens on %(opens)s."
        ) % {
            "closes": round.call_closes.isoformat(),
            "opens": round.call_opens.isoformat(),
        }
    _validate(round, errors)
    round.save()
    _record(round, by=by, created=created)
    public_pages_changed()
    return round


@transaction.atomic
def save_criterion(criterion: Criterion, *, by: User | None) -> Criterion:
    created = criterion.pk is None
    _validate(criterion, {})
    criterion.save()
    _record(criterion, by=by, created=created)
    return criterion


@transaction.atomic
def record_published_selection(
    round: Round,
    organisation,
    *,
    partner_countries: Iterable[Country],
    source_urls: Iterable[str],
    by: User | None,
) -> tuple[Application, bool]:
    """A selection that a public source reports (the seed of past rounds): a selected
    application with an empty grant and a partnership per partner country, stage not
    published. Budgets and dates stay empty. Returns the application and whether it is new."""
    existing = Application.objects.filter(round=round, organisation=organisation).first()
    if existing is not None:
        return existing, False
    application = Application(
        round=round,
        organisation=organisation,
        status=Application.Status.SELECTED,
        decision_reason=_("Selection published by the programme."),
        source_urls="\n".join(source_urls),
    )
    countries = list(partner_countries)
    save_application(application, by=by, partner_countries=countries, check_dates=False)
    grant = Grant(application=application, source_urls=application.source_urls)
    save_grant(grant, by=by)
    for country in countries:
        save_partnership(
            Partnership(grant=grant, partner_country=country, source_urls=grant.source_urls),
            by=by,
        )
    return application, True


# -- applications ------------------------------------------------------------------------


def _closing_errors(round: Round, today: datetime.date) -> dict[str, str]:
    if round.call_closes is not None and today > round.call_closes:
        return {
            "round": _("The call of round %(year)s closed on %(date)s.")
            % {"year": round.year, "date": round.call_closes.isoformat()}
        }
    if round.call_opens is not None and today < round.call_opens:
        return {
            "round": _("The call of round %(year)s opens on %(date)s.")
            % {"year": round.year, "date": round.call_opens.isoformat()}
        }
    return {}


@transaction.atomic
def save_application(
    application: Application,
    *,
    by: User | None,
    partner_countries: Iterable[Country] | None = None,
    themes: Iterable[Field] | None = None,
    today: datetime.date | None = None,
    check_dates: bool = True,
) -> Application:
    """Create or change an application's content (its status changes through submit, review
    and decide). A new application must come while the round's call is open."""
    today = today or timezone.localdate()
    created = application.pk is None
    errors: dict[str, str] = {}
    if created and check_dates and application.round_id:
        errors.update(_closing_errors(application.round, today))
    if not created and application.is_decided and not permissions.is_programme_officer(by):
        errors["status"] = _("A decided application can no longer be changed.")
    if application.organisation_id and application.organisation.country_id != "DE":
        errors["organisation"] = _("Only German clusters and networks can apply.")
    errors.update(
        _negative_amounts(application, ["concept_budget_eur", "implementation_budget_eur"])
    )
    countries = (
        list(partner_countries)
        if partner_countries is not None
        else list(application.partner_countries.all())
        if not created
        else []
    )
    if application.round_id and application.organisation_id:
        errors.update(
            _foreign_partner_errors(
                application.round, application.organisation, countries, "partner_countries"
            )
        )
    cap = application.round.programme.cap_per_cluster_eur if application.round_id else None
    planned = [application.concept_budget_eur, application.implementation_budget_eur]
    planned_total = sum((amount for amount in planned if amount), Decimal(0))
    if cap is not None and planned_total > cap:
        errors["implementation_budget_eur"] = _(
            "The planned budget totals %(total)s EUR; the programme allows at most %(cap)s EUR."
        ) % {"total": format_eur(planned_total), "cap": format_eur(cap)}
    _validate(application, errors)
    application.save()
    if partner_countries is not None:
        application.partner_countries.set(countries)
    if themes is not None:
        application.themes.set(list(themes))
    _record(application, by=by, created=created)
    return application


@transaction.atomic
def submit_application(
    application: Application, *, by: User | None, today: datetime.date | None = None
) -> Application:
    today = today or timezone.localdate()
    if application.status != Application.Status.DRAFT:
        raise ValidationError({"status": _("Only a draft can be submitted.")})
    errors = _closing_errors(application.round, today)
    if not application.concept_summary.strip():
        errors["concept_summary"] = _("Describe the concept before submitting.")
    if errors:
        raise ValidationError(errors)
    application.status = Application.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(application, by=by, created=False, comment="submitted")
    return application


@transaction.atomic
def assign_reviewer(
    application: Application, *, reviewer: User, by: User | None
) -> ReviewerAssignment:
    """Give an application to a reviewer; a submitted application goes into review."""
    if not permissions.is_reviewer(reviewer):
        raise ValidationError({"reviewer": _("%(user)s is not a reviewer.") % {"user": reviewer}})
    if application.status not in (Application.Status.SUBMITTED, Application.Status.IN_REVIEW):
        raise ValidationError(
            {"reviewer": _("Only submitted applications can be given to reviewers.")}
        )
    if ReviewerAssignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(
            {"reviewer": _("%(user)s already reviews this application.") % {"user": reviewer}}
        )
    assignment = ReviewerAssignment.objects.create(application=application, reviewer=reviewer)
    if application.status == Application.Status.SUBMITTED:
        application.status = Application.Status.IN_REVIEW
        application.save(update_fields=["status", "updated_at"])
    _record(application, by=by, created=False, comment=f"reviewer {reviewer.pk} assigned")
    return assignment


@transaction.atomic
def save_review(
    assignment: ReviewerAssignment,
    *,
    scores: Mapping[int, int | None],
    comment: str = "",
    by: User | None,
) -> Review:
    """The reviewer's score for every criterion of the round (keys are criterion ids)."""
    application = assignment.application
    if application.is_decided:
        raise ValidationError({"scores": _("The application has been decided already.")})
    criteria = list(Criterion.objects.filter(round=application.round_id))
    errors = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        name = f"criterion_{criterion.pk}"
        if value is None:
            errors[name] = _("Give a score for “%(criterion)s”.") % {"criterion": criterion.name}
        elif not 0 <= value <= criterion.max_score:
            errors[name] = _(
                "The score for “%(criterion)s” is %(score)s; it must be between 0 and %(max)s."
            ) % {"criterion": criterion.name, "score": value, "max": criterion.max_score}
    unknown = set(scores) - {criterion.pk for criterion in criteria}
    if unknown:
        errors["scores"] = _("Scores were given for criteria of another round.")
    if errors:
        raise ValidationError(errors)
    review, created = Review.objects.update_or_create(
        assignment=assignment, defaults={"comment": comment}
    )
    for criterion in criteria:
        Score.objects.update_or_create(
            review=review, criterion=criterion, defaults={"score": scores[criterion.pk]}
        )
    _record(review, by=by, created=created)
    return review


@transaction.atomic
def decide_application(
    application: Application, *, selected: bool, reason: str, by: User | None
) -> Application:
    """The officer's decision with its reason; a selected application gets an empty grant
    whose phases and budgets are filled in later."""
    if application.status not in (Application.Status.SUBMITTED, Application.Status.IN_REVIEW):
        raise ValidationError(
            {"status": _("Only submitted applications or those in review can be decided.")}
        )
    if not reason.strip():
        raise ValidationError({"decision_reason": _("Give the reason for the decision.")})
    application.status = (
        Application.Status.SELECTED if selected else Application.Status.NOT_SELECTED
    )
    application.decision_reason = reason.strip()
    application.decided_by = by if by is not None and by.is_authenticated else None
    application.decided_at = timezone.now()
    application.save()
    _record(application, by=by, created=False, comment="decided")
    if selected:
        grant, created = Grant.objects.get_or_create(application=application)
        if created:
            _record(grant, by=by, created=True)
    public_pages_changed()
    return application


# -- grants ------------------------------------------------------------------------------


def grant_errors(grant: Grant) -> dict[str, str]:
    """The programme's rules for a grant's total, phases and budgets."""
    programme = grant.application.round.programme
    errors = _negative_amounts(
        grant, ["total_eur", "concept_budget_eur", "implementation_budget_eur"]
    )
    cap = programme.cap_per_cluster_eur
    if cap is not None and grant.total_eur is not None and grant.total_eur > cap:
        errors["total_eur"] = _(
            "The grant totals %(total)s EUR; the programme allows at most %(cap)s EUR."
        ) % {"total": format_eur(grant.total_eur), "cap": format_eur(cap)}
    phases = (
        (
            "concept",
            grant.concept_start,
            grant.concept_end,
            programme.concept_phase_max_months,
            _("concept phase"),
        ),
        (
            "implementation",
            grant.implementation_start,
            grant.implementation_end,
            programme.implementation_phase_max_months,
            _("implementation phase"),
        ),
    )
    for name, start, end, most, label in phases:
        if (start is None) != (end is None):
            missing = f"{name}_end" if end is None else f"{name}_start"
            errors.setdefault(
                missing,
                _("Give both the start and the end of the %(phase)s, or neither.")
                % {"phase": label},
            )
        elif start is not None and end < start:
            errors.setdefault(
                f"{name}_end",
                _("The %(phase)s ends on %(end)s, before it starts on %(start)s.")
                % {"phase": label, "end": end.isoformat(), "start": start.isoformat()},
            )
        elif start is not None and most is not None and months_in(start, end) > most:
            errors.setdefault(
                f"{name}_end",
                _("The %(phase)s is %(months)s months; the programme allows at most %(most)s.")
                % {"phase": label, "months": months_in(start, end), "most": most},
            )
    if (
        grant.concept_start is not None
        and grant.implementation_start is not None
        and grant.implementation_start < grant.concept_start
    ):
        errors.setdefault(
            "implementation_start",
            _(
                "The implementation phase starts on %(start)s, before the concept phase starts "
                "on %(concept)s."
            )
            % {
                "start": grant.implementation_start.isoformat(),
                "concept": grant.concept_start.isoformat(),
            },
        )
    if (
        not programme.phases_may_overlap
        and grant.concept_end is not None
        and grant.implementation_start is not None
        and grant.implementation_start <= grant.concept_end
    ):
        errors.setdefault(
            "implementation_start",
            _(
                "The implementation phase starts on %(start)s; it must start after the concept "
                "phase ends on %(end)s."
            )
            % {
                "start": grant.implementation_start.isoformat(),
                "end": grant.concept_end.isoformat(),
            },
        )
    budgets = [grant.concept_budget_eur, grant.implementation_budget_eur]
    if grant.total_eur is not None and all(amount is not None for amount in budgets):
        phase_sum = sum(budgets, Decimal(0))
        if phase_sum > grant.total_eur:
            errors.setdefault(
                "implementation_budget_eur",
                _(
                    "The phase budgets add up to %(sum)s EUR, more than the grant's total of "
                    "%(total)s EUR."
                )
                % {"sum": format_eur(phase_sum), "total": format_eur(grant.total_eur)},
            )
    return errors


def _period_errors(grant: Grant, day: datetime.date, field: str) -> dict[str, str]:
    if grant.start is None or grant.end is None:
        return {field: _("Give the grant's phase dates first; the grant period is not known.")}
    if not grant.start <= day <= grant.end:
        return {
            field: _("%(date)s lies outside the grant period, %(start)s to %(end)s.")
            % {
                "date": day.isoformat(),
                "start": grant.start.isoformat(),
                "end": grant.end.isoformat(),
            }
        }
    return {}


@transaction.atomic
def save_grant(grant: Grant, *, by: User | None) -> Grant:
    """Save a grant's total, phases and budgets after checking the programme's rules; its
    milestones must stay inside the new grant period."""
    if grant.application.status != Application.Status.SELECTED:
        raise ValidationError({"application": _("Only a selected application gets a grant.")})
    created = grant.pk is None
    errors = grant_errors(grant)
    if not created and not errors and grant.start and grant.end:
        outside = grant.milestones.exclude(due_on__range=(grant.start, grant.end)).first()
        if outside is not None:
            errors["concept_start" if outside.due_on < grant.start else "implementation_end"] = _(
                "The milestone “%(title)s” (due %(date)s) would lie outside the grant period."
            ) % {"title": outside.title, "date": outside.due_on.isoformat()}
    _validate(grant, errors)
    grant.save()
    _record(grant, by=by, created=created)
    public_pages_changed()
    return grant


@transaction.atomic
def save_budget_line(line: BudgetLine, *, by: User | None) -> BudgetLine:
    """A phase's budget in one year: not negative, in a year of that phase, and the phase's
    lines not above the phase budget."""
    grant = line.grant
    errors = _negative_amounts(line, ["amount_eur"])
    start, end, budget = (
        (grant.concept_start, grant.concept_end, grant.concept_budget_eur)
        if line.phase == Phase.CONCEPT
        else (grant.implementation_start, grant.implementation_end, grant.implementation_budget_eur)
    )
    if start is not None and line.year is not None and not start.year <= line.year <= end.year:
        errors["year"] = _("The phase runs from %(start)s to %(end)s; %(year)s is outside it.") % {
            "start": start.year,
            "end": end.year,
            "year": line.year,
        }
    if budget is not None and line.amount_eur is not None and "amount_eur" not in errors:
        others = BudgetLine.objects.filter(grant=grant, phase=line.phase).exclude(pk=line.pk)
        total = sum((other.amount_eur for other in others), Decimal(0)) + line.amount_eur
        if total > budget:
            errors["amount_eur"] = _(
                "The phase's yearly budgets would total %(total)s EUR, more than its budget of "
                "%(budget)s EUR."
            ) % {"total": format_eur(total), "budget": format_eur(budget)}
    created = line.pk is None
    _validate(line, errors)
    line.save()
    _record(line, by=by, created=created)
    public_pages_changed()
    return line


@transaction.atomic
def save_milestone(milestone: Milestone, *, by: User | None) -> Milestone:
    errors = {}
    if milestone.due_on is not None:
        errors.update(_period_errors(milestone.grant, milestone.due_on, "due_on"))
    created = milestone.pk is None
    _validate(milestone, errors)
    milestone.save()
    _record(milestone, by=by, created=created)
    public_pages_changed()
    return milestone


# -- partnerships ------------------------------------------------------------------------


@transaction.atomic
def save_partnership(partnership: Partnership, *, by: User | None) -> Partnership:
    """A partnership: a partner abroad (per the programme's rule), a date for the stage
    reached where one is known, no negative funding."""
    errors = _negative_amounts(partnership, ["partner_funding_eur"])
    if (
        partnership.partner_organisation_id is None
        and partnership.partner_country_id is None
        and not partnership.partner_region.strip()
    ):
        errors["partner_organisation"] = _(
            "Name the partner: an organisation of the registry, a region or a country."
        )
    application = partnership.grant.application
    countries = [partnership.country] if partnership.country is not None else []
    field = "partner_organisation" if partnership.partner_organisation_id else "partner_country"
    errors.update(
        _foreign_partner_errors(application.round, application.organisation, countries, field)
    )
    stages = list(Partnership.Stage)
    dated = [(stage, getattr(partnership, Partnership.STAGE_DATES[stage])) for stage in stages]
    known = [(stage, day) for stage, day in dated if day is not None]
    for (earlier, earlier_day), (later, later_day) in itertools.pairwise(known):
        if later_day < earlier_day:
            errors[Partnership.STAGE_DATES[later]] = _(
                "The %(later)s (%(later_day)s) cannot come before the %(earlier)s "
                "(%(earlier_day)s)."
            ) % {
                "later": later.label,
                "later_day": later_day.isoformat(),
                "earlier": earlier.label,
                "earlier_day": earlier_day.isoformat(),
            }
            break
    if partnership.stage:
        reached = stages.index(partnership.stage)
        beyond = [stage for stage, day in known if stages.index(stage) > reached]
        if beyond:
            errors["stage"] = _(
                "The partnership has a date for the %(stage)s, a later stage than the one given."
            ) % {"stage": beyond[0].label}
    created = partnership.pk is None
    # The domain message names the missing partner; the constraint would repeat it vaguely.
    _validate(partnership, errors, validate_constraints="partner_organisation" not in errors)
    partnership.save()
    _record(partnership, by=by, created=created)
    public_pages_changed()
    return partnership


@transaction.atomic
def advance_partnership(
    partnership: Partnership,
    *,
    stage: str,
    on: datetime.date | None,
    by: User | None,
) -> Partnership:
    """Move a partnership to a stage, with the date it was reached where known."""
    partnership.stage = stage
    if on is not None:
        setattr(partnership, Partnership.STAGE_DATES[Partnership.Stage(stage)], on)
    return save_partnership(partnership, by=by)


# -- exchange of experience --------------------------------------------------------------


@transaction.atomic
def create_post(post: ExchangePost, *, by: User) -> ExchangePost:
    post.author = by
    post.title = post.title.strip()
    post.body = post.body.strip()
    _validate(post, {})
    post.save()
    return post


@transaction.atomic
def add_comment(comment: ExchangeComment, *, by: User) -> ExchangeComment:
    comment.author = by
    comment.body = comment.body.strip()
    _validate(comment, {})
    comment.save()
    return comment


@transaction.atomic
def add_attachment(
    post: ExchangePost, *, upload: UploadedFile, title: str, by: User
) -> ExchangeAttachment:
    """A document for a post: one of the accepted types (by name and first bytes), at most
    10 MB."""
    extension = PurePath(upload.name or "").suffix.lower()
    content_type = ATTACHMENT_TYPES.get(extension)
    if content_type is None:
        raise ValidationError(
            {
                "file": _("Files of type %(type)s are not accepted; accepted: %(types)s.")
                % {"type": extension or "?", "types": ", ".join(sorted(ATTACHMENT_TYPES))}
            }
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file has %(size)s bytes; at most %(most)s are accepted.")
                % {"size": upload.size, "most": ATTACHMENT_MAX_BYTES}
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    prefixes = MAGIC.get(content_type)
    if prefixes and not head.startswith(prefixes):
        raise ValidationError(
            {"file": _("The file's content is not a %(type)s file.") % {"type": extension}}
        )
    attachment = ExchangeAttachment(
        post=post,
        file=upload,
        title=title.strip() or PurePath(upload.name).name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    _validate(attachment, {})
    attachment.save()
    return attachment
