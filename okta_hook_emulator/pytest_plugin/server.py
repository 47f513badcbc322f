"""``OktaServer``: the object behind the ``okta_server`` fixture. The emulator HTTP server (started once per
session) plus what an Okta admin does before hooks run: register an event hook and verify it, register inline
hooks of each kind, all through the server's Management API, so server-mode scenarios run inside a test suite.
Every test starts from a clean org (``reset``), as pytest-httpserver clears its server between tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import EmulatorUsageError

DEFAULT_EVENT_TYPES = ("user.lifecycle.create",)


class OktaServer:
    """A running emulator server (``url``, ``token``; other attributes are the ``ServerHandle``'s) and helpers
    that register hooks on it through the Management API. ``seed``: what ``reset`` reseeds the server with."""

    def __init__(self, handle: Any, *, seed: int = 0) -> None:
        import httpx

        self.handle = handle
        self.seed = seed
        self.api = httpx.Client(base_url=handle.url, timeout=60.0,
                                headers={"Authorization": f"SSWS {handle.token}", "Accept": "application/json"})

    @property
    def url(self) -> str:
        """The server's base URL (``http://127.0.0.1:<port>``)."""
        return self.handle.url

    @property
    def token(self) -> str:
        """The SSWS API token of the Management and control APIs."""
        return self.handle.token

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("handle", "api", "seed"):
            raise AttributeError(name)
        return getattr(self.handle, name)

    # ------------------------------------------------------------------ org state
    def reset(self) -> None:
        """A clean org: no hooks, System Log events or deliveries, payloads drawn from ``seed`` again."""
        self._call("POST", "/_emulator/reset", "resetting the org")
        self._call("POST", "/_emulator/reseed", "reseeding the org", json={"seed": self.seed})

    def close(self) -> None:
        """Close the API client (the session fixture then stops the server)."""
        self.api.close()

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        resp = self.api.request(method, path, **kwargs)
        if resp.status_code >= 400:
            try:
                body = resp.json()
                detail = "; ".join([body.get("errorSummary", "")] + [c.get("errorSummary", "")
                                                                      for c in body.get("errorCauses", [])])
            except ValueError:
                detail = resp.text[:300]
            raise AssertionError(f"{what} failed on the emulator server (HTTP {resp.status_code}): {detail}")
        return resp.json() if resp.content else None

    # ------------------------------------------------------------------ hooks
    @staticmethod
    def _channel(url: str, auth_header: tuple[str, str] | None, headers: dict[str, str] | None,
                 method: str | None = None) -> dict[str, Any]:
        config: dict[str, Any] = {"uri": url, "headers": [{"key": k, "value": v} for k, v in (headers or {}).items()]}
        if method:
            config["method"] = method
        if auth_header is not None:
            config["authScheme"] = {"type": "HEADER", "key": auth_header[0], "value": auth_header[1]}
        return {"type": "HTTP", "version": "1.0.0", "config": config}

    def register_event_hook(self, url: str, events: str | Iterable[str] = DEFAULT_EVENT_TYPES, *,
                            auth_header: tuple[str, str] | None = None, headers: dict[str, str] | None = None,
                            name: str | None = None, verify: bool = True) -> dict[str, Any]:
        """Create an ACTIVE event hook at ``url`` subscribed to ``events`` and (by default) verify it as the
        Admin Console does; a hook that fails verification fails the test with Okta's reasons. ``name``
        (unique in the org) defaults to ``Event hook <url>``. Returns the hook."""
        items = [events] if isinstance(events, str) else list(events)
        body = {"name": name or f"Event hook {url}", "events": {"type": "EVENT_TYPE", "items": items},
                "channel": self._channel(url, auth_header, headers)}
        hook = self._call("POST", "/api/v1/eventHooks", f"creating the event hook at {url}", json=body)
        if verify:
            hook = self._call("POST", f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify",
                              f"verifying the event hook at {url}")
        return hook

    def register_inline_hook(self, kind: str, url: str, *, auth_header: tuple[str, str] | None = None,
                             headers: dict[str, str] | None = None, name: str | None = None) -> dict[str, Any]:
        """Create an ACTIVE inline hook of ``kind`` (``token``, ``saml``, ``registration``, ``import``,
        ``password-import``, ``telephony``) at ``url``. Returns the hook."""
        from ..payloads.catalog import get_kind

        hook_kind = get_kind(kind)
        if not hook_kind.inline:
            raise EmulatorUsageError(f"'{kind}' is not an inline hook kind; register it with "
                                     "register_event_hook(url, events=...).")
        body = {"name": name or hook_kind.title, "type": hook_kind.okta_type, "version": "1.0.0",
                "channel": self._channel(url, auth_header, headers, method="POST")}
        return self._call("POST", "/api/v1/inlineHooks", f"creating the {hook_kind.name} inline hook at {url}",
                          json=body)

    def register_hooks(self, url: str | None = None, *, events: str | Iterable[str] | None = None,
                       auth_header: tuple[str, str] | None = None, **kinds: str) -> dict[str, Any]:
        """Several hooks at once: ``events=[...]`` registers and verifies an event hook at ``url``; each
        ``token=URL``, ``registration=URL``... (``password_import=`` for ``password-import``) an inline hook.
        Returns ``{"event": hook, "token": hook, ...}``."""
        out: dict[str, Any] = {}
        if events is not None:
            if url is None:
                raise EmulatorUsageError("register_hooks(url, events=[...]): give the event hook's URL.")
            out["event"] = self.register_event_hook(url, events, auth_header=auth_header)
        for kind, kind_url in kinds.items():
            name = kind.replace("_", "-")
            out[name] = self.register_inline_hook(name, kind_url, auth_header=auth_header)
        return out

    # ------------------------------------------------------------------ driving
    def trigger(self, event_type: str | Iterable[str], count: int = 1, **overrides: Any) -> list[dict[str, Any]]:
        """Write ``count`` System Log events (``a__b=value`` sets ``a.b``); the delivery worker sends them to
        every subscribed event hook. Returns the events; ``wait()`` blocks until they were delivered."""
        types = [event_type] if isinstance(event_type, str) else list(event_type)
        body = {"eventType": types, "count": count, "overrides": {k.replace("__", "."): v for k, v in overrides.items()}}
        return self._call("POST", "/_emulator/events", "triggering events", json=body)["events"]

    def wait(self, timeout: float = 10.0) -> None:
        """Block until the delivery worker has nothing queued."""
        self._call("POST", "/_emulator/wait", "waiting for the delivery worker", json={"timeout": timeout})

    def deliveries(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Summaries of the recorded deliveries (``id``, ``hookId``, ``kind``, ``eventType``, ``verdict``,
        ``createdAt``, ``attempts``), newest first, optionally of one ``kind`` (``event``, ``verification``,
        ``token``...)."""
        return self._call("GET", "/_emulator/deliveries", "listing deliveries",
                          params={"kind": kind} if kind else None)

    def run_scenario(self, name_or_path: str, *, target: str | None = None, targets: dict[str, str] | None = None,
                     **options: Any) -> Any:
        """Run a built-in scenario (by name) or a scenario file through this server (``--server`` mode): with no
        ``target`` the steps use the hooks registered here. Returns a ``HookResult`` (``assert_ok()``)."""
        from ..scenarios.loader import load
        from ..scenarios.runner import run_scenario
        from .assertions import HookResult

        raw = run_scenario(load(name_or_path), target=target, targets=targets, server=self.url, token=self.token,
                           **options)
        return HookResult(raw, label=f"scenario {name_or_path} through the emulator server")
