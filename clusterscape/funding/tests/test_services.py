import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterscape.accounts.history import versions_of
from clusterscape.funding import services
from clusterscape.funding.models import (
    Application,
    BudgetLine,
    ExchangePost,
    Grant,
    Milestone,
    Partnership,
    Phase,
    Review,
)
from clusterscape.registry.models import Country
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import (
    ApplicationFactory,
    CriterionFactory,
    DatedGrantFactory,
    FundingProgrammeFactory,
    GrantFactory,
    MilestoneFactory,
    OfficerFactory,
    PartnershipFactory,
    ReviewerAssignmentFactory,
    ReviewerFactory,
    RoundFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TODAY = datetime.date(2015, 3, 1)


def messages(error: ValidationError) -> dict[str, list[str]]:
    return error.value.message_dict


def new_application(**kwargs) -> Application:
    round = kwargs.pop("round", None) or RoundFactory(
        call_opens=datetime.date(2015, 1, 1), call_closes=datetime.date(2015, 4, 30)
    )
    organisation = kwargs.pop("organisation", None) or OrganisationFactory()
    return Application(round=round, organisation=organisation, concept_summary="Plan", **kwargs)


# -- helpers ---------------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (datetime.date(2016, 1, 1), datetime.date(2017, 12, 31), 24),
        (datetime.date(2016, 1, 1), datetime.date(2018, 1, 1), 25),
        (datetime.date(2016, 1, 15), datetime.date(2016, 2, 14), 1),
        (datetime.date(2018, 1, 1), datetime.date(2021, 4, 30), 40),
    ],
)
def test_months_in_counts_begun_months(start, end, months):
    assert services.months_in(start, end) == months


# -- applications ----------------------------------------------------------------------------


def test_save_application_creates_a_draft_with_a_version():
    officer = OfficerFactory()
    application = services.save_application(
        new_application(concept_budget_eur=Decimal("500000")),
        by=officer,
        partner_countries=[Country.objects.get(code="FR")],
        today=TODAY,
    )

    assert application.status == Application.Status.DRAFT
    assert list(application.partner_countries.values_list("code", flat=True)) == ["FR"]
    assert [(v.action, v.changed_by) for v in versions_of(application)] == [("create", officer)]


def test_save_application_after_the_closing_date_is_rejected():
    with pytest.raises(ValidationError) as error:
        services.save_application(new_application(), by=None, today=datetime.date(2015, 5, 1))

    assert messages(error) == {"round": ["The call of round 2015 closed on 2015-04-30."]}
    assert Application.objects.count() == 0


def test_save_application_before_the_call_opens_is_rejected():
    with pytest.raises(ValidationError) as error:
        services.save_application(new_application(), by=None, today=datetime.date(2014, 12, 1))

    assert messages(error) == {"round": ["The call of round 2015 opens on 2015-01-01."]}


def test_save_application_rejects_a_partner_country_of_the_applicant():
    with pytest.raises(ValidationError) as error:
        services.save_application(
            new_application(),
            by=None,
            partner_countries=Country.objects.filter(code__in=["DE", "FR"]),
            today=TODAY,
        )

    assert messages(error) == {
        "partner_countries": [
            "Germany is the applicant's own country; this programme accepts only partners abroad."
        ]
    }
    assert Application.objects.count() == 0


def test_save_application_accepts_own_country_when_the_programme_allows_it():
    round = RoundFactory(programme=FundingProgrammeFactory(partners_abroad_only=False))

    application = services.save_application(
        new_application(round=round),
        by=None,
        partner_countries=Country.objects.filter(code="DE"),
        today=TODAY,
    )

    assert list(application.partner_countries.values_list("code", flat=True)) == ["DE"]


def test_save_application_rejects_negative_and_over_cap_budgets():
    with pytest.raises(ValidationError) as error:
        services.save_application(
            new_application(
                concept_budget_eur=Decimal("-1"), implementation_budget_eur=Decimal("4500000")
            ),
            by=None,
            today=TODAY,
        )

    assert messages(error) == {
        "concept_budget_eur": ["Amounts cannot be negative."],
        "implementation_budget_eur": [
            "The planned budget totals 4 499 999.00 EUR; the programme allows at most "
            "4 000 000.00 EUR."
        ],
    }


def test_save_application_rejects_a_foreign_applicant():
    with pytest.raises(ValidationError) as error:
        services.save_application(
            new_application(organisation=OrganisationFactory(country_id="FR")),
            by=None,
            today=TODAY,
        )

    assert messages(error) == {"organisation": ["Only German clusters and networks can apply."]}


def test_submit_application_moves_a_draft_to_submitted():
    application = ApplicationFactory(round__call_closes=datetime.date(2015, 4, 30))

    services.submit_application(application, by=None, today=TODAY)

    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert [v.comment for v in versions_of(application)] == ["submitted"]


def test_submit_application_after_closing_is_rejected_and_stays_a_draft():
    application = ApplicationFactory(round__call_closes=datetime.date(2015, 4, 30))

    with pytest.raises(ValidationError) as error:
        services.submit_application(application, by=None, today=datetime.date(2015, 5, 2))

    assert messages(error) == {"round": ["The call of round 2015 closed on 2015-04-30."]}
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_submit_application_twice_is_rejected():
    application = ApplicationFactory(status=Application.Status.SUBMITTED)

    with pytest.raises(ValidationError) as error:
        services.submit_application(application, by=None, today=TODAY)

    assert messages(error) == {"status": ["Only a draft can be submitted."]}


def test_assign_reviewer_puts_the_application_in_review():
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    reviewer = ReviewerFactory()

    services.assign_reviewer(application, reviewer=reviewer, by=OfficerFactory())

    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    assert [a.reviewer for a in application.assignments.all()] == [reviewer]


def test_assign_reviewer_rejects_a_user_who_is_no_reviewer():
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    user = OfficerFactory(username="olga")

    with pytest.raises(ValidationError) as error:
        services.assign_reviewer(application, reviewer=user, by=None)

    assert messages(error) == {"reviewer": ["olga is not a reviewer."]}


def test_save_review_stores_a_score_per_criterion():
    assignment = ReviewerAssignmentFactory()
    first = CriterionFactory(round=assignment.application.round, name_en="Concept")
    second = CriterionFactory(round=assignment.application.round, name_en="Partners")

    review = services.save_review(
        assignment, scores={first.pk: 4, second.pk: 5}, comment="Good", by=assignment.reviewer
    )

    assert [(s.criterion.name_en, s.score) for s in review.scores.all()] == [
        ("Concept", 4),
        ("Partners", 5),
    ]


def test_save_review_rejects_missing_and_out_of_range_scores():
    assignment = ReviewerAssignmentFactory()
    first = CriterionFactory(round=assignment.application.round, name_en="Concept")
    second = CriterionFactory(round=assignment.application.round, name_en="Partners")

    with pytest.raises(ValidationError) as error:
        services.save_review(assignment, scores={first.pk: 9}, by=None)

    assert messages(error) == {
        f"criterion_{first.pk}": ["The score for “Concept” is 9; it must be between 0 and 5."],
        f"criterion_{second.pk}": ["Give a score for “Partners”."],
    }
    assert Review.objects.count() == 0


def test_decide_application_selected_creates_an_empty_grant():
    officer = OfficerFactory()
    application = ApplicationFactory(status=Application.Status.IN_REVIEW)

    services.decide_application(application, selected=True, reason="Strong partners", by=officer)

    application.refresh_from_db()
    assert (application.status, application.decision_reason, application.decided_by) == (
        Application.Status.SELECTED,
        "Strong partners",
        officer,
    )
    assert application.grant.total_eur is None
    assert [v.comment for v in versions_of(application)] == ["decided"]


def test_decide_application_without_reason_is_rejected():
    application = ApplicationFactory(status=Application.Status.IN_REVIEW)

    with pytest.raises(ValidationError) as error:
        services.decide_application(application, selected=False, reason=" ", by=None)

    assert messages(error) == {"decision_reason": ["Give the reason for the decision."]}
    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW


def test_decide_application_not_selected_makes_no_grant():
    application = ApplicationFactory(status=Application.Status.SUBMITTED)

    services.decide_application(application, selected=False, reason="Weak concept", by=None)

    assert Grant.objects.count() == 0
    assert Application.objects.get().status == Application.Status.NOT_SELECTED


def test_decide_a_draft_is_rejected():
    application = ApplicationFactory()

    with pytest.raises(ValidationError) as error:
        services.decide_application(application, selected=True, reason="x", by=None)

    assert messages(error) == {
        "status": ["Only submitted applications or those in review can be decided."]
    }


# -- grants ----------------------------------------------------------------------------------


def grant_rejected(**changes) -> dict[str, list[str]]:
    grant = DatedGrantFactory()
    for name, value in changes.items():
        setattr(grant, name, value)
    with pytest.raises(ValidationError) as error:
        services.save_grant(grant, by=None)
    return messages(error)


def test_save_grant_accepts_the_programme_limits_and_records_a_version():
    grant = DatedGrantFactory()

    services.save_grant(grant, by=None)

    assert [v.action for v in versions_of(grant)] == ["update"]


def test_save_grant_over_the_cap_is_rejected():
    assert grant_rejected(total_eur=Decimal("4000000.01")) == {
        "total_eur": [
            "The grant totals 4 000 000.01 EUR; the programme allows at most 4 000 000.00 EUR."
        ]
    }


def test_save_grant_with_a_too_long_implementation_phase_is_rejected():
    assert grant_rejected(implementation_end=datetime.date(2021, 4, 30)) == {
        "implementation_end": [
            "The implementation phase is 40 months; the programme allows at most 36."
        ]
    }


def test_save_grant_with_a_too_long_concept_phase_is_rejected():
    assert grant_rejected(
        concept_end=datetime.date(2018, 1, 1), implementation_start=datetime.date(2018, 1, 2)
    ) == {"concept_end": ["The concept phase is 25 months; the programme allows at most 24."]}


def test_save_grant_with_overlapping_phases_is_rejected():
    assert grant_rejected(
        implementation_start=datetime.date(2017, 12, 31),
        implementation_end=datetime.date(2020, 12, 30),
    ) == {
        "implementation_start": [
            "The implementation phase starts on 2017-12-31; it must start after the concept "
            "phase ends on 2017-12-31."
        ]
    }


def test_save_grant_with_a_phase_ending_before_it_starts_is_rejected():
    assert grant_rejected(concept_end=datetime.date(2015, 12, 31)) == {
        "concept_end": ["The concept phase ends on 2015-12-31, before it starts on 2016-01-01."]
    }


def test_save_grant_with_half_a_phase_is_rejected():
    assert grant_rejected(concept_end=None) == {
        "concept_end": ["Give both the start and the end of the concept phase, or neither."]
    }


def test_save_grant_with_negative_amounts_is_rejected():
    assert grant_rejected(concept_budget_eur=Decimal("-5")) == {
        "concept_budget_eur": ["Amounts cannot be negative."]
    }


def test_save_grant_with_phase_budgets_above_the_total_is_rejected():
    assert grant_rejected(total_eur=Decimal("3500000")) == {
        "implementation_budget_eur": [
            "The phase budgets add up to 4 000 000.00 EUR, more than the grant's total of "
            "3 500 000.00 EUR."
        ]
    }


def test_save_grant_rules_come_from_the_programme():
    grant = DatedGrantFactory(application__round__programme__implementation_phase_max_months=48)
    grant.implementation_end = datetime.date(2021, 4, 30)

    services.save_grant(grant, by=None)

    assert Grant.objects.get().implementation_end == datetime.date(2021, 4, 30)


def test_save_grant_that_leaves_a_milestone_outside_is_rejected_and_unchanged():
    milestone = MilestoneFactory(due_on=datetime.date(2020, 12, 1), title="Final report")
    grant = milestone.grant
    grant.implementation_end = datetime.date(2020, 6, 30)

    with pytest.raises(ValidationError) as error:
        services.save_grant(grant, by=None)

    assert messages(error) == {
        "implementation_end": [
            "The milestone “Final report” (due 2020-12-01) would lie outside the grant period."
        ]
    }
    assert Grant.objects.get().implementation_end == datetime.date(2020, 12, 31)


def test_save_grant_for_an_unselected_application_is_rejected():
    grant = Grant(application=ApplicationFactory(status=Application.Status.IN_REVIEW))

    with pytest.raises(ValidationError) as error:
        services.save_grant(grant, by=None)

    assert messages(error) == {"application": ["Only a selected application gets a grant."]}


def test_save_milestone_outside_the_grant_period_is_rejected():
    grant = DatedGrantFactory()

    with pytest.raises(ValidationError) as error:
        services.save_milestone(
            Milestone(grant=grant, title="Kick-off", due_on=datetime.date(2015, 12, 1)), by=None
        )

    assert messages(error) == {
        "due_on": ["2015-12-01 lies outside the grant period, 2016-01-01 to 2020-12-31."]
    }
    assert Milestone.objects.count() == 0


def test_save_milestone_without_grant_dates_is_rejected():
    with pytest.raises(ValidationError) as error:
        services.save_milestone(
            Milestone(grant=GrantFactory(), title="Kick-off", due_on=datetime.date(2016, 1, 1)),
            by=None,
        )

    assert messages(error) == {
        "due_on": ["Give the grant's phase dates first; the grant period is not known."]
    }


def test_save_budget_line_checks_year_sign_and_phase_budget():
    grant = DatedGrantFactory()
    services.save_budget_line(
        BudgetLine(grant=grant, phase=Phase.CONCEPT, year=2016, amount_eur=Decimal("600000")),
        by=None,
    )

    with pytest.raises(ValidationError) as error:
        services.save_budget_line(
            BudgetLine(grant=grant, phase=Phase.CONCEPT, year=2017, amount_eur=Decimal("500000")),
            by=None,
        )
    assert messages(error) == {
        "amount_eur": [
            "The phase's yearly budgets would total 1 100 000.00 EUR, more than its budget of "
            "1 000 000.00 EUR."
        ]
    }
    with pytest.raises(ValidationError) as error:
        services.save_budget_line(
            BudgetLine(grant=grant, phase=Phase.CONCEPT, year=2019, amount_eur=Decimal("-1")),
            by=None,
        )
    assert messages(error) == {
        "amount_eur": ["Amounts cannot be negative."],
        "year": ["The phase runs from 2016 to 2017; 2019 is outside it."],
    }
    assert BudgetLine.objects.count() == 1


# -- partnerships ----------------------------------------------------------------------------


def test_save_partnership_with_a_partner_in_the_applicants_country_is_rejected():
    partnership = Partnership(grant=GrantFactory(), partner_country_id="DE")

    with pytest.raises(ValidationError) as error:
        services.save_partnership(partnership, by=None)

    assert messages(error) == {
        "partner_country": [
            "Germany is the applicant's own country; this programme accepts only partners abroad."
        ]
    }


def test_save_partnership_with_a_german_partner_organisation_is_rejected():
    partner = OrganisationFactory()
    partnership = Partnership(grant=GrantFactory(), partner_organisation=partner)

    with pytest.raises(ValidationError) as error:
        services.save_partnership(partnership, by=None)

    assert messages(error) == {
        "partner_organisation": [
            "Germany is the applicant's own country; this programme accepts only partners abroad."
        ]
    }


def test_save_partnership_without_a_partner_is_rejected():
    with pytest.raises(ValidationError) as error:
        services.save_partnership(Partnership(grant=GrantFactory()), by=None)

    assert messages(error) == {
        "partner_organisation": [
            "Name the partner: an organisation of the registry, a region or a country."
        ]
    }


def test_save_partnership_rejects_negative_funding_and_stage_dates_out_of_order():
    partnership = Partnership(
        grant=GrantFactory(),
        partner_country_id="FR",
        partner_funding_eur=Decimal("-10"),
        contact_on=datetime.date(2016, 5, 1),
        mou_on=datetime.date(2016, 4, 1),
        stage=Partnership.Stage.MOU,
    )

    with pytest.raises(ValidationError) as error:
        services.save_partnership(partnership, by=None)

    assert messages(error) == {
        "partner_funding_eur": ["Amounts cannot be negative."],
        "mou_on": [
            "The memorandum of understanding (2016-04-01) cannot come before the contact "
            "(2016-05-01)."
        ],
    }


def test_advance_partnership_sets_the_stage_and_its_date():
    partnership = PartnershipFactory()

    services.advance_partnership(
        partnership, stage="letter-of-intent", on=datetime.date(2016, 9, 1), by=None
    )

    partnership.refresh_from_db()
    assert (partnership.stage, partnership.letter_of_intent_on) == (
        "letter-of-intent",
        datetime.date(2016, 9, 1),
    )
    assert [v.action for v in versions_of(partnership)] == ["update"]


def test_advance_partnership_below_a_dated_later_stage_is_rejected():
    partnership = PartnershipFactory(mou_on=datetime.date(2017, 1, 1))

    with pytest.raises(ValidationError) as error:
        services.advance_partnership(partnership, stage="contact", on=None, by=None)

    assert messages(error) == {
        "stage": [
            "The partnership has a date for the memorandum of understanding, a later stage than "
            "the one given."
        ]
    }


# -- exchange --------------------------------------------------------------------------------


def test_add_attachment_accepts_a_pdf():
    user = OfficerFactory()
    post = services.create_post(
        ExchangePost(programme=FundingProgrammeFactory(), title="Lessons", body="Text"), by=user
    )

    attachment = services.add_attachment(
        post,
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4 content"),
        title="Report",
        by=user,
    )

    assert (attachment.content_type, attachment.size, attachment.title) == (
        "application/pdf",
        16,
        "Report",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "tool.exe",
            b"MZ",
            "Files of type .exe are not accepted; accepted: .csv, .docx, .jpeg, .jpg, .odt, "
            ".pdf, .png, .pptx, .txt, .xlsx.",
        ),
        ("fake.pdf", b"MZ not a pdf", "The file's content is not a .pdf file."),
    ],
)
def test_add_attachment_rejects_wrong_types(name, content, message):
    user = OfficerFactory()
    post = services.create_post(
        ExchangePost(programme=FundingProgrammeFactory(), title="Lessons", body="Text"), by=user
    )

    with pytest.raises(ValidationError) as error:
        services.add_attachment(post, upload=SimpleUploadedFile(name, content), title="", by=user)

    assert messages(error) == {"file": [message]}


def test_add_attachment_rejects_a_too_large_file(monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 10)
    user = OfficerFactory()
    post = services.create_post(
        ExchangePost(programme=FundingProgrammeFactory(), title="Lessons", body="Text"), by=user
    )

    with pytest.raises(ValidationError) as error:
        services.add_attachment(
            post, upload=SimpleUploadedFile("a.txt", b"x" * 11), title="", by=user
        )

    assert messages(error) == {"file": ["The file has 11 bytes; at most 10 are accepted."]}


def test_save_grant_accepts_overlapping_phases_where_the_programme_allows_them():
    grant = DatedGrantFactory(application__round__programme__phases_may_overlap=True)
    grant.implementation_start = datetime.date(2017, 7, 1)
    grant.implementation_end = datetime.date(2020, 6, 30)

    services.save_grant(grant, by=None)

    assert Grant.objects.get().implementation_start == datetime.date(2017, 7, 1)


def test_save_grant_rejects_implementation_before_the_concept_even_with_overlap():
    grant = DatedGrantFactory(application__round__programme__phases_may_overlap=True)
    grant.implementation_start = datetime.date(2015, 12, 1)
    grant.implementation_end = datetime.date(2018, 11, 30)

    with pytest.raises(ValidationError) as error:
        services.save_grant(grant, by=None)

    assert messages(error) == {
        "implementation_start": [
            "The implementation phase starts on 2015-12-01, before the concept phase starts on "
            "2016-01-01."
        ]
    }


def test_save_round_closing_before_opening_is_rejected():
    round = RoundFactory.build(
        programme=FundingProgrammeFactory(),
        call_opens=datetime.date(2016, 11, 18),
        call_closes=datetime.date(2016, 3, 15),
    )

    with pytest.raises(ValidationError) as error:
        services.save_round(round, by=None)

    assert messages(error) == {
        "call_closes": ["The call closes on 2016-03-15, before it opens on 2016-11-18."]
    }


def test_save_programme_rejects_a_negative_cap_and_a_zero_phase():
    programme = FundingProgrammeFactory.build(
        cap_per_cluster_eur=Decimal("-1"), concept_phase_max_months=0
    )

    with pytest.raises(ValidationError) as error:
        services.save_programme(programme, by=None)

    assert messages(error) == {
        "cap_per_cluster_eur": ["Amounts cannot be negative."],
        "concept_phase_max_months": [
            "A phase of at most 0 months allows nothing; leave it empty instead."
        ],
    }


def test_review_weighted_score_uses_the_criteria_weights():
    assignment = ReviewerAssignmentFactory()
    heavy = CriterionFactory(round=assignment.application.round, weight=Decimal(3), max_score=5)
    light = CriterionFactory(round=assignment.application.round, weight=Decimal(1), max_score=5)

    review = services.save_review(assignment, scores={heavy.pk: 5, light.pk: 1}, by=None)

    assert review.weighted_score == Decimal("0.80")
