"""Charts drawn on the server as SVG (no JavaScript, no external service): bars, a trend line and a
tile-grid map of Indonesia. Inputs are protected breakdowns: suppressed cells are drawn as an outlined
bar / an empty tile marked "<11", never with their value."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gugus.stats import config
from gugus.stats.privacy import Breakdown

BAR = "#1f6f8b"
MUTED = "#c9d3da"
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text in body is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" '
        f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>{"".join(body)}</svg>')


def bar_chart(breakdown: Breakdown, *, width: int = 520, label_width: int = 210) -> SafeString:
    cells = breakdown.cells
    if not cells:
        return mark_safe("")
    k = config.threshold()
    top = max([c.shown or 0 for c in cells] + [k])
    row, pad = 22, 4
    plot = width - label_width - 70
    body = []
    for i, cell in enumerate(cells):
        y = i * row + pad
        label = cell.label if len(cell.label) <= 34 else cell.label[:33] + "…"
        body.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" {FONT}>{escape(label)}</text>')
        if cell.shown is None:
            w = max(plot * k / top, 2)
            body.append(f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{row - 8}" fill="none" '
                        f'stroke="{MUTED}" stroke-dasharray="3 2"/>')
        else:
            w = plot * cell.shown / top if top else 0
            body.append(f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{row - 8}" fill="{BAR}"/>')
        body.append(f'<text x="{label_width + (w if cell.shown is not None else plot * k / top) + 6:.1f}" '
                    f'y="{y + 14}" {FONT}>{escape(cell.display)}</text>')
    return _svg(width, len(cells) * row + pad * 2, body, breakdown.title)


def line_chart(series: list[Breakdown], *, width: int = 620, height: int = 220) -> SafeString:
    """One line per breakdown (same keys); a suppressed point breaks the line."""
    if not series or not series[0].cells:
        return mark_safe("")
    keys = [c.key for c in series[0].cells]
    left, right, top_pad, bottom = 44, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max([c.shown or 0 for s in series for c in s.cells] + [1])
    step = plot_w / max(len(keys) - 1, 1)
    colours = [BAR, "#d9822b", "#5b8c5a"]
    body = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" '
            f'stroke="#888"/>',
            f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end" {FONT}>{top}</text>',
            f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" {FONT}>0</text>']
    every = max(1, math.ceil(len(keys) / 12))
    for i, key in enumerate(keys):
        if i % every == 0:
            body.append(f'<text x="{left + i * step:.1f}" y="{height - 14}" text-anchor="middle" {FONT}>'
                        f'{escape(key[-2:] if len(keys) == 12 else key)}</text>')
    for n, s in enumerate(series):
        colour = colours[n % len(colours)]
        path, pen = [], False
        for i, cell in enumerate(s.cells):
            if cell.shown is None:
                pen = False
                continue
            x, y = left + i * step, top_pad + plot_h - plot_h * cell.shown / top
            path.append(f'{"L" if pen else "M"}{x:.1f},{y:.1f}')
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"><title>{escape(cell.key)}: '
                        f'{escape(cell.display)}</title></circle>')
            pen = True
        if path:
            body.append(f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        body.append(f'<text x="{left + 8 + n * 110}" y="{height - 1}" fill="{colour}" {FONT}>'
                    f'■ {escape(s.title)}</text>')
    return _svg(width, height, body, " / ".join(s.title for s in series))


def _shade(value: int | None, top: int) -> str:
    if value is None:
        return "#f1f3f5"
    share = value / top if top else 0
    # from light to dark teal
    r, g, b = (int(230 - share * (230 - 31)), int(240 - share * (240 - 111)), int(243 - share * (243 - 139)))
    return f"rgb({r},{g},{b})"


def tile_map(breakdown: Breakdown, *, positions: dict[str, tuple[int, int, str]] | None = None,
             size: int = 56) -> SafeString:
    """A tile per region. ``positions``: code → (col, row, short label); by default the province grid of
    ``data/province_tiles.toml``; kab/kota tiles are laid out in code order in a square grid."""
    if positions is None:
        positions = {t["code"]: (t["col"], t["row"], t["abbr"]) for t in config.province_tiles()}
    cells = [c for c in breakdown.cells if c.key in positions]
    if not cells:
        return mark_safe("")
    top = max([c.shown or 0 for c in cells] + [1])
    cols = max(p[0] for p in positions.values()) + 1
    rows = max(p[1] for p in positions.values()) + 1
    gap = 4
    body = []
    for cell in cells:
        col, row, abbr = positions[cell.key]
        x, y = col * (size + gap), row * (size + gap)
        dark = cell.shown is not None and cell.shown > top * 0.55
        colour = "#fff" if dark else "#222"
        tile = (f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="4" fill="{_shade(cell.shown, top)}" '
                f'stroke="#fff"/><text x="{x + size / 2}" y="{y + 22}" text-anchor="middle" fill="{colour}" '
                f'font-family="system-ui, sans-serif" font-size="10">{escape(abbr)}</text>'
                f'<text x="{x + size / 2}" y="{y + 40}" text-anchor="middle" fill="{colour}" '
                f'font-family="system-ui, sans-serif" font-size="13" font-weight="bold">{escape(cell.display)}</text>'
                f'<title>{escape(cell.label)}: {escape(cell.display)}</title>')
        if cell.link:
            tile = f'<a href="{escape(cell.link)}">{tile}</a>'
        body.append(tile)
    return _svg(cols * (size + gap), rows * (size + gap), body, breakdown.title or _("Map"))


def grid_positions(codes_names: list[tuple[str, str]]) -> dict[str, tuple[int, int, str]]:
    """Kab/kota tiles in code order, in a near-square grid; the label is the name's first word(s)."""
    n = len(codes_names)
    cols = max(1, math.ceil(math.sqrt(n * 1.6)))
    out = {}
    for i, (code, name) in enumerate(codes_names):
        short = name.replace("Kabupaten ", "").replace("Kota ", "Kota ").replace("Kab. ", "")
        out[code] = (i % cols, i // cols, short[:9])
    return out
