"""Helpers for the curated labels that carry one column per language (name_de, name_en)."""

from django.utils.translation import get_language

FALLBACK_LANGUAGE = "en"


def current_language() -> str:
    return (get_language() or FALLBACK_LANGUAGE).split("-")[0]


def localized(obj: object, attribute: str, language: str | None = None) -> str:
    """Return obj.<attribute>_<language>, falling back to the other language when empty."""
    language = language or current_language()
    value = getattr(obj, f"{attribute}_{language}", "")
    if value:
        return value
    for other in ("en", "de"):
        value = getattr(obj, f"{attribute}_{other}", "")
        if value:
            return value
    return ""


class LocalizedNameMixin:
    """For models with name_de and name_en: `.name` is the label in the active language."""

    @property
    def name(self) -> str:
        return localized(self, "name")
