"""``--server`` mode: run scenario steps through a running emulator server over HTTP — the Management API
(register + verify hooks), the control API (``/_emulator/events``, ``/_emulator/flows/<kind>``, deliveries) and
the OAuth token endpoint for ``flow`` token steps that name a ``grant``. Each step's hook is registered (or
re-pointed) at the step's target URL, so one scenario can drive several hook services. Event steps whose
options the server's delivery worker cannot express (``batch_size``, ``duplicate``, ``out_of_order``, ``delay``,
``events``, a ``policy``) run through the in-process core against the step's target URL and say so in their
result (``via``); without a target URL they are refused before the first step runs (``refusal``)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from ..emulator.results import VERDICT_OK, event_delivery_verdict
from .model import ScenarioError
from .runner import InProcessBackend, decode_tokens, events_doc, inline_doc, verify_doc

HOOK_NAME = "okta-hooks scenarios"
SCENARIO_AUTH = ("Authorization", "okta-hooks-scenarios-secret")
DEFAULT_EVENT_TYPES = ("user.lifecycle.create",)
# Event step options the server's delivery worker cannot express: the step runs through the in-process core.
IN_PROCESS_EVENT_OPTIONS = ("batch_size", "duplicate", "out_of_order", "delay", "events", "user", "auth_header",
                            "headers")
# Inline step options the server cannot take: it calls the registered hook through that hook's own channel.
REFUSED_INLINE_OPTIONS = ("user", "auth_header", "headers", "oauth")


def _err(resp: httpx.Response, what: str) -> ScenarioError:
    try:
        body = resp.json()
        detail = body.get("errorSummary", "") + "".join(f"; {c.get('errorSummary')}" for c in body.get("errorCauses", []))
    except ValueError:
        detail = resp.text[:300]
    return ScenarioError(f"{what} failed on the emulator server: HTTP {resp.status_code} {detail}")


class ServerClient:
    """A small client for the emulator server's Management, control and OAuth APIs."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=120.0,
                                 headers={"Authorization": f"SSWS {token}", "Accept": "application/json"})

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, what: str, ok: tuple[int, ...] = (200,), **kw: Any) -> Any:
        try:
            resp = self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise ScenarioError(f"cannot reach the emulator server at {self.base_url} ({exc}); start it with "
                                "'okta-hooks serve' and pass its URL to --server") from None
        if resp.status_code not in ok:
            raise _err(resp, what)
        return resp.json() if resp.content else None

    # -- hook registration ------------------------------------------------------------------------------------

    def ensure_event_hook(self, target: str | None, event_types: list[str]) -> dict:
        """An ACTIVE + VERIFIED event hook subscribed to ``event_types`` (registered at ``target`` if given)."""
        hooks = self.call("GET", "/api/v1/eventHooks", "listing event hooks")
        if target is None:
            for h in hooks:
                items = set(h.get("events", {}).get("items", []))
                if h.get("status") == "ACTIVE" and h.get("verificationStatus") == "VERIFIED" and \
                        set(event_types) <= items:
                    return h
            raise ScenarioError(f"no ACTIVE, VERIFIED event hook on the server is subscribed to "
                                f"{', '.join(event_types)}; register one or pass --target so the runner registers it")
        mine = next((h for h in hooks if h.get("name") == HOOK_NAME), None)
        channel = {"type": "HTTP", "version": "1.0.0", "config": {
            "uri": target, "headers": [],
            "authScheme": {"type": "HEADER", "key": SCENARIO_AUTH[0], "value": SCENARIO_AUTH[1]}}}
        if mine is not None:
            items = set(mine.get("events", {}).get("items", []))
            if (mine["channel"]["config"]["uri"] == target and set(event_types) <= items
                    and mine.get("status") == "ACTIVE" and mine.get("verificationStatus") == "VERIFIED"):
                return mine
            body = {"name": HOOK_NAME, "events": {"type": "EVENT_TYPE", "items": sorted(items | set(event_types))},
                    "channel": channel}
            mine = self.call("PUT", f"/api/v1/eventHooks/{mine['id']}", "updating the event hook", json=body)
            if mine.get("status") != "ACTIVE":
                mine = self.call("POST", f"/api/v1/eventHooks/{mine['id']}/lifecycle/activate", "activating")
        else:
            body = {"name": HOOK_NAME, "events": {"type": "EVENT_TYPE", "items": sorted(set(event_types))},
                    "channel": channel}
            mine = self.call("POST", "/api/v1/eventHooks", "creating the event hook", ok=(200, 201), json=body)
        return self.call("POST", f"/api/v1/eventHooks/{mine['id']}/lifecycle/verify", "verifying the event hook")

    def ensure_inline_hook(self, target: str | None, okta_type: str, kind_name: str) -> dict | None:
        """The ACTIVE inline hook of ``okta_type``, pointed at ``target`` when given."""
        hooks = self.call("GET", "/api/v1/inlineHooks", "listing inline hooks", params={"type": okta_type})
        hooks = [h for h in hooks if h.get("type") == okta_type]
        if target is None:
            return next((h for h in hooks if h.get("status") == "ACTIVE"), None)
        channel = {"type": "HTTP", "version": "1.0.0", "config": {
            "uri": target, "method": "POST", "headers": [],
            "authScheme": {"type": "HEADER", "key": SCENARIO_AUTH[0], "value": SCENARIO_AUTH[1]}}}
        body = {"name": f"{HOOK_NAME}: {kind_name}", "type": okta_type, "version": "1.0.0", "channel": channel}
        current = next((h for h in hooks if h.get("status") == "ACTIVE"), hooks[0] if hooks else None)
        if current is None:
            return self.call("POST", "/api/v1/inlineHooks", f"creating the {kind_name} inline hook", ok=(200, 201),
                             json=body)
        if current["channel"]["config"].get("uri") != target:
            current = self.call("PUT", f"/api/v1/inlineHooks/{current['id']}", f"updating the {kind_name} hook",
                                json=body)
        if current.get("status") != "ACTIVE":
            current = self.call("POST", f"/api/v1/inlineHooks/{current['id']}/lifecycle/activate",
                                f"activating the {kind_name} hook")
        return current

    def latest_delivery(self, hook_id: str, kind: str) -> dict | None:
        rows = self.call("GET", "/_emulator/deliveries", "listing deliveries",
                         params={"hookId": hook_id, "kind": kind, "limit": 1})
        if not rows:
            return None
        return self.call("GET", f"/_emulator/deliveries/{rows[0]['id']}", "reading a delivery")

    def jwks(self) -> dict:
        return self.call("GET", "/oauth2/default/v1/keys", "reading the JWKS")


def register_hooks(client: ServerClient, target: str, event_types: list[str], kinds: list[str]) -> dict[str, Any]:
    """Register (or re-point) and verify the event hook and one inline hook per kind at ``target``."""
    from ..payloads.catalog import get_kind

    out: dict[str, Any] = {"event": client.ensure_event_hook(target, event_types)}
    for name in kinds:
        kind = get_kind(name)
        out[kind.name] = client.ensure_inline_hook(target, kind.okta_type, kind.name)
    return out


class ServerBackend:
    """Runs steps through a running emulator server (see module docstring)."""

    mode = "server"

    def __init__(self, base_url: str, token: str | None, *, seed: int = 0):
        if not token:
            raise ScenarioError("--server needs --token (the server's API token)")
        self.client = ServerClient(base_url, token)
        self.seed = seed
        self._fallback: InProcessBackend | None = None
        self._inline: dict[str, tuple[str | None, dict | None]] = {}  # kind -> (target it points at, hook)
        # No /_emulator/reseed here: the server is shared (dashboard, other clients) and keeps its own seed and
        # clock, so server-mode request bodies are not seed-reproducible; in-process runs are.

    def close(self) -> None:
        if self._fallback is not None:
            self._fallback.close()
        self.client.close()

    def refusal(self, action: str, spec: dict[str, Any], policy: dict[str, Any], target: Any) -> str | None:
        """Why the server cannot run this step (checked before the first step runs), or ``None``."""
        if target is not None and not isinstance(target, str):
            return ("the emulator server calls hooks over HTTP: give this step's target as a URL, not an "
                    "in-process app (or run without --server)")
        if action == "events":
            special = [k for k in IN_PROCESS_EVENT_OPTIONS if spec.get(k)] + (["policy"] if policy else [])
            if special and target is None:
                return (f"--server cannot express {', '.join(special)} for event deliveries (its delivery worker "
                        "sends what Okta sends); give the step a target URL (--target URL) so it runs "
                        "in-process against that hook, or remove the option")
        refused = [k for k in REFUSED_INLINE_OPTIONS if spec.get(k)] if action in ("inline", "flow") else []
        if refused:
            return (f"the step option(s) {', '.join(refused)} apply in-process only: through a server, Okta calls "
                    "the registered inline hook with that hook's own channel (set its authScheme, headers or an "
                    "OAUTH channel with POST /api/v1/inlineHooks; pick the user with 'overrides'), or run without "
                    "--server")
        return None

    def _event_hook(self, types: list[str], target: str | None) -> dict:
        return self.client.ensure_event_hook(target, types)

    def _inline_hook(self, kind: Any, target: str | None) -> dict | None:
        pointed = self._inline.get(kind.name)
        if pointed is None or pointed[0] != target:
            pointed = (target, self.client.ensure_inline_hook(target, kind.okta_type, kind.name))
            self._inline[kind.name] = pointed
        return pointed[1]

    def verify(self, spec: dict[str, Any], policy: dict[str, Any], target: str | None) -> dict[str, Any]:
        hook = self._event_hook(list(DEFAULT_EVENT_TYPES), target)
        resp = self.client.http.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify",
                                     params={"timeout": policy["timeout"]} if "timeout" in policy else None)
        record = self.client.latest_delivery(hook["id"], "verification") or {}
        result = dict(record.get("result") or {})
        if not result:
            result = {"status": "VERIFIED" if resp.status_code == 200 else "UNVERIFIED", "checks": [],
                      "delivery": {"attempts": record.get("attempts", []), "status": None}}
        doc = verify_doc(result)
        doc["via"] = "server: POST /api/v1/eventHooks/{id}/lifecycle/verify"
        doc["api_status"] = resp.status_code
        return doc

    def events(self, spec: dict[str, Any], policy: dict[str, Any], target: str | None) -> dict[str, Any]:
        special = [k for k in IN_PROCESS_EVENT_OPTIONS if spec.get(k)]
        if special or policy:
            if target is None:  # refused up front (refusal); kept for callers that skip the preflight
                raise ScenarioError(f"--server cannot express {', '.join(special) or 'policy'} for event deliveries;"
                                    " pass --target so the step runs in-process against the hook")
            if self._fallback is None:
                self._fallback = InProcessBackend(self.seed)
            doc = self._fallback.events(spec, policy, target)
            doc["via"] = f"in-process core (--server cannot express {', '.join(special) or 'policy'})"
            return doc
        types = list(spec["event_types"])
        hook = self._event_hook(types, target)
        body = {"eventType": types, "count": spec.get("count", 1), "overrides": spec.get("overrides") or {}}
        events = self.client.call("POST", "/_emulator/events", "triggering events", json=body)["events"]
        uuids = {e["uuid"] for e in events}
        deadline = time.monotonic() + 60
        batches: list[dict] = []
        while time.monotonic() < deadline:
            self.client.call("POST", "/_emulator/wait", "waiting for the delivery worker", ok=(200, 504),
                             json={"timeout": 10})
            rows = self.client.call("GET", "/_emulator/deliveries", "listing deliveries",
                                    params={"hookId": hook["id"], "kind": "event", "limit": 1000})
            batches = []
            for row in reversed(rows):
                rec = self.client.call("GET", f"/_emulator/deliveries/{row['id']}", "reading a delivery")
                got = {e.get("uuid") for e in (rec.get("request") or {}).get("data", {}).get("events", [])}
                if got & uuids:
                    batches.append(rec.get("result") or {})
            seen = {e.get("uuid") for b in batches for e in (b.get("envelope") or {}).get("data", {}).get("events", [])}
            if uuids <= seen:
                break
            time.sleep(0.05)
        verdict = event_delivery_verdict(bool(b.get("accepted")) for b in batches)
        doc = events_doc({"verdict": verdict, "delivered": verdict == VERDICT_OK, "batches": batches,
                          "log_events": []})
        doc["via"] = "server: POST /_emulator/events + delivery worker"
        return doc

    def _flow_call(self, spec: dict[str, Any], policy: dict[str, Any], target: str | None) -> dict[str, Any]:
        from ..payloads.catalog import get_kind

        kind = get_kind(spec["hook"])
        self._inline_hook(kind, target)
        body = {"requestType": spec.get("request_type"), "variant": spec.get("variant"),
                "overrides": spec.get("overrides") or {}, "policy": policy}
        if spec.get("request"):
            body["request"] = spec["request"]
        data = self.client.call("POST", f"/_emulator/flows/{kind.name}", f"running the {kind.name} flow", json=body)
        doc = inline_doc(data)
        doc["via"] = f"server: POST /_emulator/flows/{kind.name}"
        return doc

    def inline(self, spec: dict[str, Any], policy: dict[str, Any], target: str | None) -> dict[str, Any]:
        return self._flow_call(spec, policy, target)

    def flow(self, spec: dict[str, Any], policy: dict[str, Any], target: str | None) -> dict[str, Any]:
        from ..payloads.catalog import get_kind

        if get_kind(spec["hook"]).name == "token" and spec.get("grant"):
            return self._oauth_flow(spec, target)
        doc = self._flow_call(spec, policy, target)
        if doc.get("kind") == "token":
            doc["tokens"] = decode_tokens(doc.get("outcome") or {}, self.client.jwks())
        return doc

    def _oauth_flow(self, spec: dict[str, Any], target: str | None) -> dict[str, Any]:
        from ..payloads.catalog import get_kind

        hook = self._inline_hook(get_kind("token"), target)
        org = self.client.call("GET", "/_emulator/org", "reading the org")
        form = {"grant_type": spec["grant"], "client_id": org["clientId"], "client_secret": org["clientSecret"]}
        if spec["grant"] == "password":
            form.update(username=org["users"][0]["login"], password=org["demoPassword"],
                        scope="openid profile email")
        started = time.perf_counter()
        resp = httpx.post(f"{self.client.base_url}/oauth2/default/v1/token", data=form, timeout=60)
        elapsed = (time.perf_counter() - started) * 1000
        body = resp.json()
        tokens = decode_tokens(body, self.client.jwks()) if resp.status_code == 200 else {}
        record = self.client.latest_delivery(hook["id"], "token") if hook else None
        doc = inline_doc(dict((record or {}).get("result") or {"delivery": {"attempts": []}}))
        doc.update(tokens=tokens, oauth={"status": resp.status_code, "body": body}, via="server: OAuth /v1/token")
        doc.setdefault("elapsed_ms", elapsed)
        return doc

    def wait(self, seconds: float) -> dict[str, Any]:
        time.sleep(seconds)
        idle = self.client.call("POST", "/_emulator/wait", "waiting", ok=(200, 504), json={"timeout": 10})
        return {"verdict": None, "waited": seconds, "elapsed_ms": seconds * 1000, "request_bodies": [],
                "worker": idle}
