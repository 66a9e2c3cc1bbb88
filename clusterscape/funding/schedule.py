"""The schedule of a programme as a Gantt chart: one layout, drawn as accessible inline SVG
by the template and as PNG or PDF by Pillow (which the project already uses), so the exports
show exactly what the page shows.

Rows are the funded clusters grouped by round; each row has the concept phase (upper bar)
and the implementation phase (lower bar) where their dates are published, milestones as
diamonds, and a vertical line marks today.
"""

import datetime
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from .models import FundingProgramme, Grant

LABEL_WIDTH = 280
CHART_WIDTH = 620
WIDTH = LABEL_WIDTH + CHART_WIDTH + 20
AXIS_HEIGHT = 34
ROUND_HEIGHT = 30
ROW_HEIGHT = 30
BAR_HEIGHT = 9
LABEL_CHARS = 38

COLOURS = {
    "concept": "#2a6f97",
    "implementation": "#e07a1f",
    "milestone": "#1b1b1b",
    "today": "#b00020",
    "grid": "#d0d0d0",
    "text": "#1b1b1b",
    "muted": "#555555",
}


def _n(value: float) -> str:
    """A coordinate for SVG: a decimal point in every locale."""
    return f"{value:.1f}"


@dataclass
class Bar:
    phase: str
    label: str
    start: datetime.date
    end: datetime.date
    x: str
    y: str
    width: str
    height: str = str(BAR_HEIGHT)
    box: tuple[float, float, float, float] = (0, 0, 0, 0)


@dataclass
class MilestoneMark:
    title: str
    due_on: datetime.date
    status: str
    points: str
    centre: tuple[float, float] = (0, 0)


@dataclass
class Row:
    label: str
    full_label: str
    url: str
    grant: Grant
    y: float
    text_y: str
    bars: list[Bar] = field(default_factory=list)
    milestones: list[MilestoneMark] = field(default_factory=list)


@dataclass
class RoundHeading:
    year: int
    text_y: str
    y: float


@dataclass
class Tick:
    year: int
    x: str
    x_value: float


@dataclass
class Layout:
    programme: FundingProgramme
    start: datetime.date
    end: datetime.date
    today: datetime.date
    width: int
    height: int
    headings: list[RoundHeading]
    rows: list[Row]
    ticks: list[Tick]
    today_x: str
    today_x_value: float
    dated: int

    @property
    def grid_bottom(self) -> str:
        return _n(self.height)

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH

    @property
    def chart_right(self) -> int:
        return LABEL_WIDTH + CHART_WIDTH


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "…"


def layout(programme: FundingProgramme, grants: list[Grant], *, today: datetime.date) -> Layout:
    years = [grant.application.round.year for grant in grants] or [today.year]
    starts = [
        day for grant in grants for day in (grant.concept_start, grant.implementation_start) if day
    ]
    ends = [day for grant in grants for day in (grant.concept_end, grant.implementation_end) if day]
    dues = [milestone.due_on for grant in grants for milestone in grant.milestones.all()]
    start = datetime.date(min([*years, *(day.year for day in starts + dues)]), 1, 1)
    end = datetime.date(max([today.year, *(day.year for day in ends + dues)]), 12, 31)
    span = (end - start).days + 1

    def x(day: datetime.date) -> float:
        return LABEL_WIDTH + (day - start).days / span * CHART_WIDTH

    ticks = [
        Tick(year, _n(x(datetime.date(year, 1, 1))), x(datetime.date(year, 1, 1)))
        for year in range(start.year, end.year + 1)
    ]
    headings, rows = [], []
    y = AXIS_HEIGHT
    current_year = None
    dated = 0
    for grant in grants:
        year = grant.application.round.year
        if year != current_year:
            headings.append(RoundHeading(year, _n(y + ROUND_HEIGHT - 9), y))
            y += ROUND_HEIGHT
            current_year = year
        organisation = grant.application.organisation
        row = Row(
            label=_short(organisation.display_name),
            full_label=organisation.display_name,
            url=organisation.get_absolute_url(),
            grant=grant,
            y=y,
            text_y=_n(y + ROW_HEIGHT / 2 + 5),
        )
        phases = (
            ("concept", _("concept phase"), grant.concept_start, grant.concept_end, 4),
            (
                "implementation",
                _("implementation phase"),
                grant.implementation_start,
                grant.implementation_end,
                4 + BAR_HEIGHT + 2,
            ),
        )
        for phase, label, phase_start, phase_end, offset in phases:
            if phase_start is None or phase_end is None:
                continue
            left, right = x(phase_start), x(phase_end + datetime.timedelta(days=1))
            top = y + offset
            row.bars.append(
                Bar(
                    phase=phase,
                    label=label,
                    start=phase_start,
                    end=phase_end,
                    x=_n(left),
                    y=_n(top),
                    width=_n(max(right - left, 1)),
                    box=(left, top, right, top + BAR_HEIGHT),
                )
            )
        if row.bars:
            dated += 1
        for milestone in grant.milestones.all():
            cx, cy = x(milestone.due_on), y + ROW_HEIGHT - 4
            row.milestones.append(
                MilestoneMark(
                    title=milestone.title,
                    due_on=milestone.due_on,
                    status=milestone.get_status_display(),
                    points=" ".join(
                        f"{_n(px)},{_n(py)}"
                        for px, py in ((cx, cy - 5), (cx + 5, cy), (cx, cy + 5), (cx - 5, cy))
                    ),
                    centre=(cx, cy),
                )
            )
        rows.append(row)
        y += ROW_HEIGHT
    return Layout(
        programme=programme,
        start=start,
        end=end,
        today=today,
        width=WIDTH,
        height=int(y + 6),
        headings=headings,
        rows=rows,
        ticks=ticks,
        today_x=_n(x(today)),
        today_x_value=x(today),
        dated=dated,
    )


# -- raster exports --------------------------------------------------------------------------

SCALE = 2


# A font with the German letters and dashes where the system has one (Debian's fonts-dejavu,
# which Chromium for the browser tests brings along); else Pillow's own font.
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "DejaVuSans.ttf",
)


def _font(size: int) -> ImageFont.FreeTypeFont:
    for name in FONT_FILES:
        try:
            return ImageFont.truetype(name, size * SCALE)
        except OSError:
            continue
    return ImageFont.load_default(size=size * SCALE)


def render_image(chart: Layout, *, title: str) -> Image.Image:
    """The chart as a Pillow image (twice the SVG's size, for print)."""
    top = 40
    image = Image.new("RGB", (chart.width * SCALE, (chart.height + top + 30) * SCALE), "white")
    draw = ImageDraw.Draw(image)

    def s(value: float) -> float:
        return value * SCALE

    def sy(value: float) -> float:
        return (value + top) * SCALE

    draw.text((s(8), s(10)), _short_title(title), fill=COLOURS["text"], font=_font(14))
    for tick in chart.ticks:
        draw.line(
            [(s(tick.x_value), sy(0)), (s(tick.x_value), sy(chart.height))],
            fill=COLOURS["grid"],
            width=SCALE,
        )
        draw.text(
            (s(tick.x_value + 3), sy(8)), str(tick.year), fill=COLOURS["muted"], font=_font(11)
        )
    for heading in chart.headings:
        text = _("Round %(year)s") % {"year": heading.year}
        draw.text((s(4), sy(heading.y + 8)), text, fill=COLOURS["text"], font=_font(13))
    for row in chart.rows:
        draw.text((s(12), sy(row.y + 8)), row.label, fill=COLOURS["text"], font=_font(11))
        if not row.bars:
            draw.text(
                (s(LABEL_WIDTH + 6), sy(row.y + 8)),
                _("phase dates not published"),
                fill=COLOURS["muted"],
                font=_font(11),
            )
        for bar in row.bars:
            left, upper, right, lower = bar.box
            draw.rectangle([s(left), sy(upper), s(right), sy(lower)], fill=COLOURS[bar.phase])
        for mark in row.milestones:
            cx, cy = mark.centre
            draw.polygon(
                [
                    (s(cx), sy(cy - 5)),
                    (s(cx + 5), sy(cy)),
                    (s(cx), sy(cy + 5)),
                    (s(cx - 5), sy(cy)),
                ],
                fill=COLOURS["milestone"],
            )
    draw.line(
        [(s(chart.today_x_value), sy(0)), (s(chart.today_x_value), sy(chart.height))],
        fill=COLOURS["today"],
        width=2 * SCALE,
    )
    today_label = _("Today (%(date)s)") % {"date": chart.today.isoformat()}
    label_width = draw.textlength(today_label, font=_font(11))
    label_x = min(s(chart.today_x_value) - label_width / 2, image.width - label_width - s(4))
    draw.text((label_x, sy(chart.height + 6)), today_label, fill=COLOURS["today"], font=_font(11))
    legend_y = chart.height + 6
    draw.rectangle([s(8), sy(legend_y), s(20), sy(legend_y + 9)], fill=COLOURS["concept"])
    draw.text((s(24), sy(legend_y - 2)), _("concept phase"), fill=COLOURS["text"], font=_font(11))
    draw.rectangle([s(130), sy(legend_y), s(142), sy(legend_y + 9)], fill=COLOURS["implementation"])
    draw.text(
        (s(146), sy(legend_y - 2)), _("implementation phase"), fill=COLOURS["text"], font=_font(11)
    )
    return image


def _short_title(title: str, most: int = 110) -> str:
    return title if len(title) <= most else title[: most - 1].rstrip() + "…"


def render_png(chart: Layout, *, title: str) -> bytes:
    buffer = io.BytesIO()
    render_image(chart, title=title).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_pdf(chart: Layout, *, title: str) -> bytes:
    buffer = io.BytesIO()
    render_image(chart, title=title).save(
        buffer, format="PDF", resolution=72.0 * SCALE, title=title
    )
    return buffer.getvalue()
