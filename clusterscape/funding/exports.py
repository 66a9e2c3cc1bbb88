"""The indicators as tables for CSV and XLSX downloads (the same numbers as the page)."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .queries import Indicators, RoundIndicators


def _money(value, known: int):
    """The sum where at least one amount is published, else empty (not published)."""
    return value if known else ""


def round_table(data: Indicators) -> tuple[list[str], list[list]]:
    headers = [
        _("Round"),
        _("Selected clusters"),
        _("Partnerships"),
        _("Partner countries"),
        _("Joint projects"),
        _("German clusters and networks"),
        _("Partner organisations"),
        _("SMEs in the clusters (where published)"),
        _("Clusters with published SME count"),
        _("German funding, EUR (where published)"),
        _("Grants with published total"),
        _("Partner funding, EUR (where published)"),
        _("Partnerships with published partner funding"),
    ]

    def line(label, row: RoundIndicators) -> list:
        return [
            label,
            row.selected,
            row.partnerships,
            row.partner_countries,
            row.joint_projects,
            row.german_organisations,
            row.partner_organisations,
            row.smes if row.smes_known else "",
            row.smes_known,
            _money(row.german_funding_eur, row.german_funding_known),
            row.german_funding_known,
            _money(row.partner_funding_eur, row.partner_funding_known),
            row.partner_funding_known,
        ]

    rows = [line(str(row.year), row) for row in data.rounds]
    rows.append(line(_("All rounds"), data.total))
    return headers, rows


def stage_table(data: Indicators) -> tuple[list[str], list[list]]:
    return [_("Stage"), _("Partnerships")], [[label, count] for label, count in data.by_stage]


def country_table(data: Indicators) -> tuple[list[str], list[list]]:
    return (
        [_("ISO 3166-1 code"), _("Partner country"), _("Partnerships")],
        [[country.code, country.name, count] for country, count in data.by_country],
    )


def indicators_csv(data: Indicators) -> str:
    """One CSV with the three tables one after the other, each under its own title line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for title, (headers, rows) in (
        (_("Indicators by round"), round_table(data)),
        (_("Partnerships by stage"), stage_table(data)),
        (_("Partnerships by partner country"), country_table(data)),
    ):
        writer.writerow([title])
        writer.writerow(headers)
        writer.writerows(rows)
        writer.writerow([])
    return buffer.getvalue()


def indicators_xlsx(data: Indicators) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (headers, rows) in (
        (_("Rounds"), round_table(data)),
        (_("Stages"), stage_table(data)),
        (_("Countries"), country_table(data)),
    ):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
