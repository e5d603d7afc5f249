"""The tables of docs/gamification.md, generated from the rules themselves (a test keeps the
document current): XP per action, the badge catalog, and the level curve."""

from __future__ import annotations

from whitecell.gamification import levels
from whitecell.gamification.badges import CATALOG
from whitecell.gamification.rules import RULES

LEVELS_SHOWN = (1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 99, 100)


def xp_table() -> str:
    lines = [
        "| module | action | earned by | base XP | daily cap |",
        "|---|---|---|---|--:|",
    ]
    for rule in RULES:
        cap = f"{rule.daily_cap:,}" if rule.daily_cap else "—"
        what, _, amount = rule.summary.partition(": ")
        lines.append(
            f"| {rule.module} | `{rule.action}` | {what} (`{rule.table}`) | {amount} | {cap} |"
        )
    return "\n".join(lines) + "\n"


def badge_table() -> str:
    lines = ["| badge | name | rarity | tier | earned by |", "|---|---|---|--:|---|"]
    for badge in CATALOG:
        lines.append(
            f"| `{badge.badge_type}` | {badge.name} | {badge.rarity} | {badge.tier} | "
            f"{badge.description} |"
        )
    return "\n".join(lines) + "\n"


def level_table() -> str:
    lines = ["| level | total XP to reach it | XP from this level to the next |", "|--:|--:|--:|"]
    for level in LEVELS_SHOWN:
        step = f"{levels.xp_to_next(level):,}" if level < levels.MAX_LEVEL else "—"
        lines.append(f"| {level} | {levels.THRESHOLDS[level - 1]:,} | {step} |")
    return "\n".join(lines) + "\n"


def level_curve_svg(width: int = 640, height: int = 360) -> str:
    """XP needed per level (bars) and in total (line), as a small self-contained SVG."""
    left, right, top, bottom = 64, 16, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    total_max = levels.THRESHOLDS[-1]
    step_max = max(levels.xp_to_next(n) for n in range(1, levels.MAX_LEVEL))

    def x(level: int) -> float:
        return left + plot_w * (level - 1) / (levels.MAX_LEVEL - 1)

    def y(value: float, top_value: float) -> float:
        return top + plot_h * (1 - value / top_value)

    bars = "".join(
        f'<rect x="{x(n) - 2:.1f}" y="{y(levels.xp_to_next(n), step_max):.1f}" width="4" '
        f'height="{top + plot_h - y(levels.xp_to_next(n), step_max):.1f}" fill="#9ecae1"/>'
        for n in range(1, levels.MAX_LEVEL)
    )
    line = " ".join(
        f"{x(n):.1f},{y(levels.THRESHOLDS[n - 1], total_max):.1f}"
        for n in range(1, levels.MAX_LEVEL + 1)
    )
    ticks = "".join(
        f'<text x="{x(n):.1f}" y="{height - 22}" font-size="11" text-anchor="middle">{n}</text>'
        for n in (1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif">'
        f'<rect width="{width}" height="{height}" fill="white"/>'
        f"{bars}"
        f'<polyline points="{line}" fill="none" stroke="#08519c" stroke-width="2"/>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="black"/>{ticks}'
        f'<text x="{left + plot_w / 2}" y="{height - 6}" font-size="12" '
        f'text-anchor="middle">level</text>'
        f'<text x="{left + 8}" y="{top + 14}" font-size="12" fill="#08519c">'
        f"total XP to reach the level (line, up to {total_max:,})</text>"
        f'<text x="{left + 8}" y="{top + 30}" font-size="12" fill="#3182bd">'
        f"XP from each level to the next (bars, up to {step_max:,})</text>"
        "</svg>\n"
    )


if __name__ == "__main__":
    print(xp_table())
    print(badge_table())
    print(level_table())
