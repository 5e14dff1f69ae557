"""Bar charts as server-rendered SVG, for the registry's statistics: no chart library, no script.

Each chart is drawn from the same rows as the table printed beside it (screen readers and print read the
table; the chart is ``aria-hidden``). Labels are the page's text, escaped; numbers are the page's digits.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join

WIDTH = 480
LABEL_WIDTH = 190
BAR_HEIGHT = 18
GAP = 8
VALUE_SPACE = 46


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float
    note: str = ""  # written after the value, e.g. "(15 to date)"


def bar_chart(bars, *, css_class="registry-chart", scale=None):
    """A horizontal bar chart (safe HTML) of ``bars``, longest bar = largest value (or ``scale``: 100
    for percentages, so that charts of different years compare)."""
    bars = list(bars)
    largest = scale or max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_SPACE
    rows = []
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(room * bar.value / largest, 1)
        rows.append(
            (
                y + BAR_HEIGHT * 0.7,
                bar.label,
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT * 0.7,
                f"{bar.value} {bar.note}".strip(),
            )
        )
    height = GAP + len(bars) * (BAR_HEIGHT + GAP)
    body = format_html_join(
        "",
        '<text class="chart-label" x="{2}" y="{0}" dx="-6" text-anchor="end">{1}</text>'
        '<rect class="chart-bar" x="{2}" y="{3}" width="{4}" height="{5}" rx="2"></rect>'
        '<text class="chart-value" x="{6}" y="{7}">{8}</text>',
        rows,
    )
    return format_html(
        '<svg class="{}" viewBox="0 0 {} {}" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        css_class,
        WIDTH,
        height,
        body,
    )
