"""The match score of a candidate B for an organisation A, with its parts and reasons.

    score = 0.40 · thematic + 0.35 · complementarity + 0.25 · fit − competitor penalty

(complementarity counts only when A has competences; without them its weight moves to the
other parts.) Each part lies in [0, 1]:

- **thematic**: shared fields (Dice), fields of the same area (neighbouring fields), and the
  cosine of the idf-weighted term vectors of names, keywords and descriptions;
- **complementarity**: the share of A's needs that B offers and of B's needs that A offers
  (field × capability; a match on the field or the capability alone counts half);
  reciprocity adds a bonus;
- **fit**: B looks for partners in A's country and A in B's (partner countries already
  worked with count half); readiness for equal footing (a management organisation, staff);
  a member mix that adds industry to research or research to industry.

A near-identical competitor (same fields, same offers, nothing the other needs) loses
COMPETITOR_PENALTY. Every recommendation carries structured reasons that `render_reason`
turns into German or English.
"""

import math
from dataclasses import dataclass, field

from .profiles import Profile

WEIGHTS = {"thematic": 0.40, "complementarity": 0.35, "fit": 0.25}
COMPETITOR_PENALTY = 0.15
PARTIAL_COMPETENCE = 0.5
RECIPROCITY_BONUS = 0.25
MIN_STAFF_FTE = 1.0
MIX_RATIO = 2.0  # a side counts as industry- or research-led when it has twice the other


@dataclass(frozen=True)
class Reason:
    """Why a candidate fits (or not): a code, the part it belongs to, and what it names
    (field or area slugs, "field:capability" pairs, country codes or words)."""

    code: str
    part: str
    items: tuple[str, ...] = ()
    value: str = ""


@dataclass
class Match:
    profile: Profile
    score: float
    parts: dict[str, float]
    reasons: list[Reason] = field(default_factory=list)
    penalty: float = 0.0


def dice(left: frozenset, right: frozenset) -> float:
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def cosine(a: Profile, b: Profile, idf: dict[str, float]) -> tuple[float, list[str]]:
    """Cosine of the idf-weighted term vectors; terms unknown to `idf` weigh 1. A profile's
    vector length is the one kept at its indexing where known (so only the shared terms
    need their idf now). Returns the similarity and the shared terms, strongest first."""
    if not a.terms or not b.terms:
        return 0.0, []
    shared = a.terms.keys() & b.terms.keys()
    if not shared:
        return 0.0, []
    get = idf.get
    norm_a = a.term_norm or math.sqrt(sum((w * get(t, 1.0)) ** 2 for t, w in a.terms.items()))
    norm_b = b.term_norm or math.sqrt(sum((w * get(t, 1.0)) ** 2 for t, w in b.terms.items()))
    contributions = {t: a.terms[t] * b.terms[t] * get(t, 1.0) ** 2 for t in shared}
    similarity = sum(contributions.values()) / (norm_a * norm_b)
    return min(1.0, similarity), sorted(shared, key=lambda t: (-contributions[t], t))


def covered(needs: frozenset[tuple[str, str]], offers: frozenset[tuple[str, str]]):
    """How much of the needs the offers cover, and the needs covered fully or in part."""
    if not needs or not offers:
        return 0.0, []
    offer_fields = {f for f, _c in offers if f}
    offer_capabilities = {c for _f, c in offers if c}
    total = 0.0
    matched = []
    for need in sorted(needs):
        need_field, need_capability = need
        if need in offers:
            total += 1.0
            matched.append(need)
        elif (need_field and need_field in offer_fields) or (
            need_capability and need_capability in offer_capabilities
        ):
            total += PARTIAL_COMPETENCE
            matched.append(need)
    return total / len(needs), matched


def pair(item: tuple[str, str]) -> str:
    return f"{item[0]}:{item[1]}"


def score(a: Profile, b: Profile, idf: dict[str, float]) -> Match:
    """The match of B for A (A's point of view: "they" are B)."""
    reasons: list[Reason] = []

    # thematic closeness
    shared_fields = sorted(a.fields & b.fields)
    field_part = dice(a.fields, b.fields)
    neighbour_areas = sorted((a.areas & b.areas) - {*shared_fields})
    area_part = dice(a.areas, b.areas)
    text_part, shared_terms = cosine(a, b, idf)
    thematic = min(1.0, 0.5 * field_part + 0.2 * area_part + 0.3 * text_part)
    if shared_fields:
        reasons.append(Reason("shared_fields", "thematic", tuple(shared_fields)))
    elif neighbour_areas:
        reasons.append(Reason("same_area", "thematic", tuple(neighbour_areas)))
    words = [a.words.get(t) or b.words.get(t) for t in shared_terms[:10]]
    words = list(dict.fromkeys(w for w in words if w))[:5]
    if words and text_part >= 0.05:
        reasons.append(Reason("similar_words", "thematic", tuple(words)))

    # complementarity
    forward, they_offer = covered(a.seeks, b.offers)
    backward, you_offer = covered(b.seeks, a.offers)
    complementarity = (forward + backward) / 2
    if forward and backward:
        complementarity = min(1.0, complementarity + RECIPROCITY_BONUS * min(forward, backward))
        reasons.append(Reason("reciprocal", "complementarity"))
    if they_offer:
        reasons.append(Reason("they_offer", "complementarity", tuple(map(pair, they_offer))))
    if you_offer:
        reasons.append(Reason("you_offer", "complementarity", tuple(map(pair, you_offer))))

    # fit
    targeting = 0.0
    if a.country and a.country in b.target_countries:
        targeting += 0.3
        reasons.append(Reason("they_target_you", "fit", (a.country,)))
    elif a.country and a.country in b.partner_countries:
        targeting += 0.15
        reasons.append(Reason("they_work_with_your_country", "fit", (a.country,)))
    if b.country and b.country in a.target_countries:
        targeting += 0.3
        reasons.append(Reason("you_target_them", "fit", (b.country,)))
    elif b.country and b.country in a.partner_countries:
        targeting += 0.15
        reasons.append(Reason("you_work_with_their_country", "fit", (b.country,)))
    readiness = 0.0
    if b.management:
        readiness += 0.1
        reasons.append(Reason("management", "fit", value=b.management))
    if b.staff_fte is not None and b.staff_fte >= MIN_STAFF_FTE:
        readiness += 0.1
        reasons.append(Reason("staff", "fit", value=f"{b.staff_fte:g}"))
    mix = 0.0
    if led_by(a, "research") and led_by(b, "industry"):
        mix = 0.2
        reasons.append(Reason("adds_industry", "fit"))
    elif led_by(a, "industry") and led_by(b, "research"):
        mix = 0.2
        reasons.append(Reason("adds_research", "fit"))
    fit = min(1.0, targeting + readiness + mix)

    parts = {
        "thematic": round(thematic, 4),
        "complementarity": round(complementarity, 4),
        "fit": round(fit, 4),
    }
    weights = dict(WEIGHTS)
    if not (a.offers or a.seeks):
        moved = weights.pop("complementarity")
        total_left = sum(weights.values())
        weights = {name: w + moved * w / total_left for name, w in weights.items()}
    total = sum(parts[name] * w for name, w in weights.items())

    penalty = 0.0
    if (
        a.offers
        and b.offers
        and not complementarity
        and dice(a.fields, b.fields) >= 0.8
        and dice(a.offers, b.offers) >= 0.8
    ):
        penalty = COMPETITOR_PENALTY
        reasons.append(Reason("competitor", "penalty"))
    return Match(
        profile=b,
        score=round(max(0.0, total - penalty), 4),
        parts=parts,
        reasons=reasons,
        penalty=penalty,
    )


def led_by(profile: Profile, side: str) -> bool:
    """Whether the members are led by industry or by research (twice the other side)."""
    industry, research = profile.industry or 0, profile.research or 0
    if not industry and not research:
        return False
    if side == "industry":
        return industry >= MIX_RATIO * max(research, 1)
    return research >= MIX_RATIO * max(industry, 1)


def hints(a: Profile) -> list[str]:
    """Codes of what A could add to get better recommendations."""
    found = []
    if not a.fields:
        found.append("add_fields")
    if not (a.offers or a.seeks):
        found.append("add_competences")
    if not a.terms:
        found.append("add_description")
    if not a.target_countries:
        found.append("add_target_countries")
    return found
