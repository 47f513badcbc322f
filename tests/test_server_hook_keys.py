"""Server: the Hook Keys API (``/api/v1/hook-keys``): Okta's shapes (as recorded by Terraform's acceptance test
TestAccResourceHookKey_crud), the 50-key limit, ``isUsed``, System Log events, sealed private keys, and Okta's
Python SDK."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from typing import Any

import httpx
import pytest

from okta_hook_emulator.server import serve
from tests.helpers.server import AUTH, TOKEN, assert_okta_error

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
KEY_FIELDS = ["id", "keyId", "name", "created", "lastUpdated", "isUsed"]


def test_recorded_terraform_traffic_replays(api: httpx.Client) -> None:
    """The six recorded calls (create, get, get, replace, get, delete) and the recorded answers' shapes."""
    created = api.post("/api/v1/hook-keys", json={"name": "test_hook_key"})
    assert created.status_code == 200
    key = created.json()
    assert list(key) == KEY_FIELDS + ["_embedded"]
    assert key["id"].startswith("HKY") and len(key["id"]) == 20 and UUID.match(key["keyId"])
    assert key["isUsed"] is False and key["created"] == key["lastUpdated"]
    assert list(key["_embedded"]) == ["kty", "alg", "kid", "use", "e", "n"]
    assert key["_embedded"]["kid"] == key["keyId"] and key["_embedded"]["alg"] == "RSA"
    assert key["_embedded"]["use"] is None and key["_embedded"]["e"] == "AQAB"
    for _ in range(2):
        got = api.get(f"/api/v1/hook-keys/{key['id']}")
        assert got.status_code == 200 and list(got.json()) == KEY_FIELDS  # no _embedded on GET
    replaced = api.put(f"/api/v1/hook-keys/{key['id']}", json={"name": "test_hook_key_updated"}).json()
    assert replaced["name"] == "test_hook_key_updated" and replaced["_embedded"] == key["_embedded"]
    assert replaced["keyId"] == key["keyId"] and replaced["created"] == key["created"]
    assert api.get(f"/api/v1/hook-keys/{key['id']}").json()["name"] == "test_hook_key_updated"
    deleted = api.delete(f"/api/v1/hook-keys/{key['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert_okta_error(api.get(f"/api/v1/hook-keys/{key['id']}"), 404, "E0000007")


def test_public_key_by_key_id_and_list(api: httpx.Client) -> None:
    first = api.post("/api/v1/hook-keys", json={"name": "one"}).json()
    second = api.post("/api/v1/hook-keys", json={"name": "two"}).json()
    assert [k["id"] for k in api.get("/api/v1/hook-keys").json()] == [first["id"], second["id"]]
    assert api.get(f"/api/v1/hook-keys/public/{second['keyId']}").json() == second["_embedded"]
    assert_okta_error(api.get(f"/api/v1/hook-keys/public/{second['id']}"), 404, "E0000007", "keyId")
    assert_okta_error(api.post("/api/v1/hook-keys", json={"name": "one"}), 400, "E0000001", "already exists")
    assert_okta_error(api.post("/api/v1/hook-keys", json={}), 400, "E0000001", "name")


def test_a_used_key_cannot_be_deleted(api: httpx.Client) -> None:
    key = api.post("/api/v1/hook-keys", json={"name": "in use"}).json()
    hook = api.post("/api/v1/inlineHooks", json={
        "name": "jwt hook", "type": "com.okta.import.transform", "version": "1.0.0",
        "channel": {"type": "OAUTH", "version": "1.0.0", "config": {
            "uri": "https://example.com/h", "method": "POST", "tokenUrl": "https://example.com/t",
            "authType": "private_key_jwt", "clientId": "c", "hookKeyId": key["id"]}}}).json()
    assert hook["channel"]["config"]["hookKeyId"] == key["id"]
    assert api.get(f"/api/v1/hook-keys/{key['id']}").json()["isUsed"] is True
    assert_okta_error(api.delete(f"/api/v1/hook-keys/{key['id']}"), 400, "E0000001", "isUsed")
    api.post(f"/api/v1/inlineHooks/{hook['id']}/lifecycle/deactivate")
    assert api.delete(f"/api/v1/inlineHooks/{hook['id']}").status_code == 204
    assert api.delete(f"/api/v1/hook-keys/{key['id']}").status_code == 204


def test_system_log_events_of_hook_keys(api: httpx.Client) -> None:
    key = api.post("/api/v1/hook-keys", json={"name": "logged"}).json()
    api.put(f"/api/v1/hook-keys/{key['id']}", json={"name": "logged 2"})
    api.delete(f"/api/v1/hook-keys/{key['id']}")
    events = api.get("/api/v1/logs", params={"filter": 'eventType sw "system.hook.key."'}).json()
    assert [e["eventType"] for e in events] == ["system.hook.key.created", "system.hook.key.updated",
                                                "system.hook.key.deleted"]
    assert all(e["target"][0]["id"] == key["id"] and e["target"][0]["type"] == "HookKey" for e in events)


@pytest.mark.slow
def test_the_org_limit_is_50_keys(api: httpx.Client) -> None:
    for n in range(50):
        assert api.post("/api/v1/hook-keys", json={"name": f"k{n}"}).status_code == 200
    assert_okta_error(api.post("/api/v1/hook-keys", json={"name": "k50"}), 400, "E0000001", "at most 50")


def test_private_keys_are_sealed_in_the_database_and_survive_a_restart(tmp_path: Any) -> None:
    db = str(tmp_path / "org.db")
    handle = serve({"api_token": TOKEN, "db": db})
    try:
        key = httpx.post(f"{handle.url}/api/v1/hook-keys", json={"name": "kept"}, headers=AUTH).json()
    finally:
        handle.stop()
    with sqlite3.connect(db) as conn:
        raw = " ".join(r[0] for r in conn.execute("SELECT data FROM hooks"))
    assert key["id"] in raw and "PRIVATE KEY" not in raw
    handle = serve({"api_token": TOKEN, "db": db})
    try:
        public = httpx.get(f"{handle.url}/api/v1/hook-keys/public/{key['keyId']}", headers=AUTH).json()
    finally:
        handle.stop()
    assert public == key["_embedded"]


def test_okta_python_sdk_hook_key_calls(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Okta's SDK (okta 3.x) types ``isUsed`` as a string while Okta answers a boolean (recorded traffic), so the
    SDK's calls that parse a HookKey raise on real Okta and here alike; the others work."""
    import okta.client as okta_client
    import okta.models as models
    from pydantic import ValidationError

    monkeypatch.setenv("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")
    key = httpx.post(f"{server.url}/api/v1/hook-keys", json={"name": "for the sdk"}, headers=AUTH).json()

    async def scenario() -> None:
        client = okta_client.Client({"orgUrl": server.url, "token": TOKEN, "authorizationMode": "SSWS",
                                     "cache": {"enabled": False}})
        public, _resp, err = await client.get_public_key(key["keyId"])
        assert err is None and isinstance(public, models.Embedded)
        assert public.kid == key["keyId"] and public.n == key["_embedded"]["n"]
        with pytest.raises(ValidationError, match="isUsed"):
            await client.get_hook_key(key["id"])
        with pytest.raises(ValidationError, match="isUsed"):
            await client.create_hook_key(models.KeyRequest(name="from the sdk"))
        _value, resp, err = await client.delete_hook_key(key["id"])
        assert err is None and resp.status_code == 204

    asyncio.run(scenario())
