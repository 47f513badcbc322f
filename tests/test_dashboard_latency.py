"""The Latency page's chart scales to the data: a hook answering in milliseconds fills the chart instead of a flat
sliver under Okta's 3 s budget, and the budget stays marked (off-scale at the top edge)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from okta_hook_emulator.dashboard.charts import BOTTOM, HEIGHT, TOP, latency_chart, scaled_to_data
from tests.helpers.server import inline_hook_body

BUDGET = 3000.0
PLOT_H = HEIGHT - TOP - BOTTOM


def _points(*elapsed: float) -> list[dict]:
    return [{"elapsed": ms, "transport": "ok", "number": 1, "delivery": f"dlv{i}", "kind": "token", "status": 200}
            for i, ms in enumerate(elapsed)]


def _bar_heights(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'<rect class="bar [^"]*" [^>]*height="([\d.]+)"', svg)]


def test_a_fast_hook_fills_the_chart_and_the_budget_is_marked_off_scale() -> None:
    points = _points(3.0, 5.0, 4.0)
    svg = str(latency_chart(points, budget_ms=BUDGET))
    heights = _bar_heights(svg)
    assert max(heights) > PLOT_H * 0.6  # the slowest attempt takes most of the plot, not 3 px
    assert heights[0] < heights[1]  # and differences between attempts show
    assert "Okta's 3 s budget ↑ off scale</text>" in svg and 'class="budget off-scale"' in svg
    assert "far above this chart" in svg  # said to screen readers too
    assert scaled_to_data(points, BUDGET)


def test_a_slow_hook_is_drawn_against_the_budget_on_scale() -> None:
    points = _points(5.0, 2500.0)
    svg = str(latency_chart(points, budget_ms=BUDGET))
    assert "Okta's 3 s budget</text>" in svg and "off-scale" not in svg and "off scale" not in svg
    assert not scaled_to_data(points, BUDGET)
    assert max(_bar_heights(svg)) < PLOT_H  # the budget (3 s) is above the 2.5 s bar, inside the plot


def test_an_empty_chart_keeps_the_budget_scale() -> None:
    svg = str(latency_chart([], budget_ms=BUDGET))
    assert "No attempts yet" in svg and "Okta's 3 s budget</text>" in svg and not scaled_to_data([], BUDGET)


def test_latency_page_says_when_it_is_scaled_to_the_data(server: Any, api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/token", method="POST").respond_with_data("", status=204)
    api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token"), name="Fast tokens"))
    assert api.post("/_emulator/flows/token", json={}).json()["verdict"] == "ok"
    page = httpx.get(f"{server.url}/latency").text
    assert "Scaled to the slowest attempt" in page and "off scale</text>" in page
