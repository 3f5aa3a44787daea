"""SVG charts rendered at build time with matplotlib, Chinese labels kept as text.

``svg.fonttype = 'none'`` writes labels as ``<text>`` with a CJK font family
list instead of glyph outlines: the reader's browser draws them with its own
Chinese font (readable, searchable, small files), and the build needs no font
of its own. A fixed hash salt and no date metadata make the SVG identical
between builds, so an unchanged chart is never rewritten.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

#: Tried in order by the reader's browser (the first one installed wins).
CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
             "Microsoft YaHei", "WenQuanYi Micro Hei", "sans-serif"]
#: The theme's accent and a neutral, readable on white and in print.
COLOURS = ["#a61b1b", "#2f5d8a"]
#: Every text of a chart, in SVG units (pt). The theme never shows a chart narrower than its
#: natural width times 0.9 (a phone scrolls it instead), so 10 units stay above 11 CSS px there.
FONT_SIZE = 10


@dataclass
class Chart:
    """One chart of the statistics page: the SVG and the figures it draws, as a table."""

    name: str  # file name without .svg
    title: str
    description: str  # alt text: what the chart shows
    headers: list[str]
    rows: list[list]
    svg: str = ""
    note: str = ""
    series: list[str] = field(default_factory=list)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    pyplot.rcParams.update({
        "svg.fonttype": "none",
        "svg.hashsalt": "wenzheng",
        "font.family": "sans-serif",
        "font.sans-serif": CJK_FONTS,
        "font.size": FONT_SIZE,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
        # Labels are names from the sources: "$…$" in a board or field name is text, not TeX
        # (mathtext would reword it, or stop the build on "a$\\foo$b").
        "text.parse_math": False,
    })
    return pyplot


def _svg(figure) -> str:
    import logging

    pyplot = _pyplot()
    buffer = io.StringIO()
    # Layout measures text with whatever font matplotlib finds; missing CJK
    # glyphs only affect those measurements, the SVG keeps the text itself.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    pyplot.close(figure)
    return buffer.getvalue()


def bar_chart(labels: list[str], values: list[float], xlabel: str = "", ylabel: str = "",
              horizontal: bool = False, partial: frozenset[int] = frozenset()) -> str:
    """Bars with their values written at the ends; ``partial`` bars (incomplete periods) hatched and pale."""
    pyplot = _pyplot()
    height = max(2.4, 0.32 * len(labels) + 1) if horizontal else 3.4
    figure, axes = pyplot.subplots(figsize=(7, height))
    positions = list(range(len(labels)))
    if horizontal:
        bars = axes.barh(positions, values, color=COLOURS[0])
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
    else:
        bars = axes.bar(positions, values, color=COLOURS[0])
        axes.set_xticks(positions, labels, rotation=45 if len(labels) > 8 else 0,
                        ha="right" if len(labels) > 8 else "center")
    for index in partial:
        bars[index].set(facecolor="#f3d6d6", edgecolor=COLOURS[0], hatch="//")
    axes.bar_label(bars, labels=[_number(v) + ("（不完整）" if i in partial else "") for i, v in enumerate(values)],
                   padding=2, fontsize=FONT_SIZE)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    return _svg(figure)


def line_chart(labels: list[str], series: dict[str, list[float | None]], ylabel: str = "",
               every: int = 1, partial: frozenset[int] = frozenset(), thin: frozenset[int] = frozenset()) -> str:
    """One line per series over ``labels`` (gaps where a value is None).

    Points of ``partial`` periods (incomplete: the current one, the edges of the data) are
    hollow and not joined to the line, so an incomplete period is never drawn as a drop.
    Points of ``thin`` periods (fewer cases than the minimum sample) are hollow too and do not set
    the scale: one resting on two replies cannot flatten the rest; above the scale it sits on the
    top edge as a triangle (its figure is in the table).
    """
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(7, 3.4))
    positions = list(range(len(labels)))
    apart = partial | thin
    solid = [v for values in series.values() for i, v in enumerate(values) if v is not None and i not in thin]
    top = max(solid) * 1.15 if solid and thin else None
    for colour, (name, values) in zip(COLOURS * len(series), series.items()):
        values = [float("nan") if v is None else v for v in values]
        axes.plot(positions, [float("nan") if i in apart else v for i, v in enumerate(values)],
                  marker="o", markersize=3, color=colour, label=name)
        if apart:
            shown = sorted(i for i in apart if top is None or not values[i] > top)
            axes.plot(shown, [values[i] for i in shown], linestyle="none", marker="o",
                      markersize=5, markerfacecolor="white", color=colour)
            above = sorted(i for i in apart if top is not None and values[i] > top)
            axes.plot(above, [top] * len(above), linestyle="none", marker="^", markersize=6,
                      markerfacecolor="white", color=colour, clip_on=False)
    ticks = positions[::every]
    axes.set_xticks(ticks, [labels[i] for i in ticks], rotation=45 if every > 1 or len(labels) > 8 else 0,
                    ha="right" if every > 1 or len(labels) > 8 else "center")
    axes.set_ylabel(ylabel)
    axes.set_ylim(bottom=0, top=top)
    if len(series) > 1:
        axes.legend(frameon=False)
    return _svg(figure)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
