"""Measuring search quality on a judged set of queries (judged_queries.csv).

Each row holds a query and the slugs a person would want for it, the best first; MRR is
the mean over queries of 1 / rank of the first expected slug among the hits (0 when it is
not in the first 10); recall@10 the mean share of expected slugs in the first 10 hits, out
of at most 10. Queries for a field or a place expect every organisation of that field or
place in the shipped data.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from . import queries

JUDGED_QUERIES = Path(__file__).resolve().parent / "judged_queries.csv"
CUTOFF = 10


@dataclass(frozen=True)
class Judgement:
    query: str
    expected: tuple[str, ...]
    note: str = ""


@dataclass
class QueryOutcome:
    judgement: Judgement
    found: list[str]

    @property
    def reciprocal_rank(self) -> float:
        for rank, slug in enumerate(self.found[:CUTOFF], start=1):
            if slug in self.judgement.expected:
                return 1 / rank
        return 0.0

    @property
    def recall(self) -> float:
        """Share of the expected slugs among the first 10 hits, out of as many as fit in
        10 (a query with 14 right answers has full recall when 10 of them fill the page)."""
        top = set(self.found[:CUTOFF])
        found = sum(slug in top for slug in self.judgement.expected)
        return found / min(CUTOFF, len(self.judgement.expected))


@dataclass
class Evaluation:
    outcomes: list[QueryOutcome] = field(default_factory=list)

    @property
    def mrr(self) -> float:
        return sum(o.reciprocal_rank for o in self.outcomes) / len(self.outcomes)

    @property
    def recall_at_10(self) -> float:
        return sum(o.recall for o in self.outcomes) / len(self.outcomes)


def read_judgements(path: Path = JUDGED_QUERIES) -> list[Judgement]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            Judgement(
                query=row["query"],
                expected=tuple(s.strip() for s in row["expected"].split(";") if s.strip()),
                note=row.get("note", ""),
            )
            for row in csv.DictReader(stream)
            if row["query"].strip()
        ]


def evaluate(judgements: list[Judgement]) -> Evaluation:
    evaluation = Evaluation()
    for judgement in judgements:
        results = queries.search(
            queries.SearchParams(q=judgement.query, page_size=CUTOFF, with_facets=False)
        )
        evaluation.outcomes.append(QueryOutcome(judgement, [hit.slug for hit in results.hits]))
    return evaluation
