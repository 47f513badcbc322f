"""Emulator-only control API under ``/_emulator/`` (docs/ARCHITECTURE.md "Server control API"). Not Okta's:
trigger events, run inline flows, inspect deliveries, reset, reseed, wait for the worker, org facts and the
OpenAPI document of every route."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from flask import Blueprint, Response, request

from ..errors import EmulatorUsageError, OktaAPIError, did_you_mean
from ..payloads.catalog import INLINE_KINDS, get_kind
from .app import json_body, okta_json, org_url, state

bp = Blueprint("control", __name__, url_prefix="/_emulator")

MAX_TRIGGER = 10_000


def _usage(field: str, message: str) -> OktaAPIError:
    return OktaAPIError("E0000001", field, causes=[message])


def _user(body: dict) -> str | dict | None:
    """The optional ``user`` of a trigger: a login (or id) of the synthetic org, or a dict of profile fields; the
    generated request is about that one person everywhere it names one."""
    user = body.get("user")
    if user is not None and not isinstance(user, str | dict):
        raise _usage("user", 'user: Expected a login such as "ann@example.com" or an object of profile fields.')
    return user


@bp.post("/events")
def trigger_events() -> Response:
    """Write ``count`` System Log events of ``eventType`` (with ``overrides``); the worker delivers them."""
    st = state()
    body = json_body()
    types = body.get("eventType")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise _usage("eventType", 'eventType: Give an event type (or a list), e.g. {"eventType": "user.lifecycle.create"}.')
    count = body.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_TRIGGER:
        raise _usage("count", f"count: Expected a whole number from 1 to {MAX_TRIGGER}.")
    overrides = body.get("overrides") or {}
    if not isinstance(overrides, dict):
        raise _usage("overrides", 'overrides: Expected an object of {"dotted.path": value}.')
    from ..payloads.event_types import get_event_type

    for t in types:
        try:
            get_event_type(t)
        except EmulatorUsageError as exc:
            raise _usage("eventType", f"eventType: {exc}") from None
    user = _user(body)
    with st.lock:
        try:
            events = [st.emulator.payloads.log_event(types[i % len(types)], overrides=overrides or None, user=user)
                      for i in range(count)]
        except EmulatorUsageError as exc:
            raise _usage("user", f"user: {exc}") from None
    from ..wire_json import dumps as wire_dumps  # up to 10,000 events: the fast encoder

    texts = [wire_dumps(event).decode("utf-8") for event in events]  # encoded once: stored and answered
    st.write_logs(events, texts)
    return Response(('{"events":[' + ",".join(texts) + "]}").encode("utf-8"), mimetype="application/json")


@bp.post("/flows/<kind>")
def run_flow(kind: str) -> Response:
    """Run an inline flow against the registered ACTIVE inline hook of ``kind``; answers ``InlineResult.to_dict()``."""
    from .inline_hooks import active_hook, call_hook

    st = state()
    try:
        hook_kind = get_kind(kind)
    except EmulatorUsageError as exc:
        raise _usage("kind", str(exc)) from None
    if not hook_kind.inline:
        raise _usage("kind", f"'{kind}' is not an inline kind; use one of {', '.join(INLINE_KINDS)}."
                     f"{did_you_mean(kind, INLINE_KINDS)}")
    body = json_body(required=False)
    hook = active_hook(hook_kind.name, st)
    if hook is None:
        raise OktaAPIError("E0000007", f"Resource not found: ACTIVE {hook_kind.okta_type} inline hook",
                           causes=[f"Register and activate a {hook_kind.title.lower()} first "
                                   f"(POST /api/v1/inlineHooks with type {hook_kind.okta_type})."])
    policy = body.get("policy") or {}
    if not isinstance(policy, dict):
        raise _usage("policy", 'policy: Expected an object such as {"timeout": 1}.')
    request_body = body.get("request")
    if request_body is not None and not isinstance(request_body, dict):
        raise _usage("request", "request: Expected the full inline hook request object.")
    for field in ("requestType", "variant"):
        if body.get(field) is not None and not isinstance(body.get(field), str):
            raise _usage(field, f"{field}: Expected a string or null.")
    if body.get("overrides") is not None and not isinstance(body.get("overrides"), dict):
        raise _usage("overrides", 'overrides: Expected an object of {"dotted.path": value}.')
    kwargs: dict[str, Any] = {"request": request_body, "request_type": body.get("requestType"),
                              "variant": body.get("variant"), "overrides": body.get("overrides") or None}
    user = _user(body)
    if request_body is None:
        with st.lock:
            try:
                kwargs["request"] = st.emulator.payloads.inline_request(
                    hook_kind.name, request_type=kwargs["request_type"], variant=kwargs["variant"],
                    overrides=kwargs["overrides"], hook_id=hook["id"], user=user)
            except EmulatorUsageError as exc:
                if user is None:
                    raise
                raise _usage("user", f"user: {exc}") from None
        kwargs["overrides"] = None
    result = call_hook(hook, via="flow", policy=policy, **kwargs)
    data = result.to_dict()
    signed = getattr(result.outcome, "signed_assertion_xml", None)  # SAML: what the service provider gets
    if signed is not None:
        data["outcome"]["signed_assertion_xml"] = signed
    return okta_json(data)


@bp.get("/deliveries")
def list_deliveries() -> Response:
    args = request.args
    try:
        limit = int(args.get("limit", 100))
    except ValueError:
        raise _usage("limit", "limit: Expected a whole number.") from None
    return okta_json(state().store.list_deliveries(hook_id=args.get("hookId"), kind=args.get("kind"),
                                                   event_type=args.get("eventType"), verdict=args.get("verdict"),
                                                   limit=max(1, min(limit, 1000))))


@bp.get("/deliveries/<delivery_id>")
def get_delivery(delivery_id: str) -> Response:
    record = state().store.get_delivery(delivery_id)
    if record is None:
        raise OktaAPIError("E0000007", f"Resource not found: {delivery_id} (Delivery)",
                           causes=["List deliveries with GET /_emulator/deliveries."])
    return okta_json(record)


@bp.post("/reset")
def reset() -> Response:
    """Forget hooks, the System Log, deliveries, stored users, apps created through the API and the authorization
    server's codes and tokens (the demo client and the signing keys stay)."""
    from flask import current_app

    from .oidc_apps import forget_apps
    from .oidc_grants import grants

    st = state()
    st.worker.wait_idle(5.0)
    st.store.reset()
    forget_apps(st)
    grants(current_app).clear()
    return okta_json({"reset": True})


@bp.post("/reseed")
def reseed() -> Response:
    body = json_body()
    seed = body.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise _usage("seed", 'seed: Expected a whole number, e.g. {"seed": 7}.')
    state().reseed(seed)
    return okta_json({"seed": seed})


@bp.post("/wait")
def wait() -> Response:
    st = state()
    body = json_body(required=False)
    timeout = body.get("timeout", 5)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout < 0:
        raise _usage("timeout", "timeout: Expected a number of seconds.")
    idle = st.worker.wait_idle(float(timeout))
    return okta_json({"idle": idle, "pending": st.store.count_pending(), "errors": list(st.worker.errors)},
                     200 if idle else 504)


@bp.get("/org")
def org() -> Response:
    """Facts about the emulated org: URLs (hosted pages too), the demo OAuth client, synthetic users."""
    from ..pages import hosted_page_urls
    from .oauth import demo_client
    from .users import DEMO_PASSWORD

    st = state()
    cid, secret = demo_client(st)
    synthetic = st.emulator.payloads.org
    users = [{"id": u.id, "login": u.login, "firstName": u.first_name, "lastName": u.last_name}
             for u in synthetic.users[:10]]
    base = org_url()
    return okta_json({
        "orgUrl": base, "issuer": base + "/oauth2/default", "dashboard": base + "/",
        "seed": st.seed, "strict": st.config.strict, "clientId": cid, "clientSecret": secret,
        "demoPassword": DEMO_PASSWORD, "users": users,
        "syntheticDomain": synthetic.domain, "pages": hosted_page_urls(base),
    })


def documented_routes(app: Any) -> list[tuple[str, str, Any]]:
    """``(OpenAPI path, method, view)`` for every route of ``app`` except static files."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?(\w+)>", lambda m: "{" + _camel(m.group(1)) + "}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((path, method.lower(), app.view_functions.get(rule.endpoint)))
    return out


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def load_openapi() -> dict:
    """The hand-kept OpenAPI document (``server/openapi.json``) of the API routes."""
    return json.loads(resources.files(__package__).joinpath("openapi.json").read_text())


@bp.get("/openapi.json")
def openapi() -> Response:
    """The hand-kept document, plus the pages added by optional blueprints (the dashboard), described from their
    view docstrings."""
    from flask import current_app

    doc = load_openapi()
    doc["servers"] = [{"url": org_url()}]
    for path, method, view in documented_routes(current_app):
        if method in doc["paths"].get(path, {}):
            continue
        summary = ((getattr(view, "__doc__", None) or "").strip().splitlines() or [f"{method.upper()} {path}"])[0]
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in re.findall(r"{(\w+)}", path)]
        op: dict[str, Any] = {"summary": summary, "tags": ["Dashboard"], "security": [],
                              "responses": {"200": {"description": "HTML page or redirect"}}}
        if params:
            op["parameters"] = params
        doc["paths"].setdefault(path, {})[method] = op
    return okta_json(doc)
