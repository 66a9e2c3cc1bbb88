"""Who may do what in the funding app, composed only of the rules in
`clusterscape.accounts.permissions` plus the reviewer assignments of this app.

Programme officers may do everything; reviewers see and score only the applications assigned
to them; cluster managers handle their own organisation's applications and grant; everybody
sees the selected clusters, partnerships, schedule and indicators.
"""

from django.db.models import Q, QuerySet

from clusterscape.accounts import permissions
from clusterscape.accounts.permissions import AnyUser

from .models import Application, ExchangePost, FundingProgramme, Grant, ReviewerAssignment


def can_run_programme(user: AnyUser | None) -> bool:
    return permissions.is_programme_officer(user)


def is_assigned(user: AnyUser | None, application: Application) -> bool:
    return permissions.is_reviewer(user) and (
        ReviewerAssignment.objects.filter(application=application, reviewer=user).exists()
    )


def can_view_application(user: AnyUser | None, application: Application) -> bool:
    return (
        can_run_programme(user)
        or is_assigned(user, application)
        or permissions.can_manage_organisation(user, application.organisation)
    )


def can_edit_application(user: AnyUser | None, application: Application) -> bool:
    """The applicant's managers while it is a draft; officers always."""
    if can_run_programme(user):
        return True
    return application.status == Application.Status.DRAFT and (
        permissions.can_manage_organisation(user, application.organisation)
    )


def can_review(user: AnyUser | None, application: Application) -> bool:
    return is_assigned(user, application) and not application.is_decided


def can_edit_grant(user: AnyUser | None, grant: Grant) -> bool:
    return can_run_programme(user) or permissions.can_manage_organisation(
        user, grant.application.organisation
    )


def visible_applications(user: AnyUser | None) -> QuerySet[Application]:
    """The applications the user may open."""
    applications = Application.objects.all()
    if can_run_programme(user):
        return applications
    if not permissions.is_signed_in(user):
        return applications.none()
    condition = Q(organisation__in=permissions.managed_organisations(user))
    if permissions.is_reviewer(user):
        condition |= Q(assignments__reviewer=user)
    return applications.filter(condition).distinct()


def can_use_exchange(user: AnyUser | None, programme: FundingProgramme) -> bool:
    """Officers and the people of the clusters funded in the programme."""
    if can_run_programme(user):
        return True
    return Grant.objects.filter(
        application__round__programme=programme,
        application__organisation__in=permissions.member_organisations(user),
    ).exists()


def can_edit_post(user: AnyUser | None, post: ExchangePost) -> bool:
    return can_run_programme(user) or (permissions.is_signed_in(user) and post.author_id == user.pk)
