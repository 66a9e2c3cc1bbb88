import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.tests.factories import MembershipFactory, UserFactory, sign_in_staff
from clusterscape.funding import access
from clusterscape.funding.models import (
    Application,
    ExchangeAttachment,
    ExchangePost,
    Grant,
    Partnership,
)

from .factories import (
    ApplicationFactory,
    CriterionFactory,
    DatedGrantFactory,
    FundingProgrammeFactory,
    GrantFactory,
    OfficerFactory,
    PartnershipFactory,
    ReviewerAssignmentFactory,
    ReviewerFactory,
    RoundFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def manager_of(organisation):
    return MembershipFactory(organisation=organisation).user


# -- permissions -----------------------------------------------------------------------------


def test_visible_applications_per_role():
    own = ApplicationFactory()
    assigned = ReviewerAssignmentFactory()
    other = ApplicationFactory()
    manager = manager_of(own.organisation)

    assert list(access.visible_applications(manager)) == [own]
    assert list(access.visible_applications(assigned.reviewer)) == [assigned.application]
    assert set(access.visible_applications(OfficerFactory())) == {
        own,
        assigned.application,
        other,
    }
    assert list(access.visible_applications(UserFactory())) == []


def test_anonymous_visitors_are_sent_to_sign_in(client):
    application = ApplicationFactory()

    response = client.get(f"/en/funding/work/applications/{application.pk}/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/en/")
    assert "next=" in response.headers["Location"]


def test_reviewer_cannot_open_an_unassigned_application(client):
    reviewer = ReviewerFactory()
    application = ApplicationFactory(status=Application.Status.IN_REVIEW)
    sign_in_staff(client, reviewer)

    assert client.get(f"/en/funding/work/applications/{application.pk}/").status_code == 403
    assert client.get(f"/en/funding/work/applications/{application.pk}/review/").status_code == 403


def test_manager_cannot_touch_another_clusters_application(client):
    application = ApplicationFactory()
    sign_in_staff(client, manager_of(ApplicationFactory().organisation))

    assert client.get(f"/en/funding/work/applications/{application.pk}/").status_code == 403
    edit = client.post(
        f"/en/funding/work/applications/{application.pk}/edit/", {"concept_summary": "Mine"}
    )
    submit = client.post(f"/en/funding/work/applications/{application.pk}/submit/")

    assert (edit.status_code, submit.status_code) == (403, 403)
    application.refresh_from_db()
    assert (application.concept_summary, application.status) == (
        "Partner regions with complementary competences in lightweight design.",
        Application.Status.DRAFT,
    )


def test_manager_cannot_decide_or_edit_another_grant(client):
    grant = GrantFactory()
    sign_in_staff(client, manager_of(GrantFactory().application.organisation))

    assert client.get(f"/en/funding/work/grants/{grant.pk}/").status_code == 403
    decide = client.post(
        f"/en/funding/work/applications/{grant.application.pk}/decide/",
        {"decision": "reject", "decision_reason": "x"},
    )
    assert decide.status_code == 403


# -- applications ----------------------------------------------------------------------------


def test_manager_writes_a_draft_and_submits_it(client):
    round = RoundFactory(call_closes=datetime.date.today() + datetime.timedelta(days=10))
    organisation = ApplicationFactory().organisation
    manager = manager_of(organisation)
    other_round_application = Application.objects.get()
    other_round_application.delete()
    sign_in_staff(client, manager)

    response = client.post(
        f"/en/funding/work/rounds/{round.pk}/apply/",
        {
            "organisation": organisation.pk,
            "concept_summary": "Lightweight design with Canada",
            "partner_countries": ["CA"],
        },
    )
    application = Application.objects.get()
    submitted = client.post(f"/en/funding/work/applications/{application.pk}/submit/")

    assert response.status_code == 302
    assert submitted.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert [v.comment for v in versions_of(application)] == ["submitted", ""]


def test_application_after_closing_shows_the_error(client):
    round = RoundFactory(call_closes=datetime.date(2015, 3, 1))
    organisation = GrantFactory().application.organisation
    sign_in_staff(client, manager_of(organisation))

    response = client.post(
        f"/en/funding/work/rounds/{round.pk}/apply/",
        {"organisation": organisation.pk, "concept_summary": "Late"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["The call of round 2015 closed on 2015-03-01."]
    }
    assert Application.objects.filter(round=round).count() == 0


@pytest.mark.parametrize("count", [1, 3])
def test_application_list_query_count(client, count, django_assert_max_num_queries):
    officer = OfficerFactory()
    for _ in range(count):
        ApplicationFactory()
    sign_in_staff(client, officer)

    with django_assert_max_num_queries(9):
        response = client.get("/en/funding/work/applications/")

    assert len(response.context["applications"]) == count


# -- review and decision ---------------------------------------------------------------------


def test_officer_assigns_a_reviewer_who_scores_then_the_officer_decides(client):
    application = ApplicationFactory(status=Application.Status.SUBMITTED)
    criterion = CriterionFactory(round=application.round, name_en="Partners")
    reviewer = ReviewerFactory()
    officer = OfficerFactory()

    sign_in_staff(client, officer)
    assigned = client.post(
        f"/en/funding/work/applications/{application.pk}/assign/", {"reviewer": reviewer.pk}
    )
    sign_in_staff(client, reviewer)
    scored = client.post(
        f"/en/funding/work/applications/{application.pk}/review/",
        {f"criterion_{criterion.pk}": "4", "comment": "Good partners"},
    )
    sign_in_staff(client, officer)
    detail = client.get(f"/en/funding/work/applications/{application.pk}/").content.decode()
    decided = client.post(
        f"/en/funding/work/applications/{application.pk}/decide/",
        {"decision": "select", "decision_reason": "Best concept"},
    )

    assert [r.status_code for r in (assigned, scored, decided)] == [302, 302, 302]
    application.refresh_from_db()
    assert (application.status, application.decision_reason, application.decided_by) == (
        Application.Status.SELECTED,
        "Best concept",
        officer,
    )
    assert application.assignments.get().review.scores.get().score == 4
    assert f"{reviewer}: Partners 4 – weighted: 0.80 of the highest score – Good partners" in detail
    assert Grant.objects.filter(application=application).count() == 1


def test_review_out_of_range_shows_the_error_on_the_criterion(client):
    assignment = ReviewerAssignmentFactory()
    criterion = CriterionFactory(round=assignment.application.round, name_en="Partners")
    sign_in_staff(client, assignment.reviewer)

    response = client.post(
        f"/en/funding/work/applications/{assignment.application.pk}/review/",
        {f"criterion_{criterion.pk}": "7"},
    )

    assert response.context["form"].errors == {
        f"criterion_{criterion.pk}": ["The score for “Partners” is 7; it must be between 0 and 5."]
    }
    field = str(response.context["form"][f"criterion_{criterion.pk}"])
    assert 'aria-invalid="true"' in field
    assert f'aria-describedby="id_criterion_{criterion.pk}_errors' in field


# -- grants and partnerships -----------------------------------------------------------------


def test_grant_edit_shows_a_too_long_phase_on_the_field(client):
    grant = DatedGrantFactory()
    sign_in_staff(client, manager_of(grant.application.organisation))

    response = client.post(
        f"/en/funding/work/grants/{grant.pk}/",
        {
            "action": "grant",
            "total_eur": "4000000",
            "concept_start": "2016-01-01",
            "concept_end": "2017-12-31",
            "concept_budget_eur": "1000000",
            "implementation_start": "2018-01-01",
            "implementation_end": "2021-04-30",
            "implementation_budget_eur": "3000000",
        },
    )

    assert response.status_code == 200
    assert response.context["grant_form"].errors == {
        "implementation_end": [
            "The implementation phase is 40 months; the programme allows at most 36."
        ]
    }
    assert Grant.objects.get().implementation_end == datetime.date(2020, 12, 31)


def test_grant_edit_adds_a_milestone(client):
    grant = DatedGrantFactory()
    sign_in_staff(client, OfficerFactory())

    response = client.post(
        f"/en/funding/work/grants/{grant.pk}/",
        {
            "action": "milestone",
            "milestone-kind": "deliverable",
            "milestone-title": "Internationalisation concept",
            "milestone-due_on": "2017-11-30",
            "milestone-status": "planned",
        },
    )

    assert response.status_code == 302
    assert list(grant.milestones.values_list("title", "due_on")) == [
        ("Internationalisation concept", datetime.date(2017, 11, 30))
    ]


def test_partnership_stage_update(client):
    partnership = PartnershipFactory()
    sign_in_staff(client, manager_of(partnership.grant.application.organisation))

    response = client.post(
        f"/en/funding/work/partnerships/{partnership.pk}/stage/",
        {
            f"partnership-{partnership.pk}-stage": "mou",
            f"partnership-{partnership.pk}-on": "2017-05-01",
        },
    )

    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.mou_on) == (
        Partnership.Stage.MOU,
        datetime.date(2017, 5, 1),
    )


# -- exchange --------------------------------------------------------------------------------


def test_exchange_is_for_funded_clusters_and_officers_only(client):
    grant = GrantFactory()
    programme = grant.application.round.programme
    member = MembershipFactory(organisation=grant.application.organisation, role="member").user

    sign_in_staff(client, UserFactory())
    outsider = client.get(f"/en/funding/{programme.slug}/exchange/")
    sign_in_staff(client, member)
    inside = client.get(f"/en/funding/{programme.slug}/exchange/")

    assert (outsider.status_code, inside.status_code) == (403, 200)


def test_exchange_post_comment_attach_and_search(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    grant = GrantFactory()
    slug = grant.application.round.programme.slug
    sign_in_staff(client, manager_of(grant.application.organisation))

    client.post(
        f"/en/funding/{slug}/exchange/",
        {"kind": "lesson", "title": "IPR agreements", "body": "Start early with the lawyers."},
    )
    post = ExchangePost.objects.get()
    client.post(
        f"/en/funding/{slug}/exchange/{post.pk}/",
        {"action": "comment", "body": "Our template helped in Canada."},
    )
    client.post(
        f"/en/funding/{slug}/exchange/{post.pk}/",
        {
            "action": "attach",
            "title": "Template",
            "file": SimpleUploadedFile("template.pdf", b"%PDF-1.4 x"),
        },
    )
    rejected = client.post(
        f"/en/funding/{slug}/exchange/{post.pk}/",
        {"action": "attach", "file": SimpleUploadedFile("run.exe", b"MZ")},
    )
    found = client.get(f"/en/funding/{slug}/exchange/?q=canada")
    missing = client.get(f"/en/funding/{slug}/exchange/?q=brazil")

    assert list(post.comments.values_list("body", flat=True)) == ["Our template helped in Canada."]
    assert list(ExchangeAttachment.objects.values_list("title", "content_type")) == [
        ("Template", "application/pdf")
    ]
    assert list(rejected.context["attachment_form"].errors) == ["file"]
    assert [p.title for p in found.context["posts"]] == ["IPR agreements"]
    assert list(missing.context["posts"]) == []
    download = client.get(
        f"/en/funding/{slug}/exchange/files/{ExchangeAttachment.objects.get().pk}/"
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4 x"


@pytest.mark.parametrize("count", [1, 3])
def test_exchange_list_query_count(client, count, django_assert_max_num_queries):
    programme = FundingProgrammeFactory()
    officer = OfficerFactory()
    for index in range(count):
        ExchangePost.objects.create(
            programme=programme, author=officer, title=f"Post {index}", body="Text"
        )
    sign_in_staff(client, officer)

    with django_assert_max_num_queries(6):
        response = client.get(f"/en/funding/{programme.slug}/exchange/")

    assert len(response.context["posts"]) == count


def test_working_pages_render_for_their_users(client):
    grant = DatedGrantFactory()
    PartnershipFactory(grant=grant)
    application = grant.application
    assignment = ReviewerAssignmentFactory()
    CriterionFactory(round=assignment.application.round)
    officer = OfficerFactory()
    slug = application.round.programme.slug

    sign_in_staff(client, officer)
    officer_pages = [
        "/en/funding/work/applications/",
        f"/en/funding/work/applications/{assignment.application.pk}/",
        f"/en/funding/work/applications/{application.pk}/",
        f"/en/funding/work/rounds/{application.round.pk}/dashboard/",
        f"/en/funding/work/grants/{grant.pk}/",
        f"/en/funding/{slug}/exchange/",
    ]
    officer_status = [client.get(url).status_code for url in officer_pages]
    sign_in_staff(client, assignment.reviewer)
    review = client.get(f"/en/funding/work/applications/{assignment.application.pk}/review/")
    sign_in_staff(client, manager_of(application.organisation))
    apply = client.get(f"/en/funding/work/rounds/{application.round.pk}/apply/")
    dashboard = client.get(f"/en/funding/work/rounds/{application.round.pk}/dashboard/")

    assert officer_status == [200] * 6
    assert (review.status_code, apply.status_code, dashboard.status_code) == (200, 200, 403)
