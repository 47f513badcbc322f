"""Core: inline calls through an OAUTH channel (emulator/oauth_channel.py): the token request, the bearer call,
token reuse and failed token requests. Real HTTP on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.keys import SigningKeys
from okta_hook_emulator.emulator.oauth_channel import OAuthConfig
from okta_hook_emulator.errors import EmulatorUsageError
from tests.helpers.oauth import TokenEndpoint, protect_hook

KINDS = ["token", "saml", "registration", "import", "password_import", "telephony"]


@pytest.fixture
def hook(hook_server: HTTPServer) -> Iterator[HTTPServer]:
    hook_server.clear()
    yield hook_server
    hook_server.clear()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(seed=3) as emu:
        yield emu


def _secret_world(hook: HTTPServer, secret: str = "s3cret") -> tuple[TokenEndpoint, str, list[str]]:
    issuer = TokenEndpoint(hook, clients={"hook-client": secret})
    seen: list[str] = []
    url = protect_hook(hook, issuer.keys.jwks, seen=seen)
    return issuer, url, seen


@pytest.mark.parametrize("kind", KINDS)
def test_client_secret_post_reaches_a_hook_that_checks_the_bearer_token(hook, emulator, kind):
    issuer, url, seen = _secret_world(hook)
    oauth = {"token_url": issuer.url, "client_id": "hook-client", "client_secret": "s3cret", "scope": "okta.hooks"}
    result = emulator.call_inline(kind, url, oauth=oauth)
    assert result.verdict == "ok", result.reason
    assert issuer.forms[0] == {"grant_type": "client_credentials", "scope": "okta.hooks", "client_id": "hook-client",
                               "client_secret": "s3cret"}
    assert seen[0].startswith("Bearer ey")
    exchange = result.to_dict()["tokenExchange"]
    assert exchange["ok"] and exchange["accessToken"] == "********"
    assert "s3cret" not in str(result.to_dict())  # neither the secret nor the token leaks into the records
    assert seen[0][7:] not in str(result.to_dict())


def test_private_key_jwt_sends_a_signed_client_assertion(hook, emulator):
    hook_key = SigningKeys()
    issuer = TokenEndpoint(hook, jwt_clients={"jwt-client": hook_key.public_jwk()})
    url = protect_hook(hook, issuer.keys.jwks)
    oauth = OAuthConfig(token_url=issuer.url, client_id="jwt-client", auth_type="private_key_jwt",
                        private_key=hook_key, key_id=hook_key.kid)
    result = emulator.call_inline("token", url, oauth=oauth)
    assert result.verdict == "ok", result.reason
    form = issuer.forms[0]
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    import jwt

    header = jwt.get_unverified_header(form["client_assertion"])
    claims = jwt.decode(form["client_assertion"], options={"verify_signature": False})
    assert header == {"alg": "RS256", "typ": "JWT", "kid": hook_key.kid}
    assert claims["iss"] == claims["sub"] == "jwt-client" and claims["aud"] == issuer.url
    assert claims["jti"] and claims["exp"] > claims["iat"]
    assert "client_assertion=********" in result.token_exchange.delivery.attempts[0].request.body


def test_a_pem_private_key_works_too(hook, emulator):
    from cryptography.hazmat.primitives import serialization

    hook_key = SigningKeys()
    pem = hook_key.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode()
    issuer = TokenEndpoint(hook, jwt_clients={"jwt-client": hook_key.public_jwk()})
    url = protect_hook(hook, issuer.keys.jwks)
    oauth = {"token_url": issuer.url, "client_id": "jwt-client", "auth_type": "private_key_jwt", "private_key": pem,
             "key_id": hook_key.kid}
    assert emulator.call_inline("registration", url, oauth=oauth).verdict == "ok"


def test_the_token_is_reused_until_it_expires(hook, emulator):
    issuer, url, _ = _secret_world(hook)
    oauth = {"token_url": issuer.url, "client_id": "hook-client", "client_secret": "s3cret"}
    first = emulator.call_inline("token", url, oauth=oauth)
    second = emulator.call_inline("token", url, oauth=oauth)
    assert first.verdict == second.verdict == "ok"
    assert len(issuer.forms) == 1 and second.token_exchange.reused
    emulator.oauth_tokens.clear()
    emulator.call_inline("token", url, oauth=oauth)
    assert len(issuer.forms) == 2


def test_a_wrong_client_secret_fails_the_call_naming_the_token_request(hook, emulator):
    issuer, url, seen = _secret_world(hook)
    oauth = {"token_url": issuer.url, "client_id": "hook-client", "client_secret": "wrong"}
    result = emulator.call_inline("registration", url, oauth=oauth)
    assert result.verdict == "failed"
    assert "token request" in result.reason and "HTTP 401" in result.reason
    assert "Client authentication failed." in result.reason  # what the token endpoint answered
    assert seen == []  # the hook was never called
    assert result.outcome.to_dict()  # registration fails closed: an outcome is still given
    executed = [e for e in result.log_events if e["eventType"] == "inline_hook.executed"]
    assert executed and "token request" in executed[0]["outcome"]["reason"]
    assert "wrong" not in str(result.to_dict())


def test_an_unreachable_token_url_fails_the_call(hook, emulator):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = protect_hook(hook, SigningKeys().jwks)
    oauth = {"token_url": f"http://127.0.0.1:{port}/token", "client_id": "c", "client_secret": "s"}
    result = emulator.call_inline("token", url, oauth=oauth)
    assert result.verdict == "failed"
    assert "token request" in result.reason and "could not connect" in result.reason


def test_a_token_url_answering_500_fails_the_call(hook, emulator):
    issuer = TokenEndpoint(hook, status=500)
    url = protect_hook(hook, issuer.keys.jwks)
    result = emulator.call_inline("saml", url, oauth={"token_url": issuer.url, "client_id": "c",
                                                       "client_secret": "s"})
    assert result.verdict == "failed"
    assert "token request" in result.reason and "HTTP 500" in result.reason and "token service down" in result.reason
    assert len(issuer.forms) == 1  # the token request is not retried


def test_a_token_answer_without_access_token_fails(hook, emulator):
    hook.expect_request("/token", method="POST").respond_with_json({"token_type": "Bearer"})
    url = protect_hook(hook, SigningKeys().jwks)
    result = emulator.call_inline("token", url, oauth={"token_url": hook.url_for("/token"), "client_id": "c",
                                                        "client_secret": "s"})
    assert result.verdict == "failed" and "no access_token" in result.reason


def test_a_token_redirect_is_not_followed(hook, emulator):
    hook.expect_request("/token", method="POST").respond_with_data("", status=302,
                                                                   headers={"Location": "/elsewhere"})
    url = protect_hook(hook, SigningKeys().jwks)
    result = emulator.call_inline("token", url, oauth={"token_url": hook.url_for("/token"), "client_id": "c",
                                                        "client_secret": "s"})
    assert result.verdict == "failed" and "redirect" in result.reason and "token request" in result.reason


@pytest.mark.parametrize("oauth", [
    {"token_url": "http://x/token", "client_id": "c"},  # client_secret_post without a secret
    {"token_url": "http://x/token", "client_id": "c", "auth_type": "private_key_jwt"},  # no key
    {"token_url": "http://x/token", "client_id": "c", "client_secret": "s", "auth_type": "basic"},
    {"token_url": "not a url", "client_id": "c", "client_secret": "s"},
])
def test_incomplete_oauth_settings_are_usage_errors(emulator, oauth):
    with pytest.raises(EmulatorUsageError):
        emulator.call_inline("token", "http://127.0.0.1:9/hook", oauth=oauth)


def test_oauth_and_an_auth_header_together_are_refused(emulator):
    with pytest.raises(EmulatorUsageError, match="not both"):
        emulator.call_inline("token", "http://127.0.0.1:9/hook", auth_header=("Authorization", "x"),
                             oauth={"token_url": "http://x/t", "client_id": "c", "client_secret": "s"})


# -- the CLI: okta-hooks send inline --oauth-* -----------------------------------------------------------------


def _cli(*args: str, env: dict | None = None):
    from click.testing import CliRunner

    from okta_hook_emulator.cli import _load, cli

    _load()
    return CliRunner().invoke(cli, list(args), env=env)


def test_cli_send_inline_through_client_secret_post(hook):
    issuer, url, seen = _secret_world(hook)
    out = _cli("send", "inline", "token", url, "--oauth-token-url", issuer.url, "--oauth-client-id", "hook-client",
               env={"OKTA_HOOKS_OAUTH_CLIENT_SECRET": "s3cret"})
    assert out.exit_code == 0, out.output
    assert "verdict OK" in out.output and "token: obtained from" in out.output
    assert "s3cret" not in out.output and seen[0].startswith("Bearer ")


def test_cli_send_inline_through_private_key_jwt(hook, tmp_path):
    hook_key = SigningKeys()
    from jwt.algorithms import RSAAlgorithm

    private_jwk = json.loads(RSAAlgorithm.to_jwk(hook_key.private_key)) | {"kid": hook_key.kid}
    (tmp_path / "key.json").write_text(json.dumps(private_jwk))
    issuer = TokenEndpoint(hook, jwt_clients={"jwt-client": hook_key.public_jwk()})
    url = protect_hook(hook, issuer.keys.jwks)
    out = _cli("send", "inline", "saml", url, "--oauth-token-url", issuer.url, "--oauth-client-id", "jwt-client",
               "--oauth-private-key", str(tmp_path / "key.json"), "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["tokenExchange"]["authType"] == "private_key_jwt"


def test_cli_send_inline_wrong_secret_exits_1_naming_the_token_request(hook):
    issuer, url, _ = _secret_world(hook)
    out = _cli("send", "inline", "token", url, "--oauth-token-url", issuer.url, "--oauth-client-id", "hook-client",
               "--oauth-client-secret", "nope")
    assert out.exit_code == 1
    assert "token request" in out.output and "token: FAILED" in out.output


def test_cli_oauth_options_need_a_token_url(hook):
    out = _cli("send", "inline", "token", "http://127.0.0.1:9/h", "--oauth-client-id", "c")
    assert out.exit_code == 2 and "--oauth-token-url" in out.output


# -- scenarios (step option `oauth`) and the pytest plugin (`oauth=`) ------------------------------------------


def test_scenario_step_calls_through_an_oauth_channel(hook):
    from okta_hook_emulator.scenarios import load_text, run_scenario

    issuer, url, seen = _secret_world(hook)
    scenario = load_text(f"""
version: 1
name: oauth-token-hook
steps:
  - name: token
    action: inline
    hook: token
    oauth: {{token_url: "{issuer.url}", client_id: hook-client, client_secret: s3cret, scope: okta.hooks}}
    expect:
      verdict: ok
  - name: wrong_secret
    action: inline
    hook: token
    oauth: {{token_url: "{issuer.url}", client_id: hook-client, client_secret: nope}}
    expect:
      verdict: failed
      fields:
        reason: {{contains: token request}}
""")
    result = run_scenario(scenario, target=url)
    assert result.passed, result.steps
    assert len(issuer.forms) == 2 and seen[0].startswith("Bearer ")


def test_plugin_hook_fixture_passes_oauth(hook):
    from okta_hook_emulator.pytest_plugin.hooks import OktaHooks

    issuer, url, _ = _secret_world(hook)
    hooks = OktaHooks(url)
    try:
        result = hooks.token_hook(oauth={"token_url": issuer.url, "client_id": "hook-client",
                                         "client_secret": "s3cret"})
        assert result.raw.verdict == "ok"
    finally:
        hooks.close()


def test_scenario_oauth_option_through_a_server_is_refused(server):
    from okta_hook_emulator.scenarios import ScenarioError, load_text, run_scenario
    from tests.helpers.server import TOKEN

    scenario = load_text("""
version: 1
name: oauth-remote
steps:
  - name: token
    action: inline
    hook: token
    oauth: {token_url: "http://127.0.0.1:9/t", client_id: c, client_secret: s}
""")
    with pytest.raises(ScenarioError, match="OAUTH channel"):
        run_scenario(scenario, server=server.url, token=TOKEN, target="http://127.0.0.1:9/hook")


# -- one-call client set-up with the emulator's in-process token issuer (emulator/hook_issuer.py) --------------


@pytest.mark.parametrize("auth_type", ["client_secret_post", "private_key_jwt"])
def test_oauth_client_in_one_call_with_the_in_process_issuer(hook, emulator, auth_type):
    url = protect_hook(hook, emulator.keys.jwks)  # the hook trusts the emulator's JWKS
    oauth = emulator.oauth_client("0oaOneCall", auth_type=auth_type, scope="okta.hooks")
    result = emulator.call_inline("import", url, oauth=oauth)
    assert result.verdict == "ok", result.reason
    assert result.token_exchange.auth_type == auth_type


def test_the_in_process_issuer_refuses_an_unknown_secret(hook, emulator):
    url = protect_hook(hook, emulator.keys.jwks)
    good = emulator.oauth_client("0oaOneCall", client_secret="right")
    bad = OAuthConfig(good.token_url, "0oaOneCall", client_secret="wrong")
    result = emulator.call_inline("token", url, oauth=bad)
    assert result.verdict == "failed" and "token request" in result.reason and "HTTP 401" in result.reason


def test_plugin_sets_up_an_oauth_client_in_one_call(hook):
    from okta_hook_emulator.pytest_plugin.hooks import OktaHooks

    hooks = OktaHooks(None)
    try:
        url = protect_hook(hook, hooks.emulator.keys.jwks)
        result = hooks.password_import_hook(target=url, oauth=hooks.oauth_client(auth_type="private_key_jwt"))
        assert result.raw.token_exchange.ok and result.raw.transport == "ok"
    finally:
        hooks.close()
