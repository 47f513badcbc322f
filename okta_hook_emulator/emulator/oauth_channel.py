"""Calls through an OAuth 2.0 channel (``channel.type: "OAUTH"``, docs/okta-behaviour.md#oauth-channels).

Before the hook call Okta asks the channel's ``tokenUrl`` for an access token with the client credentials grant
and sends it as ``Authorization: Bearer <access_token>``:

- ``client_secret_post``: form ``grant_type=client_credentials``, ``client_id``, ``client_secret``, ``scope``;
- ``private_key_jwt``: the same form with ``client_assertion_type`` (jwt-bearer) and a ``client_assertion`` JWT
  signed RS256 with the hook key's private key (``iss`` = ``sub`` = client id, ``aud`` = token URL, ``jti``,
  ``iat``, a short ``exp``, header ``kid`` = the hook key id).

The token request goes through the emulator's :class:`~okta_hook_emulator.emulator.sender.Sender` (timeout, no
redirects, recorded attempts); a failed request fails the hook call with a reason naming the token request.
Tokens are reused until they expire (``fidelity.OAUTH_REUSE_TOKEN_UNTIL_EXPIRY``); the cache lives on the
``Emulator`` (:class:`TokenCache`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from .. import fidelity, wire_json
from ..clock import Clock
from ..errors import EmulatorUsageError
from . import records as R
from .policy import DeliveryPolicy
from .transport import HookChannel, Target

CLIENT_SECRET_POST = "client_secret_post"
PRIVATE_KEY_JWT = "private_key_jwt"
AUTH_TYPES = (CLIENT_SECRET_POST, PRIVATE_KEY_JWT)
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
FORM = "application/x-www-form-urlencoded"
_SECRET_FIELDS = ("client_secret", "client_assertion")


@dataclass(frozen=True)
class OAuthConfig:
    """An OAUTH channel's ``config``: ``auth_type`` ``client_secret_post`` (needs ``client_secret``) or
    ``private_key_jwt`` (needs ``private_key``: PEM text, a private JWK dict, a ``cryptography`` RSA key or
    ``SigningKeys``; ``key_id`` is the hook key id sent as the assertion's ``kid``). ``token_url`` is a URL, or
    an in-process app / ``Target`` (tests)."""

    token_url: Any
    client_id: str
    auth_type: str = CLIENT_SECRET_POST
    client_secret: str | None = field(default=None, repr=False)
    private_key: Any = field(default=None, repr=False, compare=False)
    key_id: str | None = None
    scope: str | None = None

    def __post_init__(self) -> None:
        if self.auth_type not in AUTH_TYPES:
            raise EmulatorUsageError(f"OAuth authType must be one of {', '.join(AUTH_TYPES)}; got {self.auth_type!r}.")
        if not self.client_id:
            raise EmulatorUsageError("An OAUTH channel needs a client id.")
        if self.auth_type == CLIENT_SECRET_POST and not self.client_secret:
            raise EmulatorUsageError("authType client_secret_post needs a client secret.")
        if self.auth_type == PRIVATE_KEY_JWT and self.private_key is None:
            raise EmulatorUsageError("authType private_key_jwt needs the hook key's private key.")
        Target.of(self.token_url)  # refuse a token URL that is no URL / app now, not at call time

    @classmethod
    def from_channel_config(cls, config: dict[str, Any], private_key: Any = None) -> OAuthConfig:
        """From an Okta ``channel.config`` of type OAUTH (``clientId``, ``tokenUrl``, ``authType``, ``scope``,
        ``clientSecret`` or ``hookKeyId``); ``private_key`` is the hook key's private key for private_key_jwt."""
        return cls(token_url=config.get("tokenUrl"), client_id=config.get("clientId") or "",
                   auth_type=config.get("authType") or CLIENT_SECRET_POST, client_secret=config.get("clientSecret"),
                   private_key=private_key, key_id=config.get("hookKeyId"), scope=config.get("scope"))

    @property
    def token_target(self) -> Target:
        return Target.of(self.token_url)

    def cache_key(self) -> tuple:
        """What identifies a reusable token: endpoint, client, scope and a digest of the credential."""
        if self.auth_type == CLIENT_SECRET_POST:
            credential = self.client_secret
        elif isinstance(self.private_key, str | bytes):
            credential = f"{self.key_id}:{self.private_key!r}"
        else:
            credential = f"{self.key_id}:{id(self.private_key)}"
        digest = hashlib.sha256(str(credential).encode()).hexdigest()
        return (self.token_target.address, self.client_id, self.auth_type, self.scope, digest)


@dataclass
class TokenExchange:
    """One token request (or a reused token): what was asked, what came back, and the result."""

    token_url: str
    auth_type: str
    client_id: str
    scope: str | None
    reused: bool = False
    delivery: R.Delivery | None = None
    access_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None  # clock timestamp (seconds)
    error: str | None = None  # why the token request failed (None when a token was obtained)
    elapsed_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.access_token is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly, secrets masked (the form's client_secret / client_assertion, the access token)."""
        return {"tokenUrl": self.token_url, "authType": self.auth_type, "clientId": self.client_id,
                "scope": self.scope, "reused": self.reused, "ok": self.ok, "error": self.error,
                "accessToken": R.SECRET_MASK if self.access_token else None, "elapsedMs": self.elapsed_ms,
                "attempts": [a.to_dict() for a in self.delivery.attempts] if self.delivery else []}


def _private_key(value: Any) -> Any:
    """A ``cryptography`` RSA private key from PEM text/bytes, a private JWK dict, ``SigningKeys`` or a key."""
    from .keys import SigningKeys

    if isinstance(value, SigningKeys):
        return value.private_key
    if isinstance(value, str | bytes):
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        return load_pem_private_key(value.encode() if isinstance(value, str) else value, password=None)
    if isinstance(value, dict):
        from jwt.algorithms import RSAAlgorithm

        return RSAAlgorithm.from_jwk(value)
    return value


def client_assertion(config: OAuthConfig, now: float, jti: str) -> str:
    """The RS256 client assertion of a private_key_jwt token request."""
    import jwt

    from .keys import SigningKeys

    kid = config.key_id or (config.private_key.kid if isinstance(config.private_key, SigningKeys) else None)
    claims = {"iss": config.client_id, "sub": config.client_id, "aud": config.token_target.address, "jti": jti,
              "iat": int(now), "exp": int(now) + fidelity.OAUTH_CLIENT_ASSERTION_LIFETIME_SECONDS}
    return jwt.encode(claims, _private_key(config.private_key), algorithm="RS256",
                      headers={"kid": kid} if kid else None)


def token_form(config: OAuthConfig, now: float, jti: str) -> dict[str, str]:
    """The form fields POSTed to the token URL."""
    form = {"grant_type": "client_credentials"}
    if config.scope:
        form["scope"] = config.scope
    if config.auth_type == CLIENT_SECRET_POST:
        form.update(client_id=config.client_id, client_secret=config.client_secret or "")
    else:
        form.update(client_id=config.client_id, client_assertion_type=CLIENT_ASSERTION_TYPE,
                    client_assertion=client_assertion(config, now, jti))
    return form


def _masked_form_body(form: dict[str, str]) -> str:
    return urlencode({k: (R.SECRET_MASK if k in _SECRET_FIELDS else v) for k, v in form.items()}, safe="*")


def _answer_text(delivery: R.Delivery) -> str:
    response = delivery.final.response
    if response is None:
        return ""
    text = response.body.strip().replace("\n", " ")
    return f" — the token endpoint answered: {text[:300]}" if text else ""


def _failure(delivery: R.Delivery) -> str:
    final = delivery.final
    if final.transport == R.OK:
        return ""
    return f"{final.error or final.transport}{_answer_text(delivery)}"


class TokenCache:
    """Access tokens per OAUTH channel, reused until they expire. One per ``Emulator``."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self._tokens: dict[tuple, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every cached token (the next call asks the token URL again)."""
        with self._lock:
            self._tokens.clear()

    def _cached(self, key: tuple) -> tuple[str, float] | None:
        with self._lock:
            hit = self._tokens.get(key)
        if hit is None or hit[1] - fidelity.OAUTH_TOKEN_EXPIRY_SKEW_SECONDS <= self.clock.now().timestamp():
            return None
        return hit

    def fetch(self, emulator: Any, config: OAuthConfig, policy: DeliveryPolicy) -> TokenExchange:
        """A token for ``config``: a cached one still valid, or a new token request (never raises for what the
        token endpoint answers; ``TokenExchange.error`` says why it failed)."""
        target = config.token_target
        exchange = TokenExchange(token_url=target.describe(), auth_type=config.auth_type,
                                 client_id=config.client_id, scope=config.scope)
        key = config.cache_key()
        if fidelity.OAUTH_REUSE_TOKEN_UNTIL_EXPIRY and (hit := self._cached(key)) is not None:
            exchange.reused, exchange.access_token, exchange.expires_at = True, hit[0], hit[1]
            return exchange
        now = self.clock.now().timestamp()
        try:
            form = token_form(config, now, emulator.request_id())
        except Exception as exc:  # noqa: BLE001 - e.g. a private key that cannot sign: the caller's mistake
            raise EmulatorUsageError(f"The token request's client assertion could not be signed with the hook "
                                     f"key: {type(exc).__name__}: {exc}") from None
        token_policy = dataclasses.replace(policy, max_retries=0 if not fidelity.OAUTH_TOKEN_REQUEST_RETRIED
                                           else policy.max_retries)
        delivery = emulator.sender.send(HookChannel(target), "POST", urlencode(form).encode(),
                                        {"Accept": "application/json", "Content-Type": FORM}, token_policy)
        for attempt in delivery.attempts:  # the recorded request never shows the secret or the assertion
            attempt.request = dataclasses.replace(attempt.request, body=_masked_form_body(form))
        exchange.delivery = delivery
        exchange.elapsed_ms = sum(a.elapsed_ms for a in delivery.attempts)
        where = f"The token request to {exchange.token_url} failed"
        if (failure := _failure(delivery)):
            exchange.error = f"{where}: {failure}"
            return exchange
        try:
            answer = wire_json.loads(delivery.final_body or b"")
        except (ValueError, UnicodeDecodeError):
            answer = None
        if isinstance(answer, dict) and delivery.final.response is not None:  # never record the tokens
            masked = {k: (R.SECRET_MASK if k.endswith("_token") and v else v) for k, v in answer.items()}
            delivery.final.response.body = wire_json.dumps(masked).decode()
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            exchange.error = f"{where}: the answer has no access_token{_answer_text(delivery)}"
            return exchange
        expires_in = answer.get("expires_in")
        lifetime = expires_in if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) else 0
        exchange.access_token, exchange.expires_at = token, now + float(lifetime)
        if lifetime > 0:
            with self._lock:
                self._tokens[key] = (token, now + float(lifetime))
        return exchange


def bearer_channel(channel: HookChannel, exchange: TokenExchange) -> HookChannel:
    """``channel`` with ``Authorization: Bearer <access_token>`` as its auth header (masked in records)."""
    return dataclasses.replace(channel, auth_header=("Authorization", f"Bearer {exchange.access_token}"))


def remaining_policy(policy: DeliveryPolicy, exchange: TokenExchange) -> DeliveryPolicy:
    """The hook call's policy once the token request has used part of the budget
    (``fidelity.OAUTH_TOKEN_REQUEST_COUNTS_AGAINST_TIMEOUT``)."""
    if not fidelity.OAUTH_TOKEN_REQUEST_COUNTS_AGAINST_TIMEOUT or exchange.reused:
        return policy
    left = max(policy.timeout - exchange.elapsed_ms / 1000.0, 0.001)
    return dataclasses.replace(policy, timeout=left)
