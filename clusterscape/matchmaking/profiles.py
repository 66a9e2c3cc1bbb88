"""Match profiles: what the score reads of an organisation (or of a visitor who describes
themselves), and the postings the candidates are drawn from."""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from clusterscape.registry.models import Competence, Organisation
from clusterscape.search import analysis
from clusterscape.search.lexicon import current_analyzer

MAX_TERM_POSTINGS = 40  # the strongest terms of a profile are posted; all are scored
INDUSTRY_FIELDS = ("members_sme", "members_large", "members_startup")
RESEARCH_FIELDS = ("members_research", "members_university")


@dataclass
class Profile:
    """One side of a match. Competences are (field slug or "", capability slug or "")."""

    organisation_id: int | None = None
    country: str = ""
    kind: str = ""
    fields: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    offers: frozenset[tuple[str, str]] = frozenset()
    seeks: frozenset[tuple[str, str]] = frozenset()
    target_countries: frozenset[str] = frozenset()
    partner_countries: frozenset[str] = frozenset()
    terms: dict[str, float] = field(default_factory=dict)  # term → 1 + log(tf)
    words: dict[str, str] = field(default_factory=dict)  # term → a word that made it
    industry: int | None = None
    research: int | None = None
    management: str = ""
    staff_fte: float | None = None
    programmes: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()

    @property
    def norm(self) -> float:
        return math.sqrt(sum(w * w for w in self.terms.values()))

    def to_json(self) -> dict:
        return {
            "country": self.country,
            "kind": self.kind,
            "fields": sorted(self.fields),
            "areas": sorted(self.areas),
            "offers": sorted(f"{f}:{c}" for f, c in self.offers),
            "seeks": sorted(f"{f}:{c}" for f, c in self.seeks),
            "target_countries": sorted(self.target_countries),
            "partner_countries": sorted(self.partner_countries),
            "terms": self.terms,
            "words": self.words,
            "industry": self.industry,
            "research": self.research,
            "management": self.management,
            "staff_fte": self.staff_fte,
            "programmes": sorted(self.programmes),
            "states": sorted(self.states),
        }

    @classmethod
    def from_json(cls, organisation_id: int | None, data: dict) -> "Profile":
        return cls(
            organisation_id=organisation_id,
            country=data["country"],
            kind=data["kind"],
            fields=frozenset(data["fields"]),
            areas=frozenset(data["areas"]),
            offers=frozenset(tuple(item.split(":", 1)) for item in data["offers"]),
            seeks=frozenset(tuple(item.split(":", 1)) for item in data["seeks"]),
            target_countries=frozenset(data["target_countries"]),
            partner_countries=frozenset(data["partner_countries"]),
            terms=data["terms"],
            words=data["words"],
            industry=data["industry"],
            research=data["research"],
            management=data["management"],
            staff_fte=data["staff_fte"],
            programmes=frozenset(data["programmes"]),
            states=frozenset(data["states"]),
        )

    def postings(self) -> list[tuple[str, float]]:
        """The keys this profile is found by, with their weights."""
        keys: dict[str, float] = {}
        keys.update({f"f:{slug}": 1.0 for slug in self.fields})
        keys.update({f"a:{slug}": 1.0 for slug in self.areas})
        for prefix, competences in (("o", self.offers), ("s", self.seeks)):
            for field_slug, capability in competences:
                keys[f"{prefix}:{field_slug}:{capability}"] = 1.0
                if field_slug:
                    keys[f"{prefix}f:{field_slug}"] = 1.0
                if capability:
                    keys[f"{prefix}c:{capability}"] = 1.0
        strongest = sorted(self.terms.items(), key=lambda item: (-item[1], item[0]))
        keys.update({f"t:{term}": weight for term, weight in strongest[:MAX_TERM_POSTINGS]})
        keys[f"c:{self.country}"] = 1.0
        keys.update({f"tc:{code}": 1.0 for code in self.target_countries})
        keys.update({f"pc:{code}": 1.0 for code in self.partner_countries})
        keys.update({f"st:{code}": 1.0 for code in self.states})
        keys.update({f"p:{slug}": 1.0 for slug in self.programmes})
        return [(key[:120], weight) for key, weight in keys.items()]

    @property
    def is_empty(self) -> bool:
        """Nothing thematic to match on: no fields, competences or words."""
        return not (self.fields or self.offers or self.seeks or self.terms)


def text_terms(texts: Iterable[str]) -> tuple[dict[str, float], dict[str, str]]:
    """Term weights (1 + log tf) and a surface word per term, as the search analysis makes
    them (German and English stems, folding, compound parts)."""
    analyzer = current_analyzer()
    counts: Counter[str] = Counter()
    words: dict[str, str] = {}
    for text in texts:
        for word in analysis.words(text):
            if not analysis.is_indexed_word(word) or word.isdigit() or len(word) < 3:
                continue
            for term in analyzer.word_terms(word):
                counts[term] += 1
                words.setdefault(term, word)
    weights = {term: round(1 + math.log(count), 4) for term, count in counts.items()}
    return weights, {term: words[term] for term in weights}


def member_sum(organisation: Organisation, names: tuple[str, ...]) -> int | None:
    values = [getattr(organisation, name) for name in names]
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def organisation_profile(organisation: Organisation) -> Profile:
    """The profile of an organisation (relations prefetched, see index.organisations_for_match)."""
    fields = list(organisation.fields.all())
    offers, seeks = set(), set()
    for competence in organisation.competences.all():
        pair = (
            competence.field.slug if competence.field else "",
            competence.capability.slug if competence.capability else "",
        )
        (offers if competence.direction == Competence.Direction.OFFERS else seeks).add(pair)
    terms, words = text_terms(
        [
            organisation.name,
            organisation.short_name,
            organisation.keywords.replace(";", " "),
            organisation.description_de,
            organisation.description_en,
        ]
    )
    staff = organisation.management_staff_fte
    return Profile(
        organisation_id=organisation.pk,
        country=organisation.country_id,
        kind=organisation.kind,
        fields=frozenset(f.slug for f in fields),
        areas=frozenset(f.parent.slug if f.parent else f.slug for f in fields),
        offers=frozenset(offers),
        seeks=frozenset(seeks),
        target_countries=frozenset(c.code for c in organisation.target_countries.all()),
        partner_countries=frozenset(c.code for c in organisation.partner_countries.all()),
        terms=terms,
        words=words,
        industry=member_sum(organisation, INDUSTRY_FIELDS),
        research=member_sum(organisation, RESEARCH_FIELDS),
        management=organisation.management_organisation,
        staff_fte=float(staff) if staff is not None else None,
        programmes=frozenset(m.programme.slug for m in organisation.memberships.all()),
        states=frozenset(s.code for s in organisation.states.all()),
    )
