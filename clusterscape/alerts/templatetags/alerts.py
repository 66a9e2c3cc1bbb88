"""Alerts on other apps' pages: `{% load alerts %}{% save_alert_link query_string %}` on the
results of the search page and the directory."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def save_alert_link(context: template.Context, query_string: str) -> SafeString:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    params = [p for p in query_string.split("&") if p and not p.startswith("view=")]
    if match is not None and match.view_name == "registry:directory":
        params.append("from=directory")
    url = reverse("alerts:alert-new") + ("?" + "&".join(params) if params else "")
    return format_html(
        '<p class="save-alert"><a href="{}">{}</a></p>', url, _("Save this search as an alert")
    )


@register.simple_tag
def save_profile_alert_link(query_string: str) -> SafeString:
    """On the match explorer's results for a description of oneself: save it as an alert."""
    params = [p for p in query_string.split("&") if p.startswith("me_") and "=" in p]
    if not any(p.split("=", 1)[1] for p in params):
        return SafeString("")
    return format_html(
        '<p class="save-alert"><a href="{}?{}#profile-alert">{}</a></p>',
        reverse("alerts:alert-list"),
        "&".join(params),
        _("Save this profile as an alert"),
    )


@register.simple_tag
def alerts_link() -> SafeString:
    return format_html('<a href="{}">{}</a>', reverse("alerts:alert-list"), _("Your alerts"))
