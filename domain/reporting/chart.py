"""An SVG bar chart of the gender-balance report, pure: the female share of enrolled
participations per group against the target in force (a dashed line), with labels, a legend
and percentages. Bars below their target are drawn in a second colour."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape, quoteattr

from domain import i18n
from domain.i18n import N_
from domain.reporting.schemas import BalanceRow, GenderBalanceReport

WIDTH, LABEL_W, PLOT_X, PLOT_W = 880, 300, 320, 440
TOP, ROW_H, BAR_H = 108, 30, 18
MEETS, BELOW, TARGET, GRID, INK, MUTED = "#1b7f79", "#d9822b", "#b3261e", "#d9d9d9", "#1f1f1f", "#6b6b6b"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
GROUP_NAMES = {"module": N_("module"), "cycle": N_("cycle"), "agency": N_("agency"), "discipline": N_("discipline")}
Translate = Callable[[str], str]


def _english(msgid: str) -> str:
    return msgid


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _short(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _x(share: float) -> float:
    return PLOT_X + max(0.0, min(1.0, share)) * PLOT_W


def _text(
    x: float,
    y: float,
    body: str,
    *,
    cls: str,
    anchor: str = "start",
    size: int = 13,
    weight: str = "normal",
    fill: str = INK,
    style: str = "normal",
) -> str:
    # A white halo keeps text legible where it crosses a grid or target line.
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
        f'font-style="{style}" fill="{fill}" stroke="#ffffff" stroke-width="3" '
        f'paint-order="stroke">{escape(body)}</text>'
    )


def _row(row: BalanceRow, y: float, *, bold: bool, t: Translate = _english) -> list[str]:
    weight, mid = ("bold" if bold else "normal"), y + ROW_H / 2 + 4
    out = [
        f'<g class="row"><title>{escape(row.label)}</title>',
        _text(LABEL_W, mid, _short(row.label), cls="label", anchor="end", weight=weight),
    ]
    share = row.female_share_enrolled.participations
    enrolled = row.enrolled.participations.total
    if share is not None:
        colour = BELOW if row.below_target else MEETS
        width = max(_x(share) - PLOT_X, 1.5)
        out.append(
            f'<rect class="bar" x="{PLOT_X}" y="{y + (ROW_H - BAR_H) / 2:.1f}" width="{width:.1f}" height="{BAR_H}" '
            f'fill="{colour}" data-share="{share}"/>'
        )
    if row.target is not None:
        tx = _x(row.target)
        out.append(
            f'<line class="target" x1="{tx:.1f}" x2="{tx:.1f}" y1="{y:.1f}" y2="{y + ROW_H:.1f}" stroke="{TARGET}" '
            f'stroke-width="2.5" stroke-dasharray="6 4" data-target="{row.target}"/>'
        )
        out.append(
            _text(
                WIDTH - 24, mid, _pct(row.target), cls="target-value", anchor="end", size=12, fill=TARGET, weight=weight
            )
        )
    if share is None:
        why = t(N_("withheld (small counts)")) if row.female_share_enrolled.suppressed else t(N_("no enrolments"))
        out.append(_text(PLOT_X + 6, mid, why, cls="value", fill=MUTED, style="italic"))
    else:
        value = _pct(share) + (f"  (n={enrolled})" if enrolled is not None else "")
        out.append(_text(_x(share) + 6, mid, value, cls="value", weight=weight))
    out.append("</g>")
    return out


def _legend(y: float, t: Translate = _english) -> list[str]:
    items = [(MEETS, t(N_("Female share, target met"))), (BELOW, t(N_("Female share, below target")))]
    x, out = PLOT_X - 300, []
    for colour, text in items:
        out.append(f'<rect class="legend-swatch" x="{x}" y="{y - 11}" width="14" height="14" fill="{colour}"/>')
        out.append(_text(x + 20, y + 1, text, cls="legend", size=12))
        x += 215
    out.append(
        f'<line class="legend-target" x1="{x}" x2="{x + 26}" y1="{y - 4}" y2="{y - 4}" stroke="{TARGET}" '
        f'stroke-width="2.5" stroke-dasharray="6 4"/>'
    )
    out.append(_text(x + 32, y + 1, t(N_("Target in force")), cls="legend", size=12))
    return out


def _axis(y_top: float, y_bottom: float) -> list[str]:
    out = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = _x(tick)
        out.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{y_top:.1f}" y2="{y_bottom:.1f}" stroke="{GRID}" '
            'stroke-width="1"/>'
        )
        out.append(_text(x, y_bottom + 16, _pct(tick), cls="tick", anchor="middle", size=11, fill=MUTED))
    return out


def balance_chart(report: GenderBalanceReport, lang: str | None = None) -> str:
    """The chart, its words in `lang` (English without one, as the API draws it)."""
    t: Translate = _english if lang is None else (lambda msgid: i18n.gettext(lang, msgid))
    rows = [*report.rows, report.totals]
    height = TOP + ROW_H * len(rows) + 12 + 56
    by = t(GROUP_NAMES.get(report.group_by.value, report.group_by.value))
    title = t(N_("Female share of enrolled participants by {group}")).format(group=by)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-family={quoteattr(FONT)} role="img" aria-labelledby="chart-title">',
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<title id="chart-title">{escape(title)}</title>',
        _text(20, 32, title, cls="title", size=18, weight="bold"),
        _text(
            20,
            54,
            t(N_("Women among enrolled participations in each group; the dashed line marks the target in force.")),
            cls="subtitle",
            size=12,
            fill=MUTED,
        ),
    ]
    if report.suppression.applied:
        parts.append(
            _text(
                20,
                70,
                t(N_("Counts below {threshold} are withheld.")).format(threshold=report.suppression.threshold),
                cls="subtitle",
                size=12,
                fill=MUTED,
            )
        )
    parts += _legend(92, t)
    y_bottom = TOP + ROW_H * len(rows) + 12
    parts += _axis(TOP - 4, y_bottom)
    parts.append(
        _text(
            WIDTH - 24, TOP - 10, t(N_("Target")), cls="column-head", anchor="end", size=11, fill=MUTED, weight="bold"
        )
    )
    for i, row in enumerate(report.rows):
        parts += _row(row, TOP + i * ROW_H, bold=False, t=t)
    total_y = TOP + len(report.rows) * ROW_H + 12
    parts.append(
        f'<line class="separator" x1="20" x2="{WIDTH - 20}" y1="{total_y - 6:.1f}" y2="{total_y - 6:.1f}" '
        f'stroke="{GRID}"/>'
    )
    parts += _row(report.totals, total_y, bold=True, t=t)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
