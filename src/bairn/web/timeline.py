"""The chronology as a picture over time: one lane per agency, one mark per entry, its
shape telling its significance and its fill its impact — readable without colour, with a
title on every mark and a text description of the whole."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.utils import timezone

from bairn.chronology.queries import Seen
from bairn.reference import Impact, Significance

SHAPES = {
    Significance.LOW: "circle",
    Significance.MEDIUM: "square",
    Significance.HIGH: "triangle",
    Significance.CHILD_PROTECTION: "diamond",
}
FILLS = {Impact.POSITIVE: "#d4ecd6", Impact.NEUTRAL: "#ffffff", Impact.NEGATIVE: "#0b0c0c"}


def _mark(shape: str, x: float, y: float, fill: str) -> str:
    r = 7
    stroke = 'stroke="#0b0c0c" stroke-width="2"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y}" r="{r}" fill="{fill}" {stroke}/>'
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r}" width="{2 * r}" height="{2 * r}" '
            f'fill="{fill}" {stroke}/>'
        )
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f} {y - r - 2} L{x + r + 1:.1f} {y + r} L{x - r - 1:.1f} {y + r} Z" '
            f'fill="{fill}" {stroke}/>'
        )
    return (
        f'<path d="M{x:.1f} {y - r - 3} L{x + r + 3:.1f} {y} L{x:.1f} {y + r + 3} '
        f'L{x - r - 3:.1f} {y} Z" fill="{fill}" {stroke}/>'
    )


def timeline_svg(seen: list[Seen]) -> str:
    if not seen:
        return ""
    entries = [s.entry for s in seen]
    agencies = sorted({e.agency.name for e in entries})
    start = min(timezone.localtime(e.occurred_at).date() for e in entries)
    end = max(timezone.localtime(e.occurred_at).date() for e in entries)
    start = start.replace(day=1)
    end = end + dt.timedelta(days=1)
    span = max((end - start).days, 1)
    left, right, lane, top = 300, 20, 44, 30
    width = 900
    height = top + lane * len(agencies) + 50
    plot = width - left - right

    def x_of(day: dt.date) -> float:
        return left + plot * (day - start).days / span

    counts = {a: sum(1 for e in entries if e.agency.name == a) for a in agencies}
    desc = "; ".join(f"{a}: {n} entr{'y' if n == 1 else 'ies'}" for a, n in counts.items())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="bairn-timeline" role="img" aria-labelledby="tl-title tl-desc" '
        'font-family="Arial, Helvetica, sans-serif">',
        '<title id="tl-title">The chronology over time, by agency</title>',
        f'<desc id="tl-desc">From {start:%d %B %Y} to {end:%d %B %Y}. {escape(desc)}.</desc>',
    ]
    # Month ticks.
    month = start
    while month <= end:
        x = x_of(month)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 10}" x2="{x:.1f}" y2="{height - 40}" stroke="#d9d9d9"/>'
        )
        parts.append(
            f'<text x="{x + 3:.1f}" y="{height - 24}" font-size="12" fill="#333333">'
            f"{month:%b %Y}</text>"
        )
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for i, agency in enumerate(agencies):
        y = top + lane * i + lane / 2
        parts.append(
            f'<text x="{left - 12}" y="{y + 5}" text-anchor="end" font-size="13">'
            f"{escape(agency[:42])}</text>"
        )
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - right}" y2="{y}" stroke="#b1b4b6"/>')
        for e in entries:
            if e.agency.name != agency:
                continue
            day = timezone.localtime(e.occurred_at).date()
            label = (
                f"{day:%d %B %Y}: {Significance(e.significance).label} significance, "
                f"{Impact(e.impact).label.lower()} impact"
            )
            parts.append(f"<g><title>{escape(label)}</title>")
            parts.append(
                _mark(SHAPES[Significance(e.significance)], x_of(day), y, FILLS[Impact(e.impact)])
            )
            parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


LEGEND = [
    ("circle", "Low significance"),
    ("square", "Medium significance"),
    ("triangle", "High significance"),
    ("diamond", "Child protection"),
]


def legend_svg() -> str:
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1100 30" class="bairn-timeline-key" '
        'aria-hidden="true" font-family="Arial, Helvetica, sans-serif">'
    ]
    x = 10
    for shape, text in LEGEND:
        parts.append(_mark(shape, x + 8, 15, "#ffffff"))
        parts.append(f'<text x="{x + 22}" y="20" font-size="13">{text}</text>')
        x += 34 + 7 * len(text)
    for fill, text in (("#0b0c0c", "negative"), ("#d4ecd6", "positive (a strength)")):
        parts.append(_mark("circle", x + 8, 15, fill))
        parts.append(f'<text x="{x + 22}" y="20" font-size="13">{text}</text>')
        x += 34 + 7 * len(text)
    parts.append("</svg>")
    return "\n".join(parts)
