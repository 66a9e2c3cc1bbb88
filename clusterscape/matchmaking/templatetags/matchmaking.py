"""Matchmaking on other apps' pages: `{% load matchmaking %}{% organisation_requests o %}`
lists an organisation's open partner requests on its profile."""

from django import template

from clusterscape.registry.models import Organisation

from ..requests import open_partner_requests

register = template.Library()


@register.inclusion_tag("matchmaking/partials/organisation_requests.html")
def organisation_requests(organisation: Organisation) -> dict:
    return {
        "organisation": organisation,
        "partner_requests": list(
            open_partner_requests().filter(organisation=organisation).order_by("deadline", "pk")
        ),
    }
