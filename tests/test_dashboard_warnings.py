"""The dashboard's delivery page shows an inline answer's warnings next to its problems."""

from __future__ import annotations

import httpx

from okta_hook_emulator.payloads.generate import PayloadFactory
from tests.helpers.server import inline_hook_body


def test_delivery_page_lists_the_warnings(api, server, httpserver):
    httpserver.expect_request("/token", method="POST").respond_with_json({"result": "SUCCESS", "commands": []})
    hook = api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token"))).json()
    executed = api.post(f"/api/v1/inlineHooks/{hook['id']}/execute", json=PayloadFactory(0).inline_request("token"))
    assert executed.status_code == 200, executed.text
    (record,) = server.state.store.list_deliveries()
    page = httpx.get(f"{server.url}/deliveries/{record['id']}").text
    assert "Warnings" in page and "[unknown_key]" in page and "$.result" in page
