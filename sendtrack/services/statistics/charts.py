"""Charts of the statistics as SVG, drawn by pygal, for the dashboard and the PDF report.

A chart is supplementary: every one sits beside a table holding the same numbers, which is
the real content for screen readers and for anyone checking the figures.

pygal's SVG carries an inline <style> and a small inline <script> with its configuration.
We switch its JavaScript off (`js=[]`), strip the script and the one style attribute, and
serve the SVG as an image with its own Content-Security-Policy that allows exactly that
stylesheet by its SHA-256 hash: no 'unsafe-inline' anywhere, and pages keep
`style-src 'self'`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from types import ModuleType
from typing import Any

from sendtrack.services.statistics.suppression import SUPPRESSED

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
_STYLE_ATTR = re.compile(r'\sstyle="[^"]*"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _pygal() -> tuple[ModuleType, Any]:
    """pygal, imported on first use (it takes a while to load, and only charts need it).
    Its import puts a finder for its map plugins on sys.meta_path that lacks find_spec, so
    every later import warns (an error under our warnings policy); we draw no maps, so the
    finder is taken off again."""
    import pygal
    from pygal.style import Style

    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    # GOV.UK colour palette: blue, orange, turquoise, purple, green, red.
    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#505a5f",
        opacity="1",
        opacity_hover="1",
        colors=("#1d70b8", "#f47738", "#28a197", "#4c2c92", "#00703c", "#d4351c"),
        font_family="Arial, 'DejaVu Sans', sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        title_font_size=16,
        value_font_size=12,
    )
    return pygal, style


def _plotted(value: Any) -> float | None:
    """Suppressed values are left out of a chart (a gap), never drawn as a guess."""
    if value == SUPPRESSED or value is None:
        return None
    return float(value)


def _clean(svg: str) -> str:
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE_ATTR.sub("", svg)
    return _COMMENT.sub("", svg)


def bar_chart(
    title: str,
    labels: list[str],
    series: list[tuple[str, list[Any]]],
    *,
    stacked: bool = False,
    horizontal: bool = False,
    money: bool = False,
) -> str:
    """An SVG bar chart: one bar (or stack part) per series per label."""
    pygal, style = _pygal()
    kind = pygal.HorizontalStackedBar if stacked and horizontal else None
    if kind is None:
        kind = pygal.StackedBar if stacked else (pygal.HorizontalBar if horizontal else pygal.Bar)
    chart = kind(
        js=[],
        style=style,
        width=900,
        height=420,
        legend_at_bottom=True,
        legend_at_bottom_columns=max(len(series), 1),
        x_label_rotation=0 if len(labels) <= 8 else 30,
        print_values=False,
        show_y_guides=True,
        margin=16,
        value_formatter=(lambda v: f"£{v:,.0f}") if money else (lambda v: f"{v:,.0f}"),
        disable_xml_declaration=True,
        no_data_text="No figures",
        truncate_legend=-1,
    )
    chart.title = title
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, [_plotted(v) for v in values])
    return _clean(chart.render(is_unicode=True))


def style_hashes(svg: str) -> list[str]:
    """CSP source expressions ('sha256-...') for each inline stylesheet in `svg`."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _STYLE_ELEMENT.findall(svg)
    ]


def content_security_policy(svg: str) -> str:
    """The policy an SVG image is served with: nothing may load, only its own styles apply."""
    styles = " ".join(style_hashes(svg)) or "'none'"
    return (
        f"default-src 'none'; script-src 'self'; style-src {styles}; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
