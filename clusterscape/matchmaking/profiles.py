"""Match profiles: what the score reads of an organisation (or of a visitor who describes
themselves), and the postings the candidates are drawn from."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from clusterscape.registry.models import Competence, Organisation, ProgrammeMembership
from clusterscape.search import analysis
from clusterscape.search.lexicon import current_analyzer

MAX_TERM_POSTINGS = 20  # the strongest terms of a profile are posted; all are scored
INDUSTRY_FIELDS = ("members_sme", "members_large", "members_startup")
RESEARCH_FIELDS = ("members_research", "members_university")


def idf(df: int, total: int) -> float:
    """Inverse document frequency of a term held by df of total profiles."""
    return math.log(1 + (total + 1) / (df + 1))


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
    # Length of the idf-weighted term vector, as of the last indexing (None: not indexed).
    term_norm: float | None = None

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
            "industry": self.industry,
            "research": self.research,
            "management": self.management,
            "staff_fte": self.staff_fte,
            "programmes": sorted(self.programmes),
            "states": sorted(self.states),
            "term_norm": self.term_norm,
        }

    @classmethod
    def from_json(
        cls, organisation_id: int | None, data: dict, words: dict | None = None
    ) -> "Profile":
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
            words=words or {},
            industry=data["industry"],
            research=data["research"],
            management=data["management"],
            staff_fte=data["staff_fte"],
            programmes=frozenset(data["programmes"]),
            states=frozenset(data["states"]),
            term_norm=data.get("term_norm"),
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


TEXT_COLUMNS = ("name", "short_name", "keywords", "description_de", "description_en")
VALUE_COLUMNS = (
    "pk",
    "country_id",
    "kind",
    "management_organisation",
    "management_staff_fte",
    *TEXT_COLUMNS,
    *INDUSTRY_FIELDS,
    *RESEARCH_FIELDS,
)


def _known_sum(values: list[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _grouped(rows) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for organisation_id, *rest in rows:
        found[organisation_id].append(rest[0] if len(rest) == 1 else tuple(rest))
    return found


def organisation_profiles(ids: list[int]) -> list[Profile]:
    """The profiles of the published organisations among `ids`, with a fixed number of
    queries of plain values (no model instances: a rebuild reads 20,000 of them)."""
    organisations = list(
        Organisation.objects.filter(pk__in=ids, status=Organisation.Status.PUBLISHED)
        .order_by("pk")
        .values(*VALUE_COLUMNS)
    )
    ids = [row["pk"] for row in organisations]
    if not ids:
        return []
    fields = _grouped(
        Organisation.fields.through.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "field__slug", "field__parent__slug"
        )
    )
    competences = _grouped(
        Competence.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "direction", "field__slug", "capability__slug"
        )
    )
    targets = _grouped(
        Organisation.target_countries.through.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "country_id"
        )
    )
    partners = _grouped(
        Organisation.partner_countries.through.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "country_id"
        )
    )
    states = _grouped(
        Organisation.states.through.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "state_id"
        )
    )
    programmes = _grouped(
        ProgrammeMembership.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "programme__slug"
        )
    )
    profiles = []
    for row in organisations:
        pk = row["pk"]
        offers, seeks = set(), set()
        for direction, field_slug, capability in competences.get(pk, []):
            pair = (field_slug or "", capability or "")
            (offers if direction == Competence.Direction.OFFERS else seeks).add(pair)
        own_fields = fields.get(pk, [])
        terms, words = text_terms(
            [
                row[name].replace(";", " ") if name == "keywords" else row[name]
                for name in TEXT_COLUMNS
            ]
        )
        staff = row["management_staff_fte"]
        profiles.append(
            Profile(
                organisation_id=pk,
                country=row["country_id"],
                kind=row["kind"],
                fields=frozenset(slug for slug, _parent in own_fields),
                areas=frozenset(parent or slug for slug, parent in own_fields),
                offers=frozenset(offers),
                seeks=frozenset(seeks),
                target_countries=frozenset(targets.get(pk, [])),
                partner_countries=frozenset(partners.get(pk, [])),
                terms=terms,
                words=words,
                industry=_known_sum([row[name] for name in INDUSTRY_FIELDS]),
                research=_known_sum([row[name] for name in RESEARCH_FIELDS]),
                management=row["management_organisation"],
                staff_fte=float(staff) if staff is not None else None,
                programmes=frozenset(programmes.get(pk, [])),
                states=frozenset(states.get(pk, [])),
            )
        )
    return profiles
