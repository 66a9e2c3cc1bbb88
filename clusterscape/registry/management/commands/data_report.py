from django.core.management.base import BaseCommand

from clusterscape.registry import queries


class Command(BaseCommand):
    help = (
        "Print the coverage of the published registry by state, country, kind and programme, "
        "and the organisations that lack a city, website, field, source or coordinates."
    )

    def handle(self, *args, **options) -> None:
        coverage = queries.data_coverage()
        out = self.stdout
        out.write(
            f"Published organisations: {coverage.total} "
            f"({coverage.german} German, {coverage.international} international)"
        )
        sections = (
            ("By German state", [(s.name, n) for s, n in coverage.by_state]),
            ("By country", [(f"{c.name} ({c.code})", n) for c, n in coverage.by_country]),
            ("By kind", [(str(label), n) for label, n in coverage.by_kind]),
            ("By programme", [(p.name, n) for p, n in coverage.by_programme]),
        )
        for title, rows in sections:
            out.write(f"\n{title}")
            width = max((len(label) for label, _n in rows), default=0)
            for label, count in rows:
                out.write(f"  {label.ljust(width)}  {count:>5}")
        gaps = (
            ("city", "without a city"),
            ("website", "without a website"),
            ("field", "without a field"),
            ("source", "without a source"),
            ("coordinates", "without coordinates"),
        )
        for gap, title in gaps:
            out.write(f"\n{coverage.missing[gap]} {title}")
            for slug in queries.organisations_lacking(gap).values_list("slug", flat=True):
                out.write(f"  {slug}")
