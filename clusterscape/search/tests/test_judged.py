import io

import pytest
from django.core.management import call_command
from django.db import connection

from clusterscape.search.evaluation import evaluate, read_judgements

from .factories import indexed_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MIN_MRR = 0.9
MIN_RECALL = 0.9


def test_judged_queries_meet_the_quality_floor_on_this_backend():
    call_command("load_shipped_data", stdout=io.StringIO(), stderr=io.StringIO())
    judgements = read_judgements()

    evaluation = evaluate(judgements)

    misses = [
        (o.judgement.query, o.found[:3]) for o in evaluation.outcomes if o.reciprocal_rank < 1
    ]
    assert len(judgements) >= 40
    assert evaluation.mrr >= MIN_MRR, (connection.vendor, misses)
    assert evaluation.recall_at_10 >= MIN_RECALL, (connection.vendor, misses)


def test_evaluate_search_command_prints_mrr_and_recall(tmp_path):
    indexed_organisation(slug="biorn", name="Biotechnologie Rhein-Neckar", short_name="BioRN")
    indexed_organisation(slug="m4", name="Münchner Biotech Cluster m4")
    judged = tmp_path / "judged.csv"
    judged.write_text("query,expected,note\nBioRN,biorn,\nBiotech Cluster,m4;not-in-the-index,\n")
    stdout = io.StringIO()

    call_command("evaluate_search", judged=judged, stdout=stdout)

    assert stdout.getvalue() == (
        f"backend {connection.vendor}: 2 queries, MRR 1.000, recall@10 0.750\n"
    )
