"""A bar chart of daily revenue, drawn as SVG on the server (no script, no CDN)."""

from dataclasses import dataclass

from yumroad.dashboard.services import Day
from yumroad.money import format_money

WIDTH, HEIGHT = 720, 176  # the bars only: the page writes the labels under the drawing


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # shown on hover, and read by screen readers


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    peak: str  # the largest day's revenue, for the axis label
    first_day: str
    last_day: str
    total: str


def revenue_chart(days: list[Day]) -> Chart:
    peak = max((day.revenue_cents for day in days), default=0)
    slot = WIDTH / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        height = HEIGHT * day.revenue_cents / peak if peak else 0
        height = max(height, 1.5)  # a hairline marks days without sales
        bars.append(
            Bar(
                x=round(index * slot + slot * 0.15, 2),
                y=round(HEIGHT - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                title=f"{day.day:%b %-d}: {format_money(day.revenue_cents)}",
            )
        )
    return Chart(
        bars=bars,
        width=WIDTH,
        height=HEIGHT,
        peak=format_money(peak),
        first_day=f"{days[0].day:%b %-d}" if days else "",
        last_day=f"{days[-1].day:%b %-d}" if days else "",
        total=format_money(sum(day.revenue_cents for day in days)),
    )
