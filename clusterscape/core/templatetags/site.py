import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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


JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value: dict) -> str:
    """A schema.org JSON-LD block, escaped like json_script so text can't close the tag."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    request: HttpRequest | None = context.get("request")
    return request.build_absolute_uri(path) if request else path
