"""``OktaHooks``: the object behind the ``okta`` fixture. A thin front end over the ``Emulator`` facade,
aimed at one hook target; every call returns a ``HookResult`` with assertion helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import EmulatorUsageError
from .assertions import HookResult

# Keyword arguments the facade takes itself; any other keyword of a driving method is a payload override.
_EVENT_KWARGS = frozenset({"batch_size", "duplicate", "out_of_order", "delay", "events", "auth_header", "headers",
                           "hook_id", "user"})
_INLINE_KWARGS = frozenset({"request", "request_type", "variant", "auth_header", "headers", "hook_id", "user",
                            "oauth"})
_VERIFY_KWARGS = frozenset({"auth_header", "headers", "hook_id"})


def _policy_fields() -> frozenset[str]:
    from dataclasses import fields

    from ..emulator.policy import DeliveryPolicy

    return frozenset(f.name for f in fields(DeliveryPolicy))


class OktaHooks:
    """Okta, aimed at one hook (``target``: URL, WSGI app or ASGI app).

    ``seed`` seeds every generated payload; ``policy_overrides`` change Okta's delivery policy
    (``timeout``, ``max_retries``...). Every driving method takes ``target=`` (another hook for one call)
    and ``path=`` (a route of an in-process app, or a URL path). With ``strict=True``, :meth:`check` fails when a call broke
    Okta's rules and no assertion helper looked at its result. Set ``auth_header`` (name, value) and
    ``headers`` once to send them with every call, like the hook's configured auth scheme. ``org``: a ready
    ``SyntheticOrg`` of ``seed`` to reuse (the ``okta`` fixture shares one per session).
    """

    def __init__(self, target: Any, *, seed: int = 0, policy_overrides: dict[str, Any] | None = None,
                 strict: bool = False, clock: Any = None, org: Any = None) -> None:
        from ..emulator.core import Emulator
        from ..emulator.policy import DeliveryPolicy

        self.target = target
        self.seed = seed
        self.strict = strict
        self.policy = DeliveryPolicy().with_overrides(**(policy_overrides or {}))
        self.emulator = Emulator(seed=seed, clock=clock, policy=self.policy, org=org)
        self.results: list[HookResult] = []
        # Sent with every call unless the call passes its own (the hook's authScheme and custom headers).
        self.auth_header: tuple[str, str] | None = None
        self.headers: Any = None

    @property
    def payloads(self) -> Any:
        """The emulator's seeded ``PayloadFactory``."""
        return self.emulator.payloads

    # ------------------------------------------------------------------ calls
    def _split(self, kwargs: dict[str, Any], own: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Split keywords into facade/policy keywords and payload overrides (``a__b`` means ``a.b``)."""
        passed: dict[str, Any] = {}
        overrides: dict[str, Any] = dict(kwargs.pop("overrides", None) or {})
        policy = _policy_fields()
        for key, value in kwargs.items():
            if key == "retries":
                passed["max_retries"] = value
            elif key in own or key in policy:
                passed[key] = value
            else:
                overrides[key.replace("__", ".")] = value
        if "auth_header" in own:
            passed.setdefault("auth_header", self.auth_header)
            passed.setdefault("headers", self.headers)
        return passed, overrides

    def _record(self, raw: Any, label: str, passed: dict[str, Any],
                overrides: dict[str, Any] | None = None) -> HookResult:
        timeout = passed.get("timeout", self.policy.timeout)
        result = HookResult(raw, label=label, timeout=timeout, overrides=overrides)
        self.results.append(result)
        return result

    def verify(self, *, target: Any = None, path: str | None = None, **kwargs: Any) -> HookResult:
        """Send the event hook verification GET; keywords: ``auth_header``, ``headers``, ``hook_id``,
        policy fields (``timeout``, ``max_retries``/``retries``...)."""
        passed, overrides = self._split(kwargs, _VERIFY_KWARGS)
        if overrides:
            raise EmulatorUsageError(f"verify() got unexpected keyword(s) {sorted(overrides)}; it takes "
                                     f"{sorted(_VERIFY_KWARGS)} and delivery policy fields.")
        raw = self.emulator.verify(self._target(target, path), **passed)
        return self._record(raw, "event hook verification", passed)

    def send_events(self, event_type: str | list[str], count: int = 1, *, target: Any = None,
                    path: str | None = None, **kwargs: Any) -> HookResult:
        """Deliver ``count`` System Log events of ``event_type`` (a name or a list) in Okta's event hook
        envelope. Other keywords: ``batch_size``, ``duplicate``, ``out_of_order``, ``delay``, ``events``,
        ``auth_header``, ``headers``, ``hook_id``, ``user`` (the events' person), policy fields, ``overrides={path: value}``; any other
        keyword is a payload override (``actor__displayName="Ann"`` sets ``actor.displayName``)."""
        passed, overrides = self._split(kwargs, _EVENT_KWARGS)
        types = [event_type] if isinstance(event_type, str) else list(event_type)
        raw = self.emulator.send_events(self._target(target, path), types, count=count, overrides=overrides or None,
                                        **passed)
        return self._record(raw, f"event delivery of {', '.join(types)}", passed,
                            {f"data.events[0].{k}": v for k, v in overrides.items()})

    def call_inline(self, kind: str, *, target: Any = None, path: str | None = None, **kwargs: Any) -> HookResult:
        """Call an inline hook of ``kind`` (``token``, ``saml``, ``registration``, ``import``,
        ``password-import``, ``telephony``). Keywords: ``request``, ``request_type``, ``variant``,
        ``auth_header``, ``headers``, ``hook_id``, ``user`` (one person across the request: an org login or
        ``{"login": ..., "firstName": ...}``), ``oauth`` (an OAUTH channel: ``OAuthConfig`` or its fields), policy fields, ``overrides={path: value}``; any other
        keyword is a payload override (``data__context__user__id="00u1"``)."""
        passed, overrides = self._split(kwargs, _INLINE_KWARGS)
        raw = self.emulator.call_inline(kind, self._target(target, path), overrides=overrides or None, **passed)
        label = f"{raw.kind} inline hook" + (f" ({raw.request_type})" if raw.request_type else "")
        return self._record(raw, label, passed, overrides)

    def oauth_client(self, client_id: str = "0oaHookClient", **kwargs: Any) -> Any:
        """An OAuth client set up in one call with the emulator's in-process token issuer (``Emulator.oauth_client``):
        pass it as ``oauth=`` to the inline calls; the hook validates the bearer token against
        ``self.emulator.keys.jwks()`` (audience ``api://default``)."""
        return self.emulator.oauth_client(client_id, **kwargs)

    def token_hook(self, **kwargs: Any) -> HookResult:
        """Call the token inline hook (``com.okta.oauth2.tokens.transform``)."""
        return self.call_inline("token", **kwargs)

    def saml_hook(self, **kwargs: Any) -> HookResult:
        """Call the SAML assertion inline hook (``com.okta.saml.tokens.transform``)."""
        return self.call_inline("saml", **kwargs)

    def registration_hook(self, request_type: str | None = None, **kwargs: Any) -> HookResult:
        """Call the registration inline hook; ``request_type`` is ``self.service.registration`` (default)
        or ``progressive.profile``."""
        return self.call_inline("registration", request_type=request_type, **kwargs)

    def import_hook(self, **kwargs: Any) -> HookResult:
        """Call the user import inline hook (``com.okta.import.transform``)."""
        return self.call_inline("import", **kwargs)

    def password_import_hook(self, **kwargs: Any) -> HookResult:
        """Call the password import inline hook (``com.okta.user.credential.password.import``)."""
        return self.call_inline("password-import", **kwargs)

    def telephony_hook(self, request_type: str | None = None, **kwargs: Any) -> HookResult:
        """Call the telephony inline hook (``com.okta.telephony.provider``)."""
        return self.call_inline("telephony", request_type=request_type, **kwargs)

    def run_scenario(self, name_or_path: str, *, target: Any = None, path: str | None = None,
                     **options: Any) -> HookResult:
        """Run a built-in scenario (by name) or a scenario file against the target with this emulator."""
        from . import _scenarios

        raw = _scenarios.run(self.emulator, name_or_path, self._target(target, path), **options)
        return self._record(raw, f"scenario {name_or_path}", {})

    def replay(self, capture: Any, *, as_recorded: bool = False, target: Any = None, path: str | None = None,
               **kwargs: Any) -> Any:
        """Replay a capture record (a ``Capture``, a record file, or a folder of them: then a list) to the target
        and compare the verdict and commands with the recorded ones: a ``ReplayResult`` (a ``HookResult``
        with ``assert_as_recorded()``). Keywords: ``auth_header``, ``headers``, policy fields."""
        from ..capture.replay import Capture, load_captures
        from ..capture.replay import replay as replay_one
        from .replay import ReplayResult

        captures = [capture] if isinstance(capture, Capture) else load_captures(capture)
        passed, extra = self._split(dict(kwargs), _VERIFY_KWARGS - {"hook_id"})
        if extra:
            raise EmulatorUsageError(f"replay() got unexpected keyword(s) {sorted(extra)}; it takes as_recorded, "
                                     "target, path, auth_header, headers and delivery policy fields.")
        results = []
        for one in captures:
            if not one.replayable:
                continue
            compared = replay_one(self.emulator, one, self._target(target, path), as_recorded=as_recorded,
                                  **{k: v for k, v in passed.items() if v is not None})
            result = ReplayResult(compared.replayed, compared, label=f"replay of {one.name} ({one.describe()})",
                                  timeout=passed.get("timeout", self.policy.timeout))
            self.results.append(result)
            results.append(result)
        if isinstance(capture, Capture) or Path(str(capture)).is_file():
            if not results:
                raise EmulatorUsageError(f"{capture}: not an Okta hook request (kind unknown); nothing to replay.")
            return results[0]
        return results

    # ------------------------------------------------------------------ checks
    def _target(self, target: Any, path: str | None = None) -> Any:
        """The call's target; ``path`` picks a route of an in-process app (or replaces a URL's path)."""
        chosen = self.target if target is None else target
        if path is None:
            return chosen
        from urllib.parse import urlsplit, urlunsplit

        from ..emulator.transport import APP_BASE_URL, Target

        path = path if path.startswith("/") else "/" + path
        if isinstance(chosen, Target):
            if chosen.in_process:
                return Target(chosen.mode, APP_BASE_URL + path, chosen.app)
            chosen = chosen.address
        if isinstance(chosen, str):
            parts = urlsplit(chosen)
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        return Target.of(chosen, path)

    def close(self) -> None:
        """Release the emulator's HTTP clients and worker threads (and run in-process ASGI apps' lifespan
        shutdown)."""
        self.emulator.close()

    def __enter__(self) -> OktaHooks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self) -> None:
        """Strict mode: fail when a result broke Okta's rules and no assertion helper looked at it."""
        __tracebackhide__ = True
        if not self.strict:
            return
        unchecked = [r for r in self.results if not r.checked and (r.problems or r.verdict in (
            "error", "invalid", "failed", "UNVERIFIED"))]
        if unchecked:
            raise AssertionError(
                "okta_hooks_strict: these hook calls went wrong and the test never asserted on them:\n"
                + "\n".join(f"  - {r.label}: verdict {r.verdict}"
                            + (f" ({getattr(r.raw, 'reason', '')})" if getattr(r.raw, "reason", "") else "")
                            for r in unchecked)
                + "\nAssert on them (e.g. result.assert_ok()) or set okta_hooks_strict = false.")
