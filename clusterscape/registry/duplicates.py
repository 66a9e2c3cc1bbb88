"""Finding likely duplicate organisations: similar names across languages, the same website
domain, the same short name in the same city. Candidates come from blocking keys (domain,
short name, rare name words), never from comparing every pair."""

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from urllib.parse import urlsplit

from .models import Organisation

# Words that say what an organisation is rather than which one it is.
GENERIC_WORDS = frozenset(
    (
        "cluster clusters netzwerk network networks initiative verein ev e v gmbh ag the der "
        "die das und and for fur of in des de la le du et region innovation innovations forum "
        "platform plattform landesinitiative kompetenznetz kompetenzzentrum association"
    ).split()
)
BLOCK_WORD_MAX_SHARE = 0.02  # a word in more than 2% of names is too common to block on
SCORE_THRESHOLD = 0.5


@dataclass(frozen=True)
class DuplicateCandidate:
    first: Organisation
    second: Organisation
    score: float
    reasons: tuple[str, ...] = field(default=())


def fold(text: str) -> str:
    text = text.lower().replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def name_words(name: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", fold(name)) if w not in GENERIC_WORDS]


def website_domain(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


@dataclass
class Corpus:
    """How common each name word and website domain is among the organisations compared."""

    size: int
    word_counts: dict[str, int]
    domain_counts: dict[str, int]

    @classmethod
    def of(cls, organisations: list[Organisation]) -> "Corpus":
        words: dict[str, int] = defaultdict(int)
        domains: dict[str, int] = defaultdict(int)
        for organisation in organisations:
            for word in set(name_words(organisation.name)):
                words[word] += 1
            if domain := website_domain(organisation.website):
                domains[domain] += 1
        return cls(len(organisations), words, domains)

    def weight(self, word: str) -> float:
        return math.log((self.size + 1) / self.word_counts.get(word, 1))


def name_similarity(first: Organisation, second: Organisation, corpus: Corpus) -> float:
    """How much the names' distinctive words agree, weighted by rarity. When one name holds
    all the other's words ("Cluster X" and "Cluster X (Cluster-Offensive Bayern)") that is
    strong evidence; when each has a word of its own ("IT-Cluster (Upper Austria)" and
    "Automobil-Cluster (Upper Austria)") the shared rest says little."""
    left, right = set(name_words(first.name)), set(name_words(second.name))
    if not left or not right:
        return 0.0
    shared = sum(corpus.weight(w) for w in left & right)
    if left - right and right - left:
        total = sum(corpus.weight(w) for w in left | right)
        return (shared / total) ** 2 if total else 0.0
    smaller = min(sum(corpus.weight(w) for w in left), sum(corpus.weight(w) for w in right))
    return shared / smaller if smaller else 0.0


def score_pair(first: Organisation, second: Organisation, corpus: Corpus) -> DuplicateCandidate:
    score = 0.0
    reasons = []
    similarity = name_similarity(first, second, corpus)
    if similarity >= 0.5:
        score += similarity * 0.6
        reasons.append(f"similar names ({similarity:.2f})")
    domain = website_domain(first.website)
    if domain and domain == website_domain(second.website):
        # an umbrella domain shared by several organisations says little
        shared_by_two = corpus.domain_counts.get(domain, 0) <= 2
        score += 0.5 if shared_by_two else 0.1
        reasons.append(f"same website domain {domain}")
    if first.short_name and fold(first.short_name) == fold(second.short_name):
        same_city = bool(first.city) and fold(first.city) == fold(second.city)
        score += 0.4 if same_city else 0.2
        reasons.append("same short name and city" if same_city else "same short name")
    if first.country_id != second.country_id:
        score -= 0.2
    first_states = {state.pk for state in first.states.all()}
    second_states = {state.pk for state in second.states.all()}
    if first_states and second_states and not first_states & second_states:
        score -= 0.3
        reasons.append("in different states")
    return DuplicateCandidate(first, second, round(max(0.0, min(score, 1.0)), 2), tuple(reasons))


def blocking_keys(organisation: Organisation, common: set[str]) -> set[str]:
    keys = set()
    if domain := website_domain(organisation.website):
        keys.add(f"domain:{domain}")
    if organisation.short_name:
        keys.add(f"short:{fold(organisation.short_name)}")
    for word in name_words(organisation.name):
        if len(word) >= 4 and word not in common:
            keys.add(f"word:{word}")
    return keys


def find_duplicates(
    organisations: Iterable[Organisation], *, threshold: float = SCORE_THRESHOLD
) -> list[DuplicateCandidate]:
    """Likely duplicates among the organisations, best first."""
    organisations = list(organisations)
    corpus = Corpus.of(organisations)
    limit = max(2, int(len(organisations) * BLOCK_WORD_MAX_SHARE))
    common = {word for word, count in corpus.word_counts.items() if count > limit}

    blocks: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in organisations:
        for key in blocking_keys(organisation, common):
            blocks[key].append(organisation)
    seen: set[tuple[int, int]] = set()
    candidates = []
    for members in blocks.values():
        for first, second in combinations(sorted(members, key=lambda o: o.pk), 2):
            if (first.pk, second.pk) in seen:
                continue
            seen.add((first.pk, second.pk))
            candidate = score_pair(first, second, corpus)
            if candidate.score >= threshold:
                candidates.append(candidate)
    return sorted(candidates, key=lambda c: (-c.score, c.first.name, c.second.name))
