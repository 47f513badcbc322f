"""The hand-kept OpenAPI document lists exactly the routes (and methods) the app serves."""

from __future__ import annotations

import re
from typing import Any

import httpx
from server_support import server  # noqa: F401

from okta_hook_emulator.emulator.server import create_app

IGNORED_ENDPOINTS = {"static"}  # Flask's static files (dashboard assets)


def _routes() -> set[tuple[str, str]]:
    app = create_app(start_worker=False)
    try:
        out = set()
        for rule in app.url_map.iter_rules():
            if rule.endpoint in IGNORED_ENDPOINTS:
                continue
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: "{" + _camel(m.group(1)) + "}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                out.add((path, method.lower()))
        return out
    finally:
        app.extensions["okta_hooks"].close()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def test_openapi_document_matches_the_route_table(server: Any) -> None:  # noqa: F811
    doc = httpx.get(server.url + "/_emulator/openapi.json").json()  # public, no token needed
    assert doc["openapi"].startswith("3.")
    assert doc["servers"] == [{"url": server.url}]
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    routes = _routes()
    assert documented - routes == set(), "documented but not served"
    assert routes - documented == set(), "served but not documented in emulator/server/openapi.json"
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["summary"] and op["responses"], (method, path)
            for name in re.findall(r"{(\w+)}", path):
                assert any(p["name"] == name and p["in"] == "path" for p in op.get("parameters", [])), (path, name)
