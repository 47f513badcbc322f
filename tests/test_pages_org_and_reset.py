"""Where the hosted pages are and what a reset forgets, over real HTTP: ``GET /_emulator/org`` lists the hosted
pages (each answers), ``okta-hooks serve`` prints them in its banner, and ``POST /_emulator/reset`` forgets apps
created through the Apps API and the authorization server's codes and tokens (the demo client stays)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from okta_hook_emulator.server.users import DEMO_PASSWORD
from tests.helpers.server import TOKEN

APP = {"label": "My SPA", "signOnMode": "OPENID_CONNECT",
       "credentials": {"oauthClient": {"token_endpoint_auth_method": "none"}},
       "settings": {"oauthClient": {"redirect_uris": ["http://127.0.0.1:9/callback"]}}}


def test_org_lists_the_hosted_pages_and_each_answers(server: Any, api: httpx.Client) -> None:
    pages = api.get("/_emulator/org").json()["pages"]
    assert pages == {"signIn": server.url + "/login/login.htm", "registration": server.url + "/signin/register",
                     "demoApp": server.url + "/demo-app/", "verifyPhone": server.url + "/signin/verify/phone"}
    for name in ("signIn", "registration", "demoApp"):
        assert httpx.get(pages[name]).status_code == 200, name
    to_sign_in = httpx.get(pages["verifyPhone"])  # for a signed-in person: first the sign-in page
    assert to_sign_in.status_code == 302 and to_sign_in.headers["location"].startswith("/login/login.htm")


def test_reset_forgets_api_apps_codes_and_tokens_but_not_the_demo_client(server: Any, api: httpx.Client) -> None:
    app = api.post("/api/v1/apps", json=APP).json()
    org = api.get("/_emulator/org").json()
    token_url = server.url + "/oauth2/default/v1/token"
    client = {"client_id": org["clientId"], "client_secret": org["clientSecret"]}
    issued = httpx.post(token_url, data={"grant_type": "password", "username": org["users"][0]["login"],
                                         "password": DEMO_PASSWORD, "scope": "openid offline_access", **client})
    assert issued.status_code == 200, issued.text
    tokens = issued.json()
    introspect = server.url + "/oauth2/default/v1/introspect"
    assert httpx.post(introspect, data={"token": tokens["access_token"], **client}).json()["active"] is True

    assert api.post("/_emulator/reset").json() == {"reset": True}

    assert api.get(f"/api/v1/apps/{app['id']}").status_code == 404
    authorize = httpx.get(server.url + "/oauth2/default/v1/authorize", params={
        "client_id": app["id"], "response_type": "code", "scope": "openid", "state": "s",
        "redirect_uri": "http://127.0.0.1:9/callback"})
    assert authorize.status_code == 400 and "invalid_client" in authorize.text
    assert httpx.post(introspect, data={"token": tokens["access_token"], **client}).json() == {"active": False}
    after = api.get("/_emulator/org").json()
    assert (after["clientId"], after["clientSecret"]) == (org["clientId"], org["clientSecret"])


@pytest.mark.slow  # an okta-hooks serve process
def test_serve_banner_prints_the_sign_in_registration_and_demo_app_urls(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--port", "0",
           "--db", str(tmp_path / "org.db"), "--token", TOKEN, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines: list[str] = []
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith("Press Ctrl-C"):
                break
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    url = lines[0].split("listening on ", 1)[1]
    banner = "\n".join(lines)
    assert f"Sign-in page:   {url}/login/login.htm   Registration: {url}/signin/register" in banner, banner
    assert f"Demo app:       {url}/demo-app/" in banner, banner
