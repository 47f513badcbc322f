"""Server-rendered SVG latency chart: one bar per attempt (oldest first) against Okta's 3 s budget, with
timeouts and retries marked. The scale follows the data: when every attempt is far below the budget (a 5 ms hook),
the chart is scaled to the slowest attempt and the budget is marked off-scale at the top edge. No JavaScript, no
external library; styled by the dashboard CSS classes."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

WIDTH, HEIGHT = 1100, 250
# The budget stays on the scale while the slowest attempt takes at least this share of it; below, the chart is
# scaled to the data and the budget drawn off-scale.
BUDGET_ON_SCALE_SHARE = 0.25
LEFT, RIGHT, TOP, BOTTOM = 62, 18, 24, 40
_STEPS_MS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000)


def _seconds(ms: float) -> str:
    if ms == 0:
        return "0"
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms:g} ms"


def _tick_step(top: float) -> float:
    return next((s for s in _STEPS_MS if top / s <= 6), _STEPS_MS[-1])


def latency_stats(points: list[dict], budget_ms: float) -> dict[str, Any]:
    """Count, median, p95 and max of the attempts' response times, plus timeouts, retries and over-budget."""
    times = sorted(p["elapsed"] for p in points)
    if not times:
        return {"count": 0}
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times) + 0.5) - 1))]
    return {"count": len(times), "median": statistics.median(times), "p95": p95, "max": times[-1],
            "timeouts": sum(1 for p in points if p["transport"] == "timeout"),
            "retries": sum(1 for p in points if p["number"] > 1),
            "failed": sum(1 for p in points if p["transport"] not in ("ok", "timeout")),
            "over_budget": sum(1 for p in points if p["elapsed"] >= budget_ms)}


def scaled_to_data(points: list[dict], budget_ms: float) -> bool:
    """Whether the chart of ``points`` is scaled to the slowest attempt (every attempt far below the budget)
    rather than to Okta's budget."""
    peak = max([p["elapsed"] for p in points] + [0.0])
    return bool(points) and peak < budget_ms * BUDGET_ON_SCALE_SHARE


def latency_chart(points: list[dict], *, budget_ms: float, configured_ms: float | None = None, title: str = "",
                  link: Callable[[dict], str] | None = None) -> Markup:
    """An accessible SVG bar chart of ``points`` (``elapsed``, ``transport``, ``number``, ``delivery``...)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    peak = max([p["elapsed"] for p in points] + [0.0])
    budget_on_scale = not scaled_to_data(points, budget_ms)
    if budget_on_scale:
        top = max(budget_ms * 1.2, peak * 1.08, (configured_ms or 0) * 1.2, 1.0)
    else:
        top = max(peak * 1.2, 1.0)
    step = _tick_step(top)
    top = max(top, step)

    def y(ms: float) -> float:
        return TOP + plot_h - min(ms, top) / top * plot_h

    timeouts = sum(1 for p in points if p["transport"] == "timeout")
    retries = sum(1 for p in points if p["number"] > 1)
    desc = (f"{len(points)} attempts; slowest {_seconds(round(peak))}; {timeouts} timed out; {retries} retries; "
            f"Okta's budget is {_seconds(budget_ms)}"
            + ("." if budget_on_scale else ", far above this chart's scale (scaled to the slowest attempt)."))
    out = [f'<svg class="latency-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{escape(title)}. {escape(desc)}" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"]
    # grid + y axis labels
    tick = 0.0
    while tick <= top + 1e-9:
        yy = y(tick)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}"/>')
        out.append(f'<text class="axis-label" x="{LEFT - 8}" y="{yy + 4:.1f}" text-anchor="end">'
                   f"{escape(_seconds(tick))}</text>")
        tick += step
    out.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}"/>')
    out.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    out.append(f'<text class="axis-title" x="{LEFT + plot_w / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle">'
               "attempts, oldest → newest</text>")
    # bars
    n = len(points)
    if n:
        slot = plot_w / n
        bar = max(2.0, min(30.0, slot * 0.7))
        for i, p in enumerate(points):
            x = LEFT + slot * i + (slot - bar) / 2
            yy = y(p["elapsed"])
            h = max(3.0, TOP + plot_h - yy)
            cls = "bar-ok" if p["transport"] == "ok" else "bar-timeout" if p["transport"] == "timeout" else "bar-fail"
            label = (f"Attempt {p['number']} of {p['delivery']} ({p['kind']}): {round(p['elapsed'])} ms, "
                     f"{p['transport']}" + (f", HTTP {p['status']}" if p.get("status") else "")
                     + (", retried" if p.get("retried") else ""))
            shape = [f'<rect class="bar {cls}" x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" '
                     f'height="{h:.1f}" rx="2"/>']
            cx = x + bar / 2
            if p["transport"] == "timeout":
                m = 6
                ty = max(TOP + m, TOP + plot_h - h - 10)
                shape.append(f'<path class="mark-timeout" d="M{cx - m:.1f},{ty - m:.1f} L{cx + m:.1f},{ty + m:.1f} '
                             f'M{cx + m:.1f},{ty - m:.1f} L{cx - m:.1f},{ty + m:.1f}"/>')
            if p["number"] > 1:
                ry = TOP + plot_h + 10
                shape.append(f'<path class="mark-retry" d="M{cx:.1f},{ry - 6:.1f} L{cx + 6:.1f},{ry:.1f} '
                             f'L{cx:.1f},{ry + 6:.1f} L{cx - 6:.1f},{ry:.1f} Z"/>')
            inner = f"<title>{escape(label)}</title>" + "".join(shape)
            if link is not None:
                out.append(f'<a href="{escape(link(p))}" class="bar-link" aria-label="{escape(label)}">{inner}</a>')
            else:
                out.append(f"<g>{inner}</g>")
    else:
        out.append(f'<text class="empty-chart" x="{LEFT + plot_w / 2:.0f}" y="{TOP + plot_h / 2:.0f}" '
                   'text-anchor="middle">No attempts yet</text>')
    # budget lines on top of the bars (at the top edge, marked off-scale, when the chart is scaled to the data)
    yb = y(budget_ms)
    off = "" if budget_ms <= top else " off-scale"
    out.append(f'<line class="budget{off}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yb:.1f}" y2="{yb:.1f}"/>')
    label = f"Okta's {escape(_seconds(budget_ms))} budget" + (" ↑ off scale" if off else "")
    out.append(f'<text class="budget-label" x="{WIDTH - RIGHT - 4}" y="{yb + (14 if off else -6):.1f}" '
               f'text-anchor="end">{label}</text>')
    if configured_ms and abs(configured_ms - budget_ms) > 0.5 and configured_ms <= top:
        yc = y(configured_ms)
        out.append(f'<line class="configured" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yc:.1f}" y2="{yc:.1f}"/>')
        out.append(f'<text class="configured-label" x="{LEFT + 6}" y="{yc - 6:.1f}">'
                   f"this server's timeout: {escape(_seconds(configured_ms))}</text>")
    out.append("</svg>")
    return Markup("".join(out))
