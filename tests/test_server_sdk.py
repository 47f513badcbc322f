"""Acceptance: Okta's official Python SDK (``okta``) drives the emulator's Management API exactly as an Okta org."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import pytest

from okta_hook_emulator.server import serve
from tests.helpers.server import TOKEN, answer_verification

# The SDK is imported by the tests that use it, not at collection (it takes seconds to import).


def _client(url: str) -> Any:
    import okta.client as okta_client

    return okta_client.Client({"orgUrl": url, "token": TOKEN, "authorizationMode": "SSWS",
                               "cache": {"enabled": False}})


def _ok(result: tuple) -> Any:
    value, _resp, err = result
    assert err is None, err
    return value


@pytest.fixture(autouse=True)
def _sdk_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")


def test_sdk_event_hook_lifecycle(server: Any, httpserver: Any) -> None:
    import okta.models as models

    answer_verification(httpserver, "/events")
    uri = httpserver.url_for("/events")
    other = httpserver.url_for("/events-v2")

    async def scenario() -> None:
        client = _client(server.url)
        body = models.EventHook.from_dict({
            "name": "SDK hook", "description": "made by the SDK",
            "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create", "user.lifecycle.deactivate"]},
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": uri, "headers": [{"key": "X-Other", "value": "v"}],
                "authScheme": {"type": "HEADER", "key": "Authorization", "value": "secret"}}}})
        created = _ok(await client.create_event_hook(body))
        assert isinstance(created, models.EventHook)
        assert created.id.startswith("who") and len(created.id) == 20
        assert created.status == "ACTIVE"
        assert created.verification_status.value == "UNVERIFIED"
        assert created.channel.config.auth_scheme.key == "Authorization"
        assert created.channel.config.auth_scheme.value is None  # write-only
        assert created.events.items == ["user.lifecycle.create", "user.lifecycle.deactivate"]

        listed = _ok(await client.list_event_hooks())
        assert [h.id for h in listed] == [created.id]

        got = _ok(await client.get_event_hook(created.id))
        assert got.name == "SDK hook" and got.description == "made by the SDK"

        verified = _ok(await client.verify_event_hook(created.id))
        assert verified.verification_status.value == "VERIFIED"

        replacement = models.EventHook.from_dict({
            "name": "SDK hook renamed", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create"]},
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": other, "authScheme": {"type": "HEADER", "key": "Authorization", "value": "secret2"}}}})
        replaced = _ok(await client.replace_event_hook(created.id, replacement))
        assert replaced.name == "SDK hook renamed"
        assert replaced.channel.config.uri == other
        assert replaced.verification_status.value == "UNVERIFIED"  # a new URI must be verified again

        deactivated = _ok(await client.deactivate_event_hook(created.id))
        assert deactivated.status == "INACTIVE"
        activated = _ok(await client.activate_event_hook(created.id))
        assert activated.status == "ACTIVE"
        _ok(await client.deactivate_event_hook(created.id))
        _, resp, err = await client.delete_event_hook(created.id)
        assert err is None and resp.status_code == 204
        _, _, err = await client.get_event_hook(created.id)
        assert err is not None and "E0000007" in str(err)

    asyncio.run(scenario())


def test_sdk_inline_hook_lifecycle(server: Any, httpserver: Any) -> None:
    import okta.models as models

    uri = httpserver.url_for("/token")

    async def scenario() -> None:
        client = _client(server.url)
        body = models.InlineHookCreate.from_dict({
            "name": "SDK token hook", "type": "com.okta.oauth2.tokens.transform", "version": "1.0.0",
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": uri, "method": "POST", "headers": [{"key": "X-Env", "value": "test"}],
                "authScheme": {"type": "HEADER", "key": "Authorization", "value": "inline-secret"}}}})
        created = _ok(await client.create_inline_hook(body))
        assert created.id.startswith("cal") and created.status.value == "ACTIVE"
        assert created.type.value == "com.okta.oauth2.tokens.transform"
        assert created.channel.config.uri == uri
        # (okta 3.4's InlineHookHttpConfig drops authScheme both ways, so only the headers travel through it)
        assert [(h.key, h.value) for h in created.channel.config.headers] == [("X-Env", "test")]

        saml = models.InlineHookCreate.from_dict({
            "name": "SDK SAML hook", "type": "com.okta.saml.tokens.transform", "version": "1.0.0",
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": uri, "method": "POST"}}})
        _ok(await client.create_inline_hook(saml))

        tokens = _ok(await client.list_inline_hooks(type="com.okta.oauth2.tokens.transform"))
        assert [h.id for h in tokens] == [created.id]
        assert len(_ok(await client.list_inline_hooks())) == 2

        got = _ok(await client.get_inline_hook(created.id))
        assert got.name == "SDK token hook"

        replacement = models.InlineHookReplace.from_dict({
            "name": "SDK token hook v2", "version": "1.0.1",
            "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                "uri": uri + "?v=2", "method": "POST",
                "authScheme": {"type": "HEADER", "key": "Authorization", "value": "rotated"}}}})
        replaced = _ok(await client.replace_inline_hook(created.id, replacement))
        assert replaced.name == "SDK token hook v2" and replaced.version == "1.0.1"
        assert replaced.channel.config.uri == uri + "?v=2"

        deactivated = _ok(await client.deactivate_inline_hook(created.id))
        assert deactivated.status.value == "INACTIVE"
        _, resp, err = await client.delete_inline_hook(created.id)
        assert err is None and resp.status_code == 204
        remaining = _ok(await client.list_inline_hooks())
        assert [h.name for h in remaining] == ["SDK SAML hook"]

    asyncio.run(scenario())


SDK_OVER_TLS = """
import asyncio, sys
from okta.client import Client
from okta.models import EventHook

async def main():
    client = Client({"orgUrl": sys.argv[1], "token": sys.argv[2]})
    body = EventHook.from_dict({"name": "Over TLS", "events": {"type": "EVENT_TYPE", "items": ["user.session.start"]},
                                "channel": {"type": "HTTP", "version": "1.0.0",
                                            "config": {"uri": "https://hooks.example.com/x"}}})
    created, _, err = await client.create_event_hook(body)
    assert err is None, err
    hooks, _, err = await client.list_event_hooks()
    assert err is None, err
    print(created.id, [h.id for h in hooks])

asyncio.run(main())
"""


@pytest.mark.slow
def test_sdk_runs_unmodified_over_tls() -> None:
    """With ``serve(tls=True)`` the SDK needs no testing switch: trust the generated certificate
    (``SSL_CERT_FILE``, read when aiohttp starts) and use the https:// org URL."""
    handle = serve({"api_token": TOKEN, "start_worker": False}, tls=True)
    try:
        env = {k: v for k, v in os.environ.items() if k != "OKTA_TESTING_TESTINGDISABLEHTTPSCHECK"}
        env["SSL_CERT_FILE"] = handle.server.ssl_context.cert_path
        proc = subprocess.run([sys.executable, "-c", SDK_OVER_TLS, handle.url, TOKEN], env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        created, listed = proc.stdout.split(" ", 1)
        assert created.startswith("who") and listed.strip() == f"['{created}']"
    finally:
        handle.stop()
