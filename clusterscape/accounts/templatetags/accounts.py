from django import template

from clusterscape.accounts import services

register = template.Library()


@register.inclusion_tag("accounts/partials/contact_persons.html")
def contact_persons(organisation) -> dict:
    """The organisation's contact persons who consented to be shown:
    `{% load accounts %}{% contact_persons organisation %}`."""
    return {"contacts": services.public_contact_persons(organisation)}


@register.inclusion_tag("accounts/partials/organisation_links.html", takes_context=True)
def organisation_account_links(context, organisation) -> dict:
    """For a profile page: "Edit profile" and "History" for its managers and editors, "I
    manage this organisation" for other signed-in users, nothing for visitors:
    `{% load accounts %}{% organisation_account_links organisation %}`."""
    from clusterscape.accounts import permissions

    user = context.get("user")
    return {
        "organisation": organisation,
        "signed_in": permissions.is_signed_in(user),
        "manages": permissions.can_manage_organisation(user, organisation),
    }
