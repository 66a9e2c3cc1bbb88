from django import template

from clusterscape.accounts import services

register = template.Library()


@register.inclusion_tag("accounts/partials/contact_persons.html")
def contact_persons(organisation) -> dict:
    """The organisation's contact persons who consented to be shown:
    `{% load accounts %}{% contact_persons organisation %}`."""
    return {"contacts": services.public_contact_persons(organisation)}
