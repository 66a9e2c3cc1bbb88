"""Matchmaking on other apps' pages: `{% load matchmaking %}{% organisation_requests o %}`
lists an organisation's open partner requests on its profile (with a link to publish one
for its managers); `{% publish_request_link o %}` and `{% my_requests_link %}` are the
links of the user's area."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from clusterscape.accounts.permissions import can_manage_organisation
from clusterscape.registry.models import Organisation

from ..requests import open_partner_requests

register = template.Library()


@register.inclusion_tag("matchmaking/partials/organisation_requests.html", takes_context=True)
def organisation_requests(context: template.Context, organisation: Organisation) -> dict:
    user = context.get("user")
    return {
        "organisation": organisation,
        "can_publish": user is not None and can_manage_organisation(user, organisation),
        "partner_requests": list(
            open_partner_requests().filter(organisation=organisation).order_by("deadline", "pk")
        ),
    }


@register.simple_tag
def publish_request_link(organisation: Organisation) -> SafeString:
    return format_html(
        '<a href="{}">{}</a>',
        reverse("matchmaking:request-create", args=[organisation.slug]),
        _("Publish a partner request"),
    )


@register.simple_tag
def my_requests_link() -> SafeString:
    return format_html(
        '<a href="{}">{}</a>', reverse("matchmaking:my-requests"), _("Your partner requests")
    )
