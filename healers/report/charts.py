"""Line charts as inline SVG, drawn by heal itself (no chart library, nothing fetched): the
dashboard's findings and success rate per day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 40  # the plot area's margins


def _nice_max(value: float) -> float:
    """A round top for the y axis: 1, 2, 5, 10, 20, 50, ..."""
    top, steps = 1.0, (2.0, 2.5, 2.0)
    i = 0
    while top < value:
        top *= steps[i % 3]
        i += 1
    return top


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(value: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _axes(days: Sequence[str], top: float, percent: bool) -> list[str]:
    out = []
    for k in range(5):
        value = top * k / 4
        y = _y(value, top)
        label = f"{value:.0%}" if percent else f"{value:g}"
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        out.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
        )
    n = len(days)
    shown = sorted({0, n // 2, n - 1}) if n else []
    for i in shown:
        x = _x(i, n)
        anchor = "middle" if n == 1 else {0: "start", n - 1: "end"}.get(i, "middle")
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="{anchor}">{escape(days[i][5:])}</text>'
        )
    return out


def line_chart(
    title: str,
    days: Sequence[str],
    lines: Mapping[str, Sequence[float | None]],
    *,
    percent: bool = False,
    css: str = "s-",
) -> str:
    """One SVG: a line per name over `days` (None leaves a gap), a legend, a tooltip per point.
    Values are counts, or fractions shown as percentages."""
    values = [v for vs in lines.values() for v in vs if v is not None]
    top = 1.0 if percent else _nice_max(max(values, default=0.0))
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        *_axes(days, top, percent),
    ]
    if not values:
        out.append(
            f'<text class="empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">'
            "no runs recorded yet</text>"
        )
    n = len(days)
    for index, (name, series) in enumerate(lines.items()):
        klass = f"{css}{escape(name)}"
        points = [(i, v) for i, v in enumerate(series) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{_x(i, n):.1f},{_y(v, top):.1f}" for i, v in points)
            out.append(f'<polyline class="line {klass}" points="{path}"/>')
        for i, v in points:
            shown = f"{v:.0%}" if percent else f"{v:g}"
            out.append(
                f'<circle class="dot {klass}" cx="{_x(i, n):.1f}" cy="{_y(v, top):.1f}" r="3">'
                f"<title>{escape(days[i])} {escape(name)}: {shown}</title></circle>"
            )
        lx = LEFT + (index % 6) * 98
        ly = HEIGHT - 8
        out.append(f'<rect class="key {klass}" x="{lx}" y="{ly - 8}" width="10" height="10"/>')
        out.append(f'<text class="legend" x="{lx + 14}" y="{ly + 1}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
