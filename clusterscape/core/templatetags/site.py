from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """This page in every language of the site: code, name in that language, URL."""
    request: HttpRequest | None = context.get("request")
    path = request.get_full_path() if request else "/"
    versions = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        versions.append(
            {"code": code, "name": info["name_local"], "url": translate_url(path, code)}
        )
    return versions
