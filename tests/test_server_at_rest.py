"""The database at rest and the server's credentials (issue #18 findings 9 and 10): the file and its key are
readable by their owner only, hook secrets never sit in plain JSON, each database has its own random demo client
secret (kept across restarts), and the API token and client secret are compared in constant time."""

from __future__ import annotations

import secrets
import sqlite3
import stat
from pathlib import Path

import httpx

from okta_hook_emulator.server import create_app, serve
from tests.helpers.server import AUTH, TOKEN, event_hook_body, inline_hook_body

EVENT_SECRET = "event-hook-shared-secret-value"
INLINE_SECRET = "inline-hook-shared-secret-value"
OAUTH_SECRET = "oauth-client-secret-value"
HEADER_SECRET = "custom-api-key-header-value"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def register_secret_hooks(url: str) -> None:
    with httpx.Client(base_url=url, headers=AUTH) as client:
        event = event_hook_body("http://127.0.0.1:9/hook")
        event["channel"]["config"]["authScheme"]["value"] = EVENT_SECRET
        event["channel"]["config"]["headers"] = [{"key": "X-Api-Key", "value": HEADER_SECRET}]
        assert client.post("/api/v1/eventHooks", json=event).status_code == 200
        inline = inline_hook_body("http://127.0.0.1:9/token")
        inline["channel"]["config"]["authScheme"]["value"] = INLINE_SECRET
        assert client.post("/api/v1/inlineHooks", json=inline).status_code == 200
        oauth = inline_hook_body("http://127.0.0.1:9/import", "com.okta.import.transform", name="oauth")
        oauth["channel"] = {"type": "OAUTH", "version": "1.0.0", "config": {
            "uri": "http://127.0.0.1:9/import", "method": "POST", "authType": "client_secret_post",
            "clientId": "0oaPlanted", "clientSecret": OAUTH_SECRET, "tokenUrl": "http://127.0.0.1:9/t"}}
        assert client.post("/api/v1/inlineHooks", json=oauth).status_code == 200


def test_database_and_key_files_are_private_and_hook_secrets_are_encrypted(tmp_path):
    db = tmp_path / "okta.db"
    handle = serve({"db": str(db), "api_token": TOKEN})
    try:
        register_secret_hooks(handle.url)
        with httpx.Client(base_url=handle.url, headers=AUTH) as client:
            org = client.get("/_emulator/org").json()
    finally:
        handle.stop()
    for path in (db, Path(f"{db}.key")):
        assert path.exists() and mode(path) == 0o600, (path, oct(mode(path)))
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{db}{suffix}")
        assert not extra.exists() or mode(extra) == 0o600
    raw = db.read_bytes() + b"".join(Path(f"{db}{s}").read_bytes() for s in ("-wal",) if Path(f"{db}{s}").exists())
    for secret in (EVENT_SECRET, INLINE_SECRET, OAUTH_SECRET, HEADER_SECRET, org["clientSecret"]):
        assert secret.encode() not in raw, secret
    conn = sqlite3.connect(db)
    try:
        stored = " ".join(r[0] for r in conn.execute("SELECT data FROM hooks"))
    finally:
        conn.close()
    assert "fernet:" in stored and EVENT_SECRET not in stored

    # a restart on the same file (and key) still uses the secrets
    again = create_app({"db": str(db), "api_token": TOKEN, "start_worker": False})
    store = again.extensions["okta_hooks"].store
    event_hook = store.list_hooks("event")[0]
    assert event_hook["channel"]["config"]["authScheme"]["value"] == EVENT_SECRET
    assert event_hook["channel"]["config"]["headers"][0]["value"] == HEADER_SECRET
    assert {h["channel"]["config"].get("clientSecret") for h in store.list_hooks("inline")} >= {OAUTH_SECRET}
    again.extensions["okta_hooks"].close()


def test_secret_key_can_live_outside_the_database_folder(tmp_path):
    db, key = tmp_path / "data" / "okta.db", tmp_path / "keys" / "okta.key"
    db.parent.mkdir()
    key.parent.mkdir()
    handle = serve({"db": str(db), "api_token": TOKEN, "secret_key": str(key)})
    try:
        register_secret_hooks(handle.url)
    finally:
        handle.stop()
    assert mode(key) == 0o600 and not Path(f"{db}.key").exists()
    again = create_app({"db": str(db), "api_token": TOKEN, "start_worker": False, "secret_key": str(key)})
    hook = again.extensions["okta_hooks"].store.list_hooks("event")[0]
    assert hook["channel"]["config"]["authScheme"]["value"] == EVENT_SECRET
    again.extensions["okta_hooks"].close()


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    db = tmp_path / "old.db"
    sqlite3.connect(db).close()
    db.chmod(0o644)
    app = create_app({"db": str(db), "api_token": TOKEN, "start_worker": False})
    app.extensions["okta_hooks"].close()
    assert mode(db) == 0o600


def demo_secret(db: str, seed: int = 0) -> str:
    app = create_app({"db": db, "api_token": TOKEN, "start_worker": False, "seed": seed})
    try:
        return app.test_client().get("/_emulator/org", headers=AUTH).get_json()["clientSecret"]
    finally:
        app.extensions["okta_hooks"].close()


def test_each_database_has_its_own_random_demo_client_secret_kept_across_restarts(tmp_path):
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    secret_a, secret_b = demo_secret(first), demo_secret(second)
    assert secret_a != secret_b  # same seed, different databases
    assert demo_secret(":memory:") != demo_secret(":memory:")
    assert demo_secret(first) == secret_a  # persisted
    assert len(secret_a) >= 32


def test_api_token_and_client_secret_are_compared_in_constant_time(monkeypatch):
    compared: list[tuple[bytes, bytes]] = []
    real = secrets.compare_digest

    def spy(a, b):
        compared.append((a if isinstance(a, bytes) else a.encode(), b if isinstance(b, bytes) else b.encode()))
        return real(a, b)

    monkeypatch.setattr(secrets, "compare_digest", spy)
    app = create_app({"api_token": TOKEN, "start_worker": False})
    client = app.test_client()
    assert client.get("/api/v1/eventHooks", headers={"Authorization": "SSWS wrong"}).status_code == 401
    assert (b"wrong", TOKEN.encode()) in compared
    assert client.get("/api/v1/eventHooks", headers=AUTH).status_code == 200
    org = client.get("/_emulator/org", headers=AUTH).get_json()
    compared.clear()
    resp = client.post("/oauth2/default/v1/token", data={"grant_type": "client_credentials", "client_id":
                                                         org["clientId"], "client_secret": "not-it"})
    assert resp.status_code == 401
    assert (b"not-it", org["clientSecret"].encode()) in compared
