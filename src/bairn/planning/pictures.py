"""Pictures people would rather look at than read: the wellbeing wheel and the Resilience
Matrix, drawn on the server as SVG. Readable without colour: every rating is written out
and has its own pattern, and each picture carries a title and a description."""

from __future__ import annotations

import math
import textwrap
from html import escape

from bairn.planning.models import Rating
from bairn.reference import INDICATOR_MEANINGS, Indicator

# Fill colour and pattern per rating; the pattern, not the colour, carries the meaning.
STYLE = {
    Rating.STRENGTH: ("#d4ecd6", "dots"),
    Rating.NO_CONCERN: ("#f3f2f1", "none"),
    Rating.SOME_CONCERN: ("#fce8b2", "lines"),
    Rating.SIGNIFICANT_CONCERN: ("#f6cfcb", "cross"),
}
NOT_ASSESSED = "Not assessed"

PATTERNS = """
<defs>
  <pattern id="dots" width="10" height="10" patternUnits="userSpaceOnUse">
    <circle cx="5" cy="5" r="1.6" fill="#1d5a2c"/>
  </pattern>
  <pattern id="lines" width="10" height="10" patternUnits="userSpaceOnUse"
           patternTransform="rotate(45)">
    <line x1="0" y1="0" x2="0" y2="10" stroke="#7a5b00" stroke-width="2"/>
  </pattern>
  <pattern id="cross" width="10" height="10" patternUnits="userSpaceOnUse">
    <path d="M0 0L10 10M10 0L0 10" stroke="#8e1b10" stroke-width="1.6"/>
  </pattern>
</defs>
"""


def _point(cx: float, cy: float, r: float, degrees: float) -> tuple[float, float]:
    radians = math.radians(degrees - 90)
    return cx + r * math.cos(radians), cy + r * math.sin(radians)


def _sector(cx: float, cy: float, inner: float, outer: float, start: float, end: float) -> str:
    x1, y1 = _point(cx, cy, outer, start)
    x2, y2 = _point(cx, cy, outer, end)
    x3, y3 = _point(cx, cy, inner, end)
    x4, y4 = _point(cx, cy, inner, start)
    return (
        f"M{x1:.1f} {y1:.1f} A{outer} {outer} 0 0 1 {x2:.1f} {y2:.1f} "
        f"L{x3:.1f} {y3:.1f} A{inner} {inner} 0 0 0 {x4:.1f} {y4:.1f} Z"
    )


def rating_label(rating: str | None) -> str:
    return str(Rating(rating).label) if rating else NOT_ASSESSED


def wellbeing_wheel(ratings: dict[str, str | None], child_name: str, assessed: str) -> str:
    """The eight wellbeing indicators around the child, each with its rating."""
    size, cx, cy, inner, outer = 600, 300, 280, 70, 230
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + 50}" '
        f'width="{size}" height="{size + 50}" role="img" aria-labelledby="wheel-title wheel-desc" '
        'font-family="Arial, Helvetica, sans-serif">',
        f'<title id="wheel-title">Wellbeing wheel for {escape(child_name)}</title>',
        '<desc id="wheel-desc">'
        + escape(
            "; ".join(
                f"{Indicator(code).label}: {rating_label(ratings.get(code))}"
                for code in Indicator.values
            )
        )
        + f". Assessed {escape(assessed)}.</desc>",
        PATTERNS,
    ]
    step = 360 / len(Indicator.values)
    for i, code in enumerate(Indicator.values):
        rating = ratings.get(code)
        start, end = i * step, (i + 1) * step
        path = _sector(cx, cy, inner, outer, start, end)
        label = rating_label(rating)
        parts.append(f'<g class="indicator" data-indicator="{code}" data-rating="{rating or ""}">')
        parts.append(
            f"<title>{escape(str(Indicator(code).label))}: {escape(label)} — "
            f"{escape(INDICATOR_MEANINGS[code])}</title>"
        )
        if rating:
            fill, pattern = STYLE[Rating(rating)]
            parts.append(f'<path d="{path}" fill="{fill}" stroke="#0b0c0c" stroke-width="2"/>')
            if pattern != "none":
                parts.append(f'<path d="{path}" fill="url(#{pattern})" stroke="none"/>')
        else:
            parts.append(
                f'<path d="{path}" fill="#ffffff" stroke="#0b0c0c" stroke-width="2" '
                'stroke-dasharray="6 4"/>'
            )
        tx, ty = _point(cx, cy, (inner + outer) / 2 + 10, (start + end) / 2)
        lines = [str(Indicator(code).label), *label.split(" ", 1)]
        parts.append(
            f'<rect x="{tx - 52:.1f}" y="{ty - 26:.1f}" width="104" height="{18 * len(lines) + 4}" '
            'rx="4" fill="#ffffff" fill-opacity="0.9"/>'
        )
        for n, line in enumerate(lines):
            weight = "bold" if n == 0 else "normal"
            parts.append(
                f'<text x="{tx:.1f}" y="{ty - 12 + 18 * n:.1f}" text-anchor="middle" '
                f'font-size="15" font-weight="{weight}" fill="#0b0c0c">{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append(
        f'<circle cx="{cx}" cy="{cy}" r="{inner}" fill="#ffffff" stroke="#0b0c0c" '
        'stroke-width="2"/>'
    )
    first = child_name.split(" ")[0]
    parts.append(
        f'<text x="{cx}" y="{cy + 6}" text-anchor="middle" font-size="18" font-weight="bold">'
        f"{escape(first)}</text>"
    )
    # The key, in words and patterns.
    y = size - 30
    x = 20
    for rating, (fill, pattern) in STYLE.items():
        parts.append(
            f'<rect x="{x}" y="{y}" width="22" height="22" fill="{fill}" stroke="#0b0c0c"/>'
        )
        if pattern != "none":
            parts.append(f'<rect x="{x}" y="{y}" width="22" height="22" fill="url(#{pattern})"/>')
        parts.append(
            f'<text x="{x + 28}" y="{y + 16}" font-size="14">{escape(str(rating.label))}</text>'
        )
        x += 40 + 8 * len(str(rating.label))
    parts.append(
        f'<text x="20" y="{y + 50}" font-size="13" fill="#505a5f">Assessed {escape(assessed)}. '
        "A dashed segment was not assessed.</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


# Where each end of the two axes shows its factors: (x, y, width, height) of its box.
ZONES = {
    "resilience": ("Resilience", (300, 40, 300, 210)),
    "vulnerability": ("Vulnerability", (300, 450, 300, 210)),
    "adversity": ("Adversity", (20, 250, 250, 200)),
    "protective": ("Protective environment", (630, 250, 250, 200)),
}


def resilience_matrix(factors: list[dict[str, str]], child_name: str) -> str:
    """The Resilience Matrix: the child's own resilience and vulnerability (vertical) and
    the protective or adverse environment (horizontal), with the factors found at each
    end of each axis."""
    w, h = 900, 700
    cx, cy = 450, 350
    summary = "; ".join(
        f"{label}: " + (", ".join(f["factor"] for f in factors if f["axis"] == axis) or "none")
        for axis, (label, _) in ZONES.items()
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
        f'height="{h}" role="img" aria-labelledby="matrix-title matrix-desc" '
        'font-family="Arial, Helvetica, sans-serif">',
        f'<title id="matrix-title">Resilience Matrix for {escape(child_name)}</title>',
        f'<desc id="matrix-desc">{escape(summary)}</desc>',
        f'<line x1="{cx}" y1="250" x2="{cx}" y2="450" stroke="#0b0c0c" stroke-width="3"/>',
        f'<line x1="270" y1="{cy}" x2="630" y2="{cy}" stroke="#0b0c0c" stroke-width="3"/>',
        f'<circle cx="{cx}" cy="{cy}" r="44" fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/>',
        f'<text x="{cx}" y="{cy + 6}" text-anchor="middle" font-size="16" font-weight="bold">'
        f"{escape(child_name.split(' ')[0])}</text>",
    ]
    for axis, (label, (x, y, bw, bh)) in ZONES.items():
        chosen = [f["factor"] for f in factors if f["axis"] == axis]
        parts.append(f'<g data-axis="{axis}">')
        parts.append(
            f'<rect x="{x}" y="{y}" width="{bw}" height="{bh}" rx="6" fill="#f8f8f8" '
            'stroke="#b1b4b6"/>'
        )
        parts.append(
            f'<text x="{x + 12}" y="{y + 24}" font-size="16" font-weight="bold">'
            f"{escape(label)}</text>"
        )
        lines: list[str] = []
        for factor in chosen:
            wrapped = textwrap.wrap(factor, width=bw // 8) or [""]
            lines += ["• " + wrapped[0], *("  " + more for more in wrapped[1:])]
        room = (bh - 40) // 19
        if len(lines) > room:
            lines = [*lines[: room - 1], f"and more ({len(chosen)} in all)"]
        if not lines:
            lines = ["None recorded"]
        for n, line in enumerate(lines):
            parts.append(
                f'<text x="{x + 12}" y="{y + 48 + 19 * n}" font-size="14">{escape(line)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
