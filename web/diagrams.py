"""Pictures drawn by Spor itself, as SVG on the server: the lifecycle and the dashboard charts.

Everything here returns markup that is safe to put into a page (all text is escaped), with a
title and a description so a screen reader has the same information as the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from innovations.models import ACTIVE_STATES, FINAL_STATES, State
from innovations.workflow import workflow_graph

# Colours chosen for at least 4.5:1 contrast of the text on them.
INK = "#1b1f24"
MUTED = "#4a5360"
LINE = "#59636e"
BOX = "#ffffff"
CURRENT = "#0b5cad"
DONE = "#e3edf7"
NATIONAL = "#6b7580"  # the national figure beside ours: grey, 4.8:1 on white

MAIN_ROW = [*ACTIVE_STATES, State.COMPLETED]
SIDE_ROW = [State.PAUSED, State.STOPPED]


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = " ".join(
        f'{key.rstrip("_").replace("_", "-")}="{escape(value)}"' for key, value in attrs.items()
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" {extra}>{escape(content)}</text>'


def lifecycle_svg(current: str, *, paused_from: str = "") -> SafeString:
    """The lifecycle from ``workflow_graph()``, with the current phase marked."""
    graph = workflow_graph()
    labels = {state["name"]: state["label"] for state in graph["states"]}
    box_w, box_h, gap = 118, 44, 34
    left, top = 10, 76
    positions: dict[str, tuple[float, float]] = {}
    for index, state in enumerate(MAIN_ROW):
        positions[state.value] = (left + index * (box_w + gap), top)
    side_y = top + box_h + 86
    positions[State.PAUSED.value] = (left + 1.5 * (box_w + gap), side_y)
    positions[State.STOPPED.value] = (left + 3.5 * (box_w + gap), side_y)
    width = left * 2 + len(MAIN_ROW) * box_w + (len(MAIN_ROW) - 1) * gap
    height = side_y + box_h + 14
    order = [s.value for s in MAIN_ROW]
    reached = order.index(current) if current in order else -1
    if current == State.PAUSED and paused_from in order:
        reached = order.index(paused_from)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lifecycle" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="lifecycle-title lifecycle-desc">',
        f'<title id="lifecycle-title">{escape(_("Lifecycle"))}</title>',
        f'<desc id="lifecycle-desc">{escape(_("Current phase: %(phase)s") % {"phase": labels.get(current, current)})}</desc>',
        "<defs>"
        f'<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        f' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker>'
        "</defs>",
    ]
    # Edges between phases of the main row: neighbours straight, others as arcs.
    drawn: set[tuple[str, str]] = set()
    for transition in graph["transitions"]:
        if len(transition["sources"]) != 1:
            continue
        source = transition["sources"][0]
        for target in transition["targets"]:
            if source not in order or target not in order or (source, target) in drawn:
                continue
            drawn.add((source, target))
            sx, sy = positions[source]
            tx, ty = positions[target]
            i, j = order.index(source), order.index(target)
            if j == i + 1:
                parts.append(
                    f'<line x1="{sx + box_w:.1f}" y1="{sy + box_h / 2:.1f}" x2="{tx - 2:.1f}"'
                    f' y2="{ty + box_h / 2:.1f}" stroke="{LINE}" stroke-width="2"'
                    ' marker-end="url(#arrow)"/>'
                )
            else:
                # Every jump over a neighbour is an arc above the row, labelled at its top.
                y_edge = sy
                lift = -40
                x1, x2 = (
                    sx + box_w / 2 + (12 if j > i else -12),
                    tx + box_w / 2 + (-12 if j > i else 12),
                )
                parts.append(
                    f'<path d="M{x1:.1f},{y_edge:.1f} C{x1:.1f},{y_edge + lift:.1f}'
                    f' {x2:.1f},{y_edge + lift:.1f} {x2:.1f},{y_edge - 2:.1f}"'
                    f' fill="none" stroke="{LINE}" stroke-width="1.5" stroke-dasharray="5 3"'
                    ' marker-end="url(#arrow)"/>'
                )
                parts.append(
                    _text(
                        (x1 + x2) / 2,
                        y_edge + lift * 0.75 - 6,
                        transition["label"],
                        text_anchor="middle",
                        font_size="12",
                        fill=MUTED,
                    )
                )
    # From every active phase to paused and stopped: one bracket, not twelve lines.
    bracket_y = top + box_h + 30
    first_x = positions[ACTIVE_STATES[0].value][0] + box_w / 2
    last_x = positions[ACTIVE_STATES[-1].value][0] + box_w / 2
    parts.append(
        f'<path d="M{first_x:.1f},{top + box_h:.1f} V{bracket_y:.1f} H{last_x:.1f}'
        f' V{top + box_h:.1f}" fill="none" stroke="{LINE}" stroke-width="1"'
        ' stroke-dasharray="2 3"/>'
    )
    for side in SIDE_ROW:
        x, y = positions[side.value]
        parts.append(
            f'<line x1="{x + box_w / 2:.1f}" y1="{bracket_y:.1f}" x2="{x + box_w / 2:.1f}"'
            f' y2="{y - 2:.1f}" stroke="{LINE}" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    parts.append(
        _text(
            (first_x + last_x) / 2,
            bracket_y + 16,
            _("from every active phase"),
            text_anchor="middle",
            font_size="11",
            fill=MUTED,
        )
    )
    for state in [*MAIN_ROW, *SIDE_ROW]:
        x, y = positions[state.value]
        is_current = state.value == current
        is_done = state.value in order and order.index(state.value) < reached
        fill = CURRENT if is_current else (DONE if is_done else BOX)
        ink = "#ffffff" if is_current else INK
        stroke_width = 3 if is_current else 1.5
        shape = "8" if state not in FINAL_STATES else "22"
        parts.append(
            f'<g class="phase{" phase-current" if is_current else ""}">'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w}" height="{box_h}" rx="{shape}"'
            f' fill="{fill}" stroke="{CURRENT if is_current else LINE}"'
            f' stroke-width="{stroke_width}"/>'
        )
        parts.append(
            _text(
                x + box_w / 2,
                y + box_h / 2 + 5,
                labels.get(state.value, state.value),
                text_anchor="middle",
                font_size="14",
                font_weight="700" if is_current else "400",
                fill=ink,
            )
        )
        if is_current:
            parts.append(
                _text(
                    x + box_w / 2,
                    y - 8,
                    _("now"),
                    text_anchor="middle",
                    font_size="12",
                    font_weight="700",
                    fill=CURRENT,
                )
            )
        parts.append("</g>")
    parts.append("</svg>")
    # Every text and attribute value above went through escape().
    return mark_safe("".join(parts))  # nosec B308 B703


def number(value: float) -> str:
    """A figure as the page's language writes it: "112,2" in Danish, "1.250" grouped."""
    places = 0 if float(value).is_integer() else 1
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


# Average advance of a character of the charts' sans-serif font, as a share of its size: a
# generous estimate, so that a text measured with it is never wider than the room it gets.
CHAR_WIDTH = 0.62


def text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH


def bar_chart_svg(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    width: int = 440,
    funnel: bool = False,
) -> SafeString:
    """Horizontal bars with their value written out; a funnel centres the bars.

    The value column is as wide as the widest value, so "112,2 dage" is never cut off.
    """
    font, bar_h, gap = 15, 28, 8
    shown = [f"{number(value)}{(' ' + unit) if unit else ''}" for _label, value in rows]
    value_w = max([text_width(text, font) for text in shown] + [30]) + 12
    label_w = min(165, round(width * 0.38))
    max_chars = max(4, int((label_w - 10) / (font * CHAR_WIDTH)))
    height = max(1, len(rows)) * (bar_h + gap) + 10
    top = max((value for _label, value in rows), default=0) or 1
    chart_w = max(20, width - label_w - value_w)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(title)}">',
    ]
    for index, (label, value) in enumerate(rows):
        y = 5 + index * (bar_h + gap)
        length = chart_w * (value / top) if value else 0
        x = label_w + (chart_w - length) / 2 if funnel else label_w
        short = label if len(label) <= max_chars else label[: max_chars - 1] + "…"
        parts.append(
            f"<g><title>{escape(label)}</title>"
            + _text(
                label_w - 8,
                y + bar_h / 2 + 5,
                short,
                text_anchor="end",
                font_size=str(font),
                fill=INK,
            )
            + "</g>"
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{max(length, 1 if value else 0):.1f}"'
            f' height="{bar_h}" fill="{CURRENT}" rx="3"/>'
        )
        parts.append(
            _text(
                width - value_w + 6,
                y + bar_h / 2 + 5,
                shown[index],
                font_size=str(font),
                fill=INK,
                class_="value",
            )
        )
    parts.append("</svg>")
    # Every text and attribute value above went through escape().
    return mark_safe("".join(parts))  # nosec B308 B703


def column_chart_svg(
    columns: Sequence[tuple[str, float, float]], *, title: str, width: int = 440
) -> SafeString:
    """Columns per month: the total, and the approved part drawn darker inside it.

    Month labels that would not fit side by side are thinned out (every second, third ...
    month), and a value is written above its column only when it fits the column's slot.
    """
    height, bottom, top_pad, label_font, value_font = 200, 30, 20, 13, 12
    count = max(1, len(columns))
    slot = width / count
    col_w = min(36, slot * 0.7)
    widest = max([text_width(label, label_font) for label, _t, _p in columns] + [1])
    step = max(1, math.ceil((widest + 6) / slot))
    top = max((total for _label, total, _part in columns), default=0) or 1
    usable = height - bottom - top_pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{escape(title)}">',
        f'<line x1="0" y1="{height - bottom}" x2="{width}" y2="{height - bottom}"'
        f' stroke="{LINE}" stroke-width="1"/>',
    ]
    for index, (label, total, part) in enumerate(columns):
        x = index * slot + (slot - col_w) / 2
        h_total = usable * total / top
        h_part = usable * part / top
        parts.append(
            f"<g><title>{escape(label)}: {escape(number(total))}</title>"
            f'<rect x="{x:.1f}" y="{height - bottom - h_total:.1f}" width="{col_w:.1f}"'
            f' height="{h_total:.1f}" fill="{DONE}" stroke="{CURRENT}" stroke-width="1"/>'
            f'<rect x="{x:.1f}" y="{height - bottom - h_part:.1f}" width="{col_w:.1f}"'
            f' height="{h_part:.1f}" fill="{CURRENT}"/></g>'
        )
        value = number(total)
        if total and text_width(value, value_font) <= slot - 2:
            parts.append(
                _text(
                    x + col_w / 2,
                    height - bottom - h_total - 5,
                    value,
                    text_anchor="middle",
                    font_size=str(value_font),
                    fill=INK,
                    class_="value",
                )
            )
        if index % step == 0:
            half = text_width(label, label_font) / 2
            parts.append(
                _text(
                    min(max(x + col_w / 2, half + 1), width - half - 1),
                    height - 10,
                    label,
                    text_anchor="middle",
                    font_size=str(label_font),
                    fill=INK,
                    class_="month",
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # nosec B308 B703 - every text above is escaped


def _wrap(text: str, limit: int) -> list[str]:
    """At most two lines of ``limit`` characters; the rest is in the title."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], (lines[1][: limit - 1] + "…")]
    return lines


def comparison_chart_svg(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    title: str,
    ours: str,
    national: str,
    width: int = 440,
) -> SafeString:
    """Per question, our share beside the national figure: two bars on a 0-100 % scale.

    A missing figure is written as "–", never drawn as zero.
    """
    # A bar as tall as a line of its value's text, so two values never touch.
    font, bar_h, value_font = 14, 18, 13
    value_w = text_width("100,0 %", value_font) + 10
    limit = max(20, int((width - 4) / (font * CHAR_WIDTH)))
    chart_w = width - value_w - 4
    legend_h = 26
    blocks = [(label, _wrap(label, limit), a, b) for label, a, b in rows]
    height = legend_h + sum(
        len(lines) * (font + 4) + 2 * bar_h + 18 for _l, lines, _a, _b in blocks
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart comparison" viewBox="0 0 {width}'
        f' {height}" role="img" aria-label="{escape(title)}">',
        f'<rect x="0" y="4" width="14" height="14" fill="{CURRENT}"/>',
        _text(20, 16, ours, font_size=str(value_font), fill=INK),
        f'<rect x="{width / 2:.1f}" y="4" width="14" height="14" fill="{NATIONAL}"/>',
        _text(width / 2 + 20, 16, national, font_size=str(value_font), fill=INK),
    ]
    y = legend_h
    for label, lines, mine, theirs in blocks:
        parts.append(f"<g><title>{escape(label)}</title>")
        for line in lines:
            y += font + 4
            parts.append(_text(0, y - 4, line, font_size=str(font), fill=INK, font_weight="700"))
        parts.append("</g>")
        for value, colour in ((mine, CURRENT), (theirs, NATIONAL)):
            length = chart_w * max(0.0, min(float(value), 100.0)) / 100 if value is not None else 0
            parts.append(
                f'<rect x="0" y="{y + 1:.1f}" width="{max(length, 0):.1f}" height="{bar_h - 2}"'
                f' fill="{colour}" rx="2"/>'
            )
            shown = "–" if value is None else f"{number(value)} %"
            parts.append(
                _text(
                    length + 5,
                    y + bar_h - 2,
                    shown,
                    font_size=str(value_font),
                    fill=INK,
                    class_="value",
                )
            )
            y += bar_h
        y += 18
    parts.append("</svg>")
    # Every text and attribute value above went through escape().
    return mark_safe("".join(parts))  # nosec B308 B703
