"""A participant's brokerage agenda as a PDF of text (not an image): day, time in the
event's time zone, table or room, partner organisation and country, in the active language.

fpdf2 writes the PDF. The text is set in DejaVu Sans, from Debian's fonts-dejavu-core
(nothing is downloaded at run time), which covers umlauts and the Latin, Greek and Cyrillic
scripts of partner names. Without that package the PDF falls back to the PDF core font
Helvetica, which covers Western European letters (umlauts among them) only; other letters
then print as "?".
"""

import logging
from pathlib import Path

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from .brokerage_agenda import AgendaEntry
from .brokerage_models import Participant

logger = logging.getLogger(__name__)

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def _fonts() -> dict[str, Path] | None:
    for folder in FONT_DIRS:
        found = {style: folder / name for style, name in FONT_FILES.items()}
        if all(path.is_file() for path in found.values()):
            return found
    return None


class _AgendaPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(size=8)
        self.cell(0, 10, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def agenda_pdf(participant: Participant, entries: list[AgendaEntry]) -> bytes:
    """The agenda's PDF in the active language."""
    brokerage = participant.brokerage
    event = brokerage.event
    pdf = _AgendaPDF(orientation="portrait", unit="mm", format="A4")
    fonts = _fonts()
    if fonts:
        for style, path in fonts.items():
            pdf.add_font("DejaVu", style, str(path))
        family = "DejaVu"
    else:
        logger.warning("fonts-dejavu not found: the agenda PDF uses Helvetica (Latin-1 only)")
        family = "Helvetica"

    def text(value: str) -> str:
        if fonts:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    title = _("Agenda: %(event)s") % {"event": event.title}
    pdf.set_title(text(title))
    pdf.set_author("clusterscape")
    pdf.set_subject(text(participant.organisation.display_name))
    pdf.set_lang(get_language() or "en")
    pdf.footer_text = text(f"{event.title} – {participant.organisation.display_name}")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()

    pdf.set_font(family, "B", 16)
    pdf.multi_cell(0, 8, text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, 6, text(participant.organisation.display_name), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(
        0,
        6,
        text(_("Times in %(zone)s") % {"zone": brokerage.time_zone}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    if not entries:
        pdf.multi_cell(0, 6, text(_("No meetings booked yet.")), new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())

    pdf.set_font(family, "", 10)
    headings = (_("Day"), _("Time"), _("Table or room"), _("Partner"), _("Country"))
    with pdf.table(
        col_widths=(36, 26, 30, 56, 32),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=6,
        text_align="LEFT",
    ) as table:
        row = table.row()
        for heading in headings:
            row.cell(text(heading))
        for entry in entries:
            organisation = entry.partner.organisation
            country = organisation.country.name if organisation.country_id else ""
            row = table.row()
            row.cell(text(formats.date_format(entry.starts.date(), "DATE_FORMAT")))
            row.cell(
                f"{formats.time_format(entry.starts, 'H:i')}–"
                f"{formats.time_format(entry.ends, 'H:i')}"
            )
            row.cell(str(entry.table))
            row.cell(text(organisation.display_name))
            row.cell(text(country))
    return bytes(pdf.output())
