"""``--oauth-*`` options of ``okta-hooks send inline``: call the hook through an OAUTH channel
(``emulator/oauth_channel.py``): a client credentials token request first, then the call with the bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def oauth_options(fn: Callable) -> Callable:
    """Add the ``--oauth-*`` options (passed to the command as ``oauth_*`` keyword arguments)."""
    options = [
        click.option("--oauth-token-url", default=None, metavar="URL",
                     help="OAUTH channel: the token URL (client credentials grant); enables the OAUTH channel."),
        click.option("--oauth-client-id", default=None, metavar="ID", help="OAUTH channel: the client id."),
        click.option("--oauth-client-secret", default=None, metavar="SECRET", envvar="OKTA_HOOKS_OAUTH_CLIENT_SECRET",
                     help="client_secret_post: the client secret (or env OKTA_HOOKS_OAUTH_CLIENT_SECRET)."),
        click.option("--oauth-private-key", default=None, metavar="FILE", type=click.Path(exists=True, dir_okay=False),
                     help="private_key_jwt: the hook key's private key (PEM or private JWK JSON)."),
        click.option("--oauth-key-id", default=None, metavar="KID",
                     help="private_key_jwt: the hook key id, sent as the assertion's kid."),
        click.option("--oauth-scope", default=None, metavar="SCOPES", help="OAUTH channel: scopes to request."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def oauth_config(oauth_token_url: str | None = None, oauth_client_id: str | None = None,
                 oauth_client_secret: str | None = None, oauth_private_key: str | None = None,
                 oauth_key_id: str | None = None, oauth_scope: str | None = None) -> Any:
    """The ``OAuthConfig`` the options describe, or ``None`` without ``--oauth-token-url``."""
    from ..emulator.oauth_channel import CLIENT_SECRET_POST, PRIVATE_KEY_JWT, OAuthConfig

    given = [oauth_client_id, oauth_client_secret, oauth_private_key, oauth_key_id, oauth_scope]
    if oauth_token_url is None:
        if any(v is not None for v in given[:1] + given[2:]):  # the secret may come from the environment
            raise click.UsageError("The --oauth-* options need --oauth-token-url.")
        return None
    if oauth_client_id is None:
        raise click.UsageError("--oauth-token-url needs --oauth-client-id.")
    if (oauth_client_secret is None) == (oauth_private_key is None):
        raise click.UsageError("Give either --oauth-client-secret (client_secret_post) or --oauth-private-key "
                               "(private_key_jwt).")
    key: Any = None
    if oauth_private_key is not None:
        text = Path(oauth_private_key).read_text()
        key = json.loads(text) if text.lstrip().startswith("{") else text
        if isinstance(key, dict) and oauth_key_id is None:
            oauth_key_id = key.get("kid")
    return OAuthConfig(token_url=oauth_token_url, client_id=oauth_client_id,
                       auth_type=PRIVATE_KEY_JWT if key is not None else CLIENT_SECRET_POST,
                       client_secret=oauth_client_secret, private_key=key, key_id=oauth_key_id, scope=oauth_scope)


def exchange_line(result: Any) -> str | None:
    """One line about the token request of an OAUTH call (secrets never shown), or ``None``."""
    exchange = getattr(result, "token_exchange", None)
    if exchange is None:
        return None
    if exchange.reused:
        return f"  token: reused ({exchange.auth_type}, client {exchange.client_id})"
    status = exchange.delivery.status if exchange.delivery else None
    state = "obtained" if exchange.ok else "FAILED"
    return (f"  token: {state} from {exchange.token_url} ({exchange.auth_type}, client {exchange.client_id}, "
            f"HTTP {status if status is not None else '-'}, {exchange.elapsed_ms:.0f} ms)")
