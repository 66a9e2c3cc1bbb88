"""Reasons and hints in plain German or English: the structured reasons of scoring.Match,
rendered with the taxonomy's and the countries' names in the active language."""

from dataclasses import dataclass

from django.utils.translation import get_language, gettext, override

from clusterscape.registry.models import Capability, Country, Field

from .scoring import Reason


@dataclass
class Labels:
    """Names of fields, capabilities and countries in German and English."""

    names: dict[tuple[str, str], tuple[str, str]]  # (kind, key) → (German, English)

    @classmethod
    def load(cls) -> "Labels":
        names = {}
        for kind, model, key in (
            ("field", Field, "slug"),
            ("capability", Capability, "slug"),
            ("country", Country, "code"),
        ):
            for code, name_de, name_en in model.objects.values_list(key, "name_de", "name_en"):
                names[(kind, code)] = (name_de, name_en)
        return cls(names)

    def name(self, kind: str, code: str) -> str:
        found = self.names.get((kind, code))
        if found is None:
            return code
        return found[0] if (get_language() or "en").startswith("de") else found[1]

    def competence(self, item: str) -> str:
        field_slug, _sep, capability = item.partition(":")
        parts = [
            self.name("capability", capability) if capability else "",
            self.name("field", field_slug) if field_slug else "",
        ]
        if parts[0] and parts[1]:
            return gettext("%(capability)s in %(field)s") % {
                "capability": parts[0],
                "field": parts[1],
            }
        return parts[0] or parts[1]


def join(items: list[str]) -> str:
    """ "a, b and c" in the active language."""
    if len(items) <= 1:
        return "".join(items)
    conjunction = gettext("and")
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def render_reason(reason: Reason, labels: Labels) -> str:
    """One reason as a sentence part in the active language ("they" is the candidate)."""
    fields = join([labels.name("field", slug) for slug in reason.items])
    competences = join([labels.competence(item) for item in reason.items])
    countries = join([labels.name("country", code) for code in reason.items])
    texts = {
        "shared_fields": lambda: gettext("both work on %(fields)s") % {"fields": fields},
        "same_area": lambda: gettext("neighbouring fields in %(areas)s") % {"areas": fields},
        "similar_words": lambda: (
            gettext("similar topics: %(words)s") % {"words": ", ".join(reason.items)}
        ),
        "reciprocal": lambda: gettext("each side offers what the other seeks"),
        "they_offer": lambda: (
            gettext("they offer %(items)s, which you seek") % {"items": competences}
        ),
        "you_offer": lambda: (
            gettext("you offer %(items)s, which they seek") % {"items": competences}
        ),
        "they_target_you": lambda: (
            gettext("they look for partners in %(countries)s") % {"countries": countries}
        ),
        "they_work_with_your_country": lambda: (
            gettext("they already work with partners in %(countries)s") % {"countries": countries}
        ),
        "you_target_them": lambda: (
            gettext("you look for partners in %(countries)s") % {"countries": countries}
        ),
        "you_work_with_their_country": lambda: (
            gettext("you already work with partners in %(countries)s") % {"countries": countries}
        ),
        "management": lambda: (
            gettext("they have a management organisation (%(name)s)") % {"name": reason.value}
        ),
        "staff": lambda: (
            gettext("their management has %(fte)s full-time staff") % {"fte": reason.value}
        ),
        "adds_industry": lambda: gettext("their members add industry to your research"),
        "adds_research": lambda: gettext("their members add research to your industry"),
        "competitor": lambda: gettext(
            "very similar offer and nothing the other seeks: more competitor than partner"
        ),
    }
    return texts[reason.code]()


def render_reasons(reasons: list[Reason], labels: Labels, language: str | None = None) -> str:
    """All reasons as one sentence ("both work on …; they offer …")."""
    with override(language or get_language()):
        text = "; ".join(render_reason(reason, labels) for reason in reasons)
    return text[:1].upper() + text[1:] if text else ""


def render_hint(code: str) -> str:
    return {
        "add_fields": gettext(
            "Add your fields to the profile: partners from the same and neighbouring fields "
            "are found by them."
        ),
        "add_competences": gettext(
            "Add what you offer and what you seek (field and value-chain step): "
            "complementary partners are found by them."
        ),
        "add_description": gettext(
            "Add a description and keywords: similar topics are found by their words."
        ),
        "add_target_countries": gettext(
            "Add the countries where you look for partners: partners who look for you "
            "there rank higher."
        ),
    }[code]


PART_LABELS = {
    "thematic": lambda: gettext("Thematic closeness"),
    "complementarity": lambda: gettext("Complementarity"),
    "fit": lambda: gettext("Fit"),
}
