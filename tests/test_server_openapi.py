"""The OpenAPI document lists exactly the routes (and methods) the app serves; the hand-kept file covers every
API route (only the pages of optional blueprints such as the dashboard are described from their views)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from okta_hook_emulator.dashboard import bp as dashboard_bp
from okta_hook_emulator.server import create_app
from okta_hook_emulator.server.control import documented_routes, load_openapi


def _app_routes() -> set[tuple[str, str, str]]:
    app = create_app(start_worker=False, blueprints=[dashboard_bp])
    try:
        return {(path, method, getattr(view, "__module__", "")) for path, method, view in documented_routes(app)}
    finally:
        app.extensions["okta_hooks"].close()


def test_served_document_matches_the_route_table(server: Any) -> None:
    doc = httpx.get(server.url + "/_emulator/openapi.json").json()  # public, no token needed
    assert doc["openapi"].startswith("3.")
    assert doc["servers"] == [{"url": server.url}]
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    served = {(path, method) for path, method, _ in _app_routes()}
    assert documented == served
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["summary"] and op["responses"], (method, path)
            for name in re.findall(r"{(\w+)}", path):
                assert any(p["name"] == name and p["in"] == "path" for p in op.get("parameters", [])), (path, name)


def test_hand_kept_file_covers_every_api_route() -> None:
    hand = load_openapi()
    documented = {(path, method) for path, ops in hand["paths"].items() for method in ops}
    api_routes = {(path, method) for path, method, module in _app_routes()
                  if module.startswith("okta_hook_emulator.server")}
    assert api_routes - documented == set(), "served but not documented in server/openapi.json"
    assert documented - api_routes == set(), "documented but not served"
    assert {p for p, _ in api_routes} >= {"/api/v1/eventHooks", "/api/v1/inlineHooks", "/api/v1/logs",
                                          "/oauth2/default/v1/token", "/_emulator/events"}
