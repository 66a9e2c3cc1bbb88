"""How well recommendations find known partners: leave-one-out over known partnerships.

For each known pair (A, B), in a transaction that is rolled back afterwards, the pair's
hints are taken away — the partner link itself, and B's country from A's target and
partner countries unless another remaining partner of A is there (and the same for B) —
both profiles are indexed again, and B's rank among A's recommendations is taken (and A's
among B's). Reported: recall@k, MRR and nDCG@k over all these queries (one relevant item
each, so nDCG = 1 / log2(rank + 1) within k).
"""

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from clusterscape.registry.models import Organisation, PartnerLink

from .index import index_match_profile
from .queries import Scope, profile_of, recommend

RANK_LIMIT = 1000


@dataclass
class Evaluation:
    k: int
    scope: str
    ranks: list[int | None] = field(default_factory=list)  # None: not recommended at all
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def queries(self) -> int:
        return len(self.ranks)

    @property
    def recall(self) -> float:
        return self._mean(1.0 if r is not None and r <= self.k else 0.0 for r in self.ranks)

    @property
    def mrr(self) -> float:
        return self._mean(1 / r if r else 0.0 for r in self.ranks)

    @property
    def ndcg(self) -> float:
        return self._mean(
            1 / math.log2(r + 1) if r is not None and r <= self.k else 0.0 for r in self.ranks
        )

    def _mean(self, values) -> float:
        values = list(values)
        return round(sum(values) / len(values), 4) if values else 0.0

    def as_dict(self) -> dict:
        return {
            "pairs_file_queries": self.queries,
            "scope": self.scope,
            f"recall@{self.k}": self.recall,
            "mrr": self.mrr,
            f"ndcg@{self.k}": self.ndcg,
            "not_recommended": sum(1 for r in self.ranks if r is None),
            "skipped_pairs": len(self.skipped),
        }


class _Rollback(Exception):
    pass


def read_pairs(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [
            (row["source_slug"].strip(), row["target_slug"].strip())
            for row in csv.DictReader(stream)
        ]


def _hide_hints(a: Organisation, b: Organisation) -> None:
    """Remove what the known pair itself tells: its links, and each side's country from the
    other's target and partner countries unless another remaining partner is there."""
    PartnerLink.objects.filter(Q(source=a, target=b) | Q(source=b, target=a)).delete()
    for side, other in ((a, b), (b, a)):
        linked = PartnerLink.objects.filter(Q(source=side) | Q(target=side))
        other_partner_countries = {
            country
            for source_country, target_country, source_id in linked.values_list(
                "source__country_id", "target__country_id", "source_id"
            )
            for country in [target_country if source_id == side.pk else source_country]
        }
        if other.country_id not in other_partner_countries:
            side.target_countries.remove(other.country_id)
            side.partner_countries.remove(other.country_id)
        index_match_profile(side)


def _rank(a: Organisation, b: Organisation, scope: str) -> int | None:
    profile = profile_of(a)
    if profile is None:
        return None
    matches = recommend(profile, limit=RANK_LIMIT, scope=scope)
    for position, match in enumerate(matches, start=1):
        if match.profile.organisation_id == b.pk:
            return position
    return None


def evaluate(
    pairs: list[tuple[str, str]], *, k: int = 10, scope: str = Scope.INTERNATIONAL
) -> Evaluation:
    """Rank each side of each known pair for the other, with the pair's hints hidden."""
    result = Evaluation(k=k, scope=scope)
    organisations = Organisation.objects.filter(status=Organisation.Status.PUBLISHED).in_bulk(
        {slug for pair in pairs for slug in pair}, field_name="slug"
    )
    for a_slug, b_slug in pairs:
        a, b = organisations.get(a_slug), organisations.get(b_slug)
        if a is None or b is None or a == b:
            result.skipped.append((a_slug, b_slug))
            continue
        try:
            with transaction.atomic():
                _hide_hints(a, b)
                result.ranks.append(_rank(a, b, scope))
                result.ranks.append(_rank(b, a, scope))
                raise _Rollback
        except _Rollback:
            pass
    return result
