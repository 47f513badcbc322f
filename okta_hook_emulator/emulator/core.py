"""The ``Emulator`` facade: every front end (CLI, server, pytest plugin, scenarios) goes through it.

>>> with Emulator(seed=0) as emu:                                    # doctest: +SKIP
...     emu.verify("http://127.0.0.1:8080/hook").status
'VERIFIED'
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from ..clock import Clock, SystemClock, iso
from ..errors import EmulatorUsageError
from ..payloads.catalog import HookKind, get_kind
from . import events as event_delivery
from . import exchange, inline
from .policy import OKTA_DEFAULT_POLICY, DeliveryPolicy
from .records import Delivery
from .results import BatchDelivery, EventDeliveryResult, InlineResult, VerificationResult
from .sender import Sender
from .system_log import log_event_type
from .transport import HookChannel

if TYPE_CHECKING:
    from .exchange import Answer, PreparedRequest
    from .inline import InlineCall

_POLICIES_KEPT = 32
Headers = Mapping[str, str] | Iterable[tuple[str, str]] | None


class Emulator:
    """Plays Okta's side of hooks: builds seeded payloads, sends them with Okta's delivery rules and judges
    the answers. Owns its HTTP clients and worker threads: use it as a context manager or call ``close()``."""

    def __init__(self, seed: int = 0, clock: Clock | None = None, policy: DeliveryPolicy | None = None,
                 org: Any = None):
        """``org``: a ready ``SyntheticOrg`` for the payloads (see ``PayloadFactory``); default: built from ``seed``."""
        from ..payloads.generate import PayloadFactory

        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.policy: DeliveryPolicy = policy or OKTA_DEFAULT_POLICY
        self.payloads = PayloadFactory(seed, clock=self.clock, org=org)
        self.sender = Sender(self.clock)
        self.rng = random.Random(f"okta-hook-emulator:{seed}")  # request ids, shuffles (never global random)
        self._policies: dict[Any, tuple[DeliveryPolicy, DeliveryPolicy]] = {}  # resolve_policy's: (base, result)
        self._keys: Any = None
        self._hook_issuer: Any = None
        from .oauth_channel import TokenCache

        self.oauth_tokens = TokenCache(self.clock)  # OAUTH channels' access tokens, reused until they expire

    # -- lifecycle --------------------------------------------------------------------------------------------

    @property
    def keys(self) -> Any:
        """This emulator's RSA signing keys (``emulator.keys.SigningKeys``), created on first use."""
        if self._keys is None:
            from .keys import SigningKeys

            self._keys = SigningKeys()
        return self._keys

    def hook_token_issuer(self) -> Any:
        """This emulator's in-process token issuer for hook clients (``emulator.hook_issuer.HookTokenIssuer``, a
        WSGI app): access tokens signed with :attr:`keys`, so a hook validates them against ``keys.jwks()``."""
        if self._hook_issuer is None:
            from .hook_issuer import HookTokenIssuer

            self._hook_issuer = HookTokenIssuer(self.keys, lambda: int(self.clock.now().timestamp()),
                                                lambda: "AT." + self.request_id())
        return self._hook_issuer

    def oauth_client(self, client_id: str = "0oaHookClient", *, auth_type: str = "client_secret_post",
                     client_secret: str | None = None, private_key: Any = None, scope: str | None = None) -> Any:
        """Set up an OAuth client in one call: registered with :meth:`hook_token_issuer`, returned as the
        ``OAuthConfig`` to pass as ``call_inline(..., oauth=...)``. ``client_secret_post``: ``client_secret``
        (default: a new random one); ``private_key_jwt``: ``private_key`` (a ``SigningKeys``; default: a new one)."""
        import secrets

        from .hook_issuer import TOKEN_PATH
        from .keys import SigningKeys
        from .oauth_channel import PRIVATE_KEY_JWT, OAuthConfig
        from .transport import Target

        issuer = self.hook_token_issuer()
        if auth_type == PRIVATE_KEY_JWT:
            private_key = private_key if private_key is not None else SigningKeys()
            if not isinstance(private_key, SigningKeys):
                raise EmulatorUsageError("oauth_client(private_key=...) takes a SigningKeys (its public JWK is "
                                         "registered with the issuer).")
            issuer.add_client(client_id, public_jwk=private_key.public_jwk())
            return OAuthConfig(Target.wsgi(issuer, TOKEN_PATH), client_id, PRIVATE_KEY_JWT, private_key=private_key,
                               key_id=private_key.kid, scope=scope)
        client_secret = client_secret or secrets.token_urlsafe(30)
        issuer.add_client(client_id, client_secret=client_secret)
        return OAuthConfig(Target.wsgi(issuer, TOKEN_PATH), client_id, auth_type, client_secret=client_secret,
                           scope=scope)

    def reseed(self, seed: int) -> None:
        """Restart every seeded sequence (payloads, request ids, shuffles) from ``seed``."""
        self.seed = seed
        self.payloads.reseed(seed)
        self.rng = random.Random(f"okta-hook-emulator:{seed}")

    def close(self) -> None:
        """Release HTTP clients, worker threads and the ASGI loop. Idempotent."""
        self.sender.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers ----------------------------------------------------------------------------------------------

    def channel(self, target: Any, auth_header: tuple[str, str] | None = None, headers: Headers = None,
                hook_id: str | None = None, oauth: Any = None) -> HookChannel:
        """A :class:`HookChannel` for a URL / WSGI app / ASGI app / ``Target`` with Okta's auth + custom headers
        (or, with ``oauth``, an OAUTH channel: ``oauth_channel.OAuthConfig``)."""
        return HookChannel.build(target, auth_header, headers, hook_id, oauth)

    def resolve_policy(self, kind: HookKind | None = None, **policy_overrides: Any) -> DeliveryPolicy:
        """The base policy, Okta's per-kind rule applied, then the caller's overrides. Policies are frozen, so
        the last few resolved are kept (a load run resolves the same one for every call)."""
        # Keyed by the base policy's identity (hashing the frozen dataclass costs more than the rest of the lookup);
        # each entry keeps its base, so a new base policy that reuses an old one's id() is never mistaken for it.
        try:
            key: Any = (id(self.policy), kind.name if kind is not None else None,
                        tuple(sorted(policy_overrides.items())) if policy_overrides else ())
            hit = self._policies.get(key)
        except TypeError:  # an unhashable override value: resolved (and refused) below
            key, hit = None, None
        if hit is not None and hit[0] is self.policy:
            return hit[1]
        base = self.policy.for_kind(kind) if kind is not None else self.policy
        try:
            policy = base.with_overrides(**policy_overrides) if policy_overrides else base
        except TypeError as exc:
            raise EmulatorUsageError(str(exc)) from None
        if key is not None:
            if len(self._policies) >= _POLICIES_KEPT:
                self._policies.clear()
            self._policies[key] = (self.policy, policy)
        return policy

    def request_id(self) -> str:
        """A seeded ``X-Okta-Request-Id`` value (27 characters, like ``XOZfPkReFFZ10KWyGkzAMwAAADA``)."""
        return self.payloads.request_id()

    def challenge(self) -> str:
        """A seeded verification challenge (from the payload factory)."""
        return self.payloads.challenge()

    @overload
    def log_event(self, event_type: str, *, deferred: Literal[False] = False, outcome: str | dict | None = None,
                  debug_data: dict | None = None, targets: list[dict] | None = None, actor: dict | None = None,
                  overrides: dict[str, Any] | None = None) -> dict: ...
    @overload
    def log_event(self, event_type: str, *, deferred: Literal[True], outcome: str | dict | None = None,
                  debug_data: dict | None = None, targets: list[dict] | None = None, actor: dict | None = None,
                  overrides: dict[str, Any] | None = None) -> Callable[[], dict]: ...
    def log_event(self, event_type: str, *, deferred: bool = False, outcome: str | dict | None = None,
                  debug_data: dict | None = None, targets: list[dict] | None = None, actor: dict | None = None,
                  overrides: dict[str, Any] | None = None) -> dict | Callable[[], dict]:
        """A System Log event Okta would write: any event-hook-eligible type or one of the hook bookkeeping types
        that are not eligible (``event_hook.created``, ``event_hook.delivery``, ``inline_hook.response.processed``
        ...; ``emulator.system_log.OWN_EVENT_TYPES``). Every front end builds its events here.

        ``deferred=True`` returns a function that builds the event later (``PayloadFactory.deferred_log_event``:
        the clock and a child seed are drawn now)."""
        build = self.payloads.deferred_log_event if deferred else self.payloads.log_event
        return build(log_event_type(event_type), outcome=outcome, debug_data=debug_data, targets=targets,
                     actor=actor, overrides=overrides)

    # -- the three calls --------------------------------------------------------------------------------------

    def verify(self, target: Any, *, auth_header: tuple[str, str] | None = None, headers: Headers = None,
               hook_id: str | None = None, **policy_overrides: Any) -> VerificationResult:
        """Send the event-hook verification GET and judge the answer (VERIFIED / UNVERIFIED + checklist)."""
        from .verification import verify

        channel = self.channel(target, auth_header, headers, hook_id)
        return verify(self, channel, self.resolve_policy(None, **policy_overrides))

    def send_events(self, target: Any, event_types: Sequence[str] | str = (), *, count: int = 1,
                    batch_size: int | None = None, duplicate: bool = False, out_of_order: bool = False,
                    delay: float = 0.0, overrides: dict[str, Any] | None = None,
                    events: Sequence[dict] | None = None, auth_header: tuple[str, str] | None = None,
                    headers: Headers = None, hook_id: str | None = None, progress: Any = None,
                    user: Any = None, **policy_overrides: Any) -> EventDeliveryResult:
        """Deliver event-hook POSTs (batched envelopes); see :func:`emulator.events.send_events`. ``user``: the
        person the generated events are about (``payloads.generate.resolve_user``)."""
        channel = self.channel(target, auth_header, headers, hook_id)
        policy = self.resolve_policy(None, **policy_overrides)
        return event_delivery.send_events(self, channel, policy, event_types=event_types, count=count, batch_size=batch_size,
                           duplicate=duplicate, out_of_order=out_of_order, delay=delay, overrides=overrides,
                           events=events, progress=progress, user=user)

    def prepare_event_delivery(self, target: Any, events: Sequence[dict], *,
                               auth_header: tuple[str, str] | None = None, headers: Headers = None,
                               hook_id: str | None = None, **policy_overrides: Any) -> tuple[dict, PreparedRequest]:
        """One event delivery POST for callers with an HTTP client of their own (load mode's Locust users): the
        ``com.okta.event_hook`` envelope of ``events`` (one batch) and the request Okta sends for it (headers,
        auth header, body bytes, policy). Send it (:meth:`deliver`), then :meth:`judge_event_delivery`."""
        channel = self.channel(target, auth_header, headers, hook_id)
        envelope = self.payloads.event_hook_envelope(list(events), hook_id=channel.hook_id)
        return envelope, event_delivery.prepare_delivery(channel, envelope, self.resolve_policy(None, **policy_overrides))

    def judge_event_delivery(self, envelope: dict, prepared: PreparedRequest,
                             answer: Answer | Delivery) -> BatchDelivery:
        """Okta's acceptance of what came back for a prepared event delivery (one ``Answer`` or the ``Delivery``
        of every attempt): the same :class:`BatchDelivery` as :meth:`send_events` gives for that batch."""
        return event_delivery.judge_batch(envelope, self._delivery_of(prepared, answer))

    def call_inline(self, kind: str | HookKind, target: Any, *, request: dict | None = None,
                    request_type: str | None = None, variant: str | None = None,
                    overrides: dict[str, Any] | None = None, auth_header: tuple[str, str] | None = None,
                    headers: Headers = None, hook_id: str | None = None, user: Any = None,
                    oauth: Any = None, **policy_overrides: Any) -> InlineResult:
        """Call an inline hook with a generated (or given) request, judge the answer and carry the flow to its
        outcome. ``user`` (an org user, a login or a dict of profile fields) is the one person the generated
        request is about. ``oauth`` (an ``OAuthConfig`` or a dict of its fields) calls through an OAUTH channel:
        a client credentials token request first, then the call with ``Authorization: Bearer``."""
        hook_kind, channel, request, policy = self._inline_inputs(
            kind, target, request, request_type, variant, overrides, auth_header, headers, hook_id, user, oauth,
            policy_overrides)
        return inline.call_inline(self, hook_kind, channel, request, policy)

    def prepare_inline(self, kind: str | HookKind, target: Any, *, request: dict | None = None,
                       request_type: str | None = None, variant: str | None = None,
                       overrides: dict[str, Any] | None = None, auth_header: tuple[str, str] | None = None,
                       headers: Headers = None, hook_id: str | None = None, user: Any = None,
                       **policy_overrides: Any) -> InlineCall:
        """The first half of :meth:`call_inline` for callers with an HTTP client of their own (load mode's
        Locust users): the request (generated or given, same arguments) and ``.http``, exactly what Okta sends
        (URL, headers with the auth header, body bytes) under its policy (``.http.timeout`` per attempt,
        ``.http.max_response_bytes``, no redirects, ``.http.policy`` for retries). Send it, then
        :meth:`judge_inline` the answers. OAUTH channels need the token request first: use :meth:`call_inline`."""
        hook_kind, channel, request, policy = self._inline_inputs(
            kind, target, request, request_type, variant, overrides, auth_header, headers, hook_id, user, None,
            policy_overrides)
        return inline.prepare_inline(self, hook_kind, channel, request, policy)

    def judge_inline(self, call: InlineCall, answer: Answer | Delivery) -> InlineResult:
        """The second half of :meth:`call_inline`: Okta's judgement of what came back for a prepared ``call``,
        either one :class:`~okta_hook_emulator.emulator.exchange.Answer` (one attempt) or the ``Delivery`` of
        every attempt (``exchange.deliver`` / ``exchange.add_attempt`` build it with Okta's retries). Same
        verdicts, outcomes and System Log events as :meth:`call_inline`."""
        return inline.judge_inline(self, call, self._delivery_of(call.http, answer))

    def _delivery_of(self, prepared: PreparedRequest, answer: Answer | Delivery) -> Delivery:
        """``answer`` as the one attempt of a delivery (a ``Delivery`` is returned unchanged)."""
        if isinstance(answer, Delivery):
            return answer
        delivery = Delivery()
        exchange.add_attempt(delivery, prepared, answer, iso(self.clock.now()))
        return delivery

    def deliver(self, prepared: PreparedRequest, send: Callable[[PreparedRequest], Answer]) -> Delivery:
        """Send a prepared request with your own client, attempt by attempt, under Okta's retry rules
        (``exchange.deliver``: ``send(prepared)`` is one attempt; stamped by this emulator's clock)."""
        return exchange.deliver(prepared, send, self._now_iso)

    def _now_iso(self) -> str:
        """This emulator's clock reading as Okta writes timestamps (each attempt's ``started_at``)."""
        return iso(self.clock.now())

    def _inline_inputs(self, kind: str | HookKind, target: Any, request: dict | None, request_type: str | None,
                       variant: str | None, overrides: dict[str, Any] | None, auth_header: tuple[str, str] | None,
                       headers: Headers, hook_id: str | None, user: Any, oauth: Any,
                       policy_overrides: dict[str, Any]) -> tuple[HookKind, HookChannel, dict, DeliveryPolicy]:
        """The kind, channel, request (generated unless given) and policy of an inline call."""
        hook_kind = kind if isinstance(kind, HookKind) else get_kind(kind)
        if not hook_kind.inline:
            raise EmulatorUsageError(f"'{hook_kind.name}' is not an inline hook kind; use send_events() or "
                                     f"verify() for event hooks.")
        channel = self.channel(target, auth_header, headers, hook_id, oauth)
        if request is None:
            request = self.payloads.inline_request(hook_kind, request_type=request_type, variant=variant,
                                                   overrides=overrides, hook_id=hook_id, user=user)
        elif user is not None:
            raise EmulatorUsageError("user= describes a generated request; a given request= already names its "
                                     "user.")
        elif overrides:
            from ..payloads.overrides import apply_overrides

            request = apply_overrides(request, overrides)
        return hook_kind, channel, request, self.resolve_policy(hook_kind, **policy_overrides)
