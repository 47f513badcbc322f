"""The dashboard's routes. Reads come from the server's store; every change goes through the server's own
Management / control API (``support.api``) or the scenario runner, so the dashboard shows exactly what an API
client would see."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, redirect, render_template, request, url_for

from ..emulator.records import SECRET_MASK
from ..errors import EmulatorUsageError
from ..payloads.catalog import kinds
from ..server.hosts import server_url
from . import bp
from .charts import latency_chart, latency_stats, scaled_to_data
from .support import (
    LIVE_LIMIT,
    ApiAnswer,
    api,
    claims_diff,
    mask_header_value,
    parse_headers,
    parse_lines,
    pretty,
    scrub,
    secret_values,
    server_state,
)

INLINE_KINDS = [k for k in kinds().values() if k.inline]
KIND_TITLES = {"verification": "Verification", **{k.name: k.title for k in kinds().values()}}
VERDICTS = ("ok", "failed", "error", "invalid")
NOTICES = {"created": "registered", "verify": "verified", "activate": "activated", "deactivate": "deactivated",
           "delete": "deleted"}
HOOK_ACTIONS = {"verify": ("POST", "/lifecycle/verify"), "activate": ("POST", "/lifecycle/activate"),
                "deactivate": ("POST", "/lifecycle/deactivate"), "delete": ("DELETE", "")}
API_PATHS = {"event": "/api/v1/eventHooks", "inline": "/api/v1/inlineHooks"}
# Presentation only: one sample override per built-in kind for the Fire page (a kind without one shows none).
OVERRIDE_EXAMPLES = {
    "token": "data.context.user.profile.login=isaac.brock@example.com",
    "saml": "data.context.user.profile.login=isaac.brock@example.com",
    "registration": "data.userProfile.email=someone@blocked.example",
    "import": "data.appUser.profile.email=new.user@example.com",
    "password-import": "data.context.credential.password=Tr0ub4dor&3",
    "telephony": "data.messageProfile.phoneNumber=+999 555 0100",
}


# -- shared helpers -------------------------------------------------------------------------------------------

def _event_type_names() -> list[str]:
    from ..payloads.event_types import event_types

    return sorted(event_types())


def _all_hooks() -> list[dict]:
    """Every registered hook as a safe view model (no secret values), event hooks first."""
    st = server_state()
    out = []
    for category in ("event", "inline"):
        for hook in st.store.list_hooks(category):
            out.append(_hook_view(category, hook))
    return out


def _hook_view(category: str, hook: dict) -> dict:
    secrets_ = secret_values()
    cfg = hook["channel"]["config"]
    scheme = cfg.get("authScheme") or None
    kind = kinds()["event"] if category == "event" else next(
        (k for k in INLINE_KINDS if k.okta_type == hook.get("type")), None)
    return {
        "id": hook["id"], "name": hook["name"], "category": category,
        "kind": kind.name if kind else hook.get("type"), "kind_title": kind.title if kind else hook.get("type"),
        "status": hook["status"], "verification": hook.get("verificationStatus"),
        "uri": cfg.get("uri"), "channel_type": hook["channel"].get("type", "HTTP"),
        "auth_key": scheme.get("key") if scheme else None,
        "headers": [(h["key"], mask_header_value(h["key"], h.get("value", ""), secrets_))
                    for h in cfg.get("headers") or []],
        "events": (hook.get("events") or {}).get("items", []),
        "created": hook.get("created"), "last_updated": hook.get("lastUpdated"),
    }


def _hook_names() -> dict[str, str]:
    return {h["id"]: h["name"] for h in _all_hooks()}


def _error_view(answer_or_exc: Any) -> dict:
    """An Okta error (from an API answer or an exception) as ``{summary, causes, code}``."""
    if isinstance(answer_or_exc, ApiAnswer):
        err = answer_or_exc.error or {}
    elif hasattr(answer_or_exc, "body"):
        err = answer_or_exc.body
    else:
        err = {"errorCode": "E0000001", "errorSummary": "Api validation failed: form",
               "errorCauses": [{"errorSummary": str(answer_or_exc)}]}
    secrets_ = secret_values()
    return {"code": err.get("errorCode"), "summary": scrub(str(err.get("errorSummary", "")), secrets_),
            "causes": [scrub(str(c.get("errorSummary", "")), secrets_) for c in err.get("errorCauses") or []]}


def _verdict_of(rows: list[dict]) -> None:
    for row in rows:
        row["verdict_class"] = row["verdict"] if row["verdict"] in VERDICTS else "other"


# -- Hooks ----------------------------------------------------------------------------------------------------

@bp.get("/")
def hooks_page() -> str:
    """Registered event and inline hooks, their buttons, and the form to register one."""
    return _render_hooks()


def _render_hooks(*, form: dict | None = None, error: dict | None = None, status: int = 200) -> Any:
    st = server_state()
    hooks = _all_hooks()
    last: dict[str, dict] = {}
    for row in st.store.list_deliveries(limit=500):
        if row["hookId"] and row["hookId"] not in last:
            last[row["hookId"]] = row
    notice = None
    done, hook_id = request.args.get("done"), request.args.get("hook")
    if done in NOTICES and hook_id:
        name = next((h["name"] for h in hooks if h["id"] == hook_id), hook_id)
        notice = f"Hook “{name}” {NOTICES[done]}."
    warnings = request.args.getlist("warning")
    body = render_template(
        "hooks.html", page="hooks", hooks=hooks, last=last, inline_kinds=INLINE_KINDS,
        event_type_names=_event_type_names(), form=form or {"type": "event", "auth_key": "Authorization"},
        error=error, notice=notice, warnings=warnings, empty=not hooks and st.store.count_deliveries() == 0,
        server_url=server_url())
    return body if status == 200 else (body, status)


@bp.post("/hooks")
def register_hook() -> Any:
    """Register an event or inline hook through the Management API."""
    f = request.form
    form = {k: f.get(k, "") for k in ("type", "name", "uri", "auth_key", "headers")}
    form["event_types"] = [t.strip() for v in f.getlist("event_type") for t in v.split(",") if t.strip()]
    auth_value = f.get("auth_value", "")
    try:
        headers = parse_headers(form["headers"])
        if auth_value and not form["auth_key"].strip():
            raise EmulatorUsageError("Auth header: give the header name (e.g. Authorization) for the secret value.")
    except EmulatorUsageError as exc:
        return _render_hooks(form=form, error=_error_view(exc), status=400)
    scheme = ({"type": "HEADER", "key": form["auth_key"].strip(), "value": auth_value} if auth_value else None)
    config: dict[str, Any] = {"uri": form["uri"].strip(), "headers": headers, "authScheme": scheme}
    if form["type"] == "event":
        category = "event"
        body: dict[str, Any] = {"name": form["name"].strip(), "events": {"type": "EVENT_TYPE",
                                                                          "items": form["event_types"]},
                                "channel": {"type": "HTTP", "version": "1.0.0", "config": config}}
    else:
        kind = kinds().get(form["type"])
        if kind is None or not kind.inline:
            return _render_hooks(form=form, error=_error_view(EmulatorUsageError(
                f"Hook type: choose the event hook or one of {', '.join(k.name for k in INLINE_KINDS)}.")),
                status=400)
        category = "inline"
        config["method"] = "POST"
        body = {"name": form["name"].strip(), "type": kind.okta_type, "version": "1.0.0",
                "channel": {"type": "HTTP", "version": "1.0.0", "config": config}}
    answer = api("POST", API_PATHS[category], body)
    if not answer.ok:
        return _render_hooks(form=form, error=_error_view(answer), status=400)
    return redirect(url_for("dashboard.hooks_page", done="created", hook=answer.body["id"],
                            warning=answer.warnings) + f"#hook-{answer.body['id']}", code=303)


@bp.post("/hooks/<category>/<hook_id>/<action>")
def hook_action(category: str, hook_id: str, action: str) -> Any:
    """Verify, activate, deactivate or delete a hook through the Management API."""
    if category not in API_PATHS or action not in HOOK_ACTIONS or (action == "verify" and category != "event"):
        return _render_hooks(error=_error_view(EmulatorUsageError(
            f"Unknown action {action!r} for {category!r} hooks.")), status=404)
    method, suffix = HOOK_ACTIONS[action]
    answer = api(method, f"{API_PATHS[category]}/{hook_id}{suffix}")
    if not answer.ok:
        error = _error_view(answer)
        if action == "verify":
            rows = server_state().store.list_deliveries(hook_id=hook_id, kind="verification", limit=1)
            error["delivery"] = rows[0]["id"] if rows else None
        return _render_hooks(error=error, status=answer.status if answer.status >= 400 else 400)
    anchor = "" if action == "delete" else f"#hook-{hook_id}"
    return redirect(url_for("dashboard.hooks_page", done=action, hook=hook_id) + anchor, code=303)


# -- Deliveries -----------------------------------------------------------------------------------------------

def _delivery_filters() -> dict[str, str]:
    args = request.args
    return {k: args.get(k, "").strip() for k in ("hookId", "kind", "eventType", "verdict")}


def _delivery_rows(filters: dict[str, str]) -> list[dict]:
    st = server_state()
    names = _hook_names()
    rows = st.store.list_deliveries(hook_id=filters["hookId"] or None, kind=filters["kind"] or None,
                                    event_type=filters["eventType"] or None, verdict=filters["verdict"] or None,
                                    limit=LIVE_LIMIT)
    for row in rows:
        record = st.store.get_delivery(row["id"]) or {}
        attempts = record.get("attempts") or []
        final = attempts[-1] if attempts else {}
        row["hookName"] = names.get(row["hookId"]) or record.get("hookName") or row["hookId"] or "—"
        row["kindTitle"] = KIND_TITLES.get(row["kind"], row["kind"])
        row["elapsed"] = sum(a.get("elapsed_ms", 0) for a in attempts)
        row["status"] = (final.get("response") or {}).get("status")
        row["transport"] = final.get("transport")
        row["eventTypes"] = (row["eventType"] or "").split(",") if row["eventType"] else []
    _verdict_of(rows)
    return rows


@bp.get("/deliveries")
def deliveries_page() -> str:
    """Every delivery (verification GETs, event batches, inline calls), newest first; updates live."""
    filters = _delivery_filters()
    rows = _delivery_rows(filters)
    kinds = [("verification", "Verification"), ("event", "Event hook")] + [(k.name, k.title) for k in INLINE_KINDS]
    return render_template("deliveries.html", page="deliveries", rows=rows, filters=filters, hooks=_all_hooks(),
                           kinds=kinds, verdicts=VERDICTS, event_type_names=_event_type_names(),
                           live_query=request.query_string.decode(), filtered=any(filters.values()),
                           total=server_state().store.count_deliveries())


@bp.get("/deliveries/live")
def deliveries_live() -> Response:
    """The Deliveries table body, for the page's short polling: ``{signature, count, ids, html}``."""
    rows = _delivery_rows(_delivery_filters())
    html = render_template("_delivery_rows.html", rows=rows)
    data = {"signature": "|".join(f"{r['id']}:{r['verdict']}" for r in rows), "count": len(rows),
            "ids": [r["id"] for r in rows], "total": server_state().store.count_deliveries(), "html": html}
    resp = Response(json.dumps(data), mimetype="application/json")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/deliveries/<delivery_id>")
def delivery_detail(delivery_id: str) -> Any:
    """One delivery: summary, verdict, checklist / problems / commands, outcome and every attempt."""
    st = server_state()
    record = st.store.get_delivery(delivery_id)
    if record is None:
        return render_template("not_found.html", page="deliveries", what=f"delivery {delivery_id}"), 404
    secrets_ = secret_values()
    attempts = []
    for a in record.get("attempts") or []:
        req, resp = a.get("request") or {}, a.get("response")
        attempts.append({
            **a,
            "req_headers": [(k, mask_header_value(k, v, secrets_)) for k, v in (req.get("headers") or {}).items()],
            "req_body": pretty(req.get("body"), secrets_),
            "resp_headers": [(k, mask_header_value(k, v, secrets_))
                             for k, v in ((resp or {}).get("headers") or {}).items()],
            "resp_body": pretty((resp or {}).get("body"), secrets_) if resp else "",
            "url": scrub(req.get("url", ""), secrets_),
        })
    result = record.get("result") or {}
    outcome = record.get("outcome") or {}
    token = None
    if isinstance(outcome, dict) and ("original_id_claims" in outcome or "original_access_claims" in outcome):
        # an outcome with minted tokens (the token hook's): show what the hook changed in each token
        token = []
        for label, key, orig in (("ID token", "id_token", "original_id_claims"),
                                 ("Access token", "access_token", "original_access_claims")):
            minted = outcome.get(key)
            if outcome.get(orig) is None and minted is None:
                continue
            # No token minted (the hook answered an error): nothing was changed by the hook, nothing issued.
            rows = (claims_diff(outcome.get(orig), minted.get("claims")) if minted is not None
                    else claims_diff(outcome.get(orig), outcome.get(orig)))
            token.append({"label": label, "issued": minted is not None, "rows": rows,
                          "lifetime": (minted or {}).get("lifetime"),
                          "changed": sum(1 for r in rows if r.change in ("added", "changed", "removed"))})
    hook = None
    if record.get("hookId"):
        hook = next((h for h in _all_hooks() if h["id"] == record["hookId"]), None)
    budget_ms = _budget_ms()
    return render_template(
        "delivery.html", page="deliveries", d=record, attempts=attempts, result=result, outcome=outcome,
        token=token, hook=hook, kind_title=KIND_TITLES.get(record["kind"], record["kind"]),
        verdict_class=record["verdict"] if record["verdict"] in VERDICTS else "other",
        outcome_json=pretty(outcome, secrets_), request_json=pretty(record.get("request"), secrets_),
        summary=_delivery_summary(record), budget_ms=budget_ms,
        total_ms=sum(a.get("elapsed_ms", 0) for a in record.get("attempts") or []),
        from_flow=request.args.get("from") == "flow", secret_mask=SECRET_MASK)


def _budget_ms() -> float:
    from ..emulator.policy import DeliveryPolicy

    return DeliveryPolicy().timeout * 1000


def _delivery_summary(record: dict) -> str:
    outcome = record.get("outcome") or {}
    result = record.get("result") or {}
    if record["kind"] == "verification":
        return ("The hook echoed the verification challenge: Okta marks it VERIFIED."
                if record["verdict"] == "ok" else
                "Verification failed: Okta leaves the hook UNVERIFIED and will not deliver events to it.")
    if record["kind"] == "event":
        n = outcome.get("events", 0)
        if outcome.get("accepted"):
            return f"{n} event(s) delivered and accepted by the hook." + (f" {record['note']}" if record.get("note")
                                                                          else "")
        return (f"{n} event(s) not accepted: Okta logs an event_hook.delivery failure and does not send them again."
                + (f" {record['note']}" if record.get("note") else ""))
    text = outcome.get("summary") if isinstance(outcome, dict) else None
    return text or result.get("reason") or ""


# -- Fire -----------------------------------------------------------------------------------------------------

def _fire_context(**extra: Any) -> dict:
    from ..scenarios import builtin_names, load_builtin

    scenarios = []
    for name in builtin_names():
        try:
            scenarios.append((name, load_builtin(name).description))
        except Exception:  # noqa: BLE001 - a broken built-in must not take the page down
            scenarios.append((name, "(could not be loaded)"))
    st = server_state()
    active_inline = {h["type"] for h in st.store.list_hooks("inline") if h["status"] == "ACTIVE"}
    ready = {k.name: k.okta_type in active_inline for k in INLINE_KINDS}
    subscribed = sorted({t for h in st.store.list_hooks("event") if h["status"] == "ACTIVE"
                         and h.get("verificationStatus") == "VERIFIED" for t in h["events"]["items"]})
    ctx = {"page": "fire", "event_type_names": _event_type_names(), "inline_kinds": INLINE_KINDS,
           "request_types": {k.name: k.request_types for k in INLINE_KINDS if k.request_types},
           "variants": {k.name: k.variants for k in INLINE_KINDS if k.variants}, "scenarios": scenarios, "ready": ready,
           "subscribed": subscribed, "examples": OVERRIDE_EXAMPLES, "form": {}, "error": None, "fired": None,
           "report": None, "section": None, "server_url": server_url()}
    ctx.update(extra)
    return ctx


@bp.get("/fire")
def fire_page() -> str:
    """Trigger catalog events, run inline flows, run built-in scenarios."""
    form = {"kind": request.args.get("kind", ""), "event_type": request.args.get("eventType", "")}
    return render_template("fire.html", **_fire_context(form=form))


@bp.post("/fire/events")
def fire_events() -> Any:
    """Write catalog events to the System Log (``POST /_emulator/events``); the worker delivers them."""
    f = request.form
    form = {"event_type": f.get("event_type", "").strip(), "count": f.get("count", "1"),
            "event_overrides": f.get("event_overrides", "")}
    try:
        try:
            count = int(form["count"])
        except ValueError:
            raise EmulatorUsageError("Count: give a whole number such as 1 or 5.") from None
        overrides = parse_lines(form["event_overrides"], "Overrides")
    except EmulatorUsageError as exc:
        return render_template("fire.html", **_fire_context(form=form, error=_error_view(exc),
                                                            section="events")), 400
    answer = api("POST", "/_emulator/events", {"eventType": form["event_type"], "count": count,
                                               "overrides": overrides})
    if not answer.ok:
        return render_template("fire.html", **_fire_context(form=form, error=_error_view(answer),
                                                            section="events")), 400
    st = server_state()
    hooks = [h for h in st.store.list_hooks("event") if h["status"] == "ACTIVE"
             and h.get("verificationStatus") == "VERIFIED" and form["event_type"] in h["events"]["items"]]
    fired = {"event_type": form["event_type"], "events": answer.body["events"], "hooks": hooks}
    return render_template("fire.html", **_fire_context(form=form, fired=fired, section="events"))


@bp.post("/fire/flow")
def fire_flow() -> Any:
    """Run an inline flow against the registered ACTIVE hook of a kind (``POST /_emulator/flows/<kind>``), then
    show the recorded delivery."""
    f = request.form
    form = {k: f.get(k, "").strip() for k in ("kind", "request_type", "variant", "timeout")}
    form["flow_overrides"] = f.get("flow_overrides", "")
    kind = kinds().get(form["kind"])
    try:
        if kind is None or not kind.inline:
            raise EmulatorUsageError(f"Flow: choose one of {', '.join(k.name for k in INLINE_KINDS)}.")
        overrides = parse_lines(form["flow_overrides"], "Overrides")
        body: dict[str, Any] = {"overrides": overrides}
        if form["request_type"]:
            body["requestType"] = form["request_type"]
        if form["variant"]:
            body["variant"] = form["variant"]
        if form["timeout"]:
            try:
                body["policy"] = {"timeout": float(form["timeout"])}
            except ValueError:
                raise EmulatorUsageError("Timeout: give a number of seconds such as 3 or 0.5.") from None
    except EmulatorUsageError as exc:
        return render_template("fire.html", **_fire_context(form=form, error=_error_view(exc), section="flow")), 400
    st = server_state()
    before = {r["id"] for r in st.store.list_deliveries(kind=kind.name, limit=20)}
    answer = api("POST", f"/_emulator/flows/{kind.name}", body)
    if not answer.ok:
        return render_template("fire.html", **_fire_context(form=form, error=_error_view(answer),
                                                            section="flow")), 400
    rows = [r for r in st.store.list_deliveries(kind=kind.name, limit=20) if r["id"] not in before]
    if rows:
        return redirect(url_for("dashboard.delivery_detail", delivery_id=rows[0]["id"], **{"from": "flow"}), code=303)
    return redirect(url_for("dashboard.deliveries_page", kind=kind.name), code=303)  # pragma: no cover


@bp.post("/fire/scenario")
def fire_scenario() -> Any:
    """Run a built-in scenario through this server (same path as ``okta-hooks run NAME --server URL``)."""
    from ..scenarios import ScenarioError, builtin_names, load_builtin, run_scenario, text_report

    f = request.form
    form = {k: f.get(k, "").strip() for k in ("scenario", "target", "seed")}
    try:
        if form["scenario"] not in builtin_names():
            from ..errors import did_you_mean

            raise EmulatorUsageError(f"Scenario: {form['scenario']!r} is not a built-in scenario."
                                     f"{did_you_mean(form['scenario'], builtin_names())}")
        seed = int(form["seed"]) if form["seed"] else None
    except ValueError:
        return render_template("fire.html", **_fire_context(form=form, section="scenario", error=_error_view(
            EmulatorUsageError("Seed: give a whole number or leave it empty.")))), 400
    except EmulatorUsageError as exc:
        return render_template("fire.html", **_fire_context(form=form, error=_error_view(exc),
                                                            section="scenario")), 400
    st = server_state()
    try:
        result = run_scenario(load_builtin(form["scenario"]), server=server_url(),
                              token=st.config.api_token, target=form["target"] or None, seed=seed)
    except (ScenarioError, EmulatorUsageError) as exc:
        return render_template("fire.html", **_fire_context(form=form, error=_error_view(exc),
                                                            section="scenario")), 400
    secrets_ = secret_values()
    steps = [{"name": s.name, "action": s.action, "label": s.label, "status": s.status, "summary": s.summary,
              "error": scrub(s.error or "", secrets_) if getattr(s, "error", None) else "",
              "failures": [scrub(c.describe(), secrets_) for c in s.failures()]}
             for s in result.steps]
    report = {"name": result.name, "description": result.description, "passed": result.passed,
              "counts": result.counts, "steps": steps, "duration_ms": result.duration_ms,
              "text": scrub(text_report([result]), secrets_)}
    return render_template("fire.html", **_fire_context(form=form, report=report, section="scenario"))


# -- System Log -----------------------------------------------------------------------------------------------

@bp.get("/logs")
def logs_page() -> Any:
    """The org's System Log, newest first: free-text search and Okta filter expressions."""
    from ..errors import OktaAPIError
    from ..server.logs import parse_filter

    st = server_state()
    q = request.args.get("q", "").strip()
    expr = request.args.get("filter", "").strip()
    event_type = request.args.get("eventType", "").strip()
    try:
        limit = max(1, min(int(request.args.get("limit", 100)), 1000))
    except ValueError:
        limit = 100
    error = None
    predicates = []
    if expr:
        try:
            predicates.append(parse_filter(expr))
        except OktaAPIError as exc:
            error = _error_view(exc)
    if event_type:
        predicates.append(lambda e: e.get("eventType") == event_type)
    if q:
        terms = q.lower().split()
        predicates.append(lambda e: all(t in json.dumps(e).lower() for t in terms))
    rows: list[tuple[int, dict]] = []
    more = False
    if error is None:
        rows, more = st.store.query_logs(descending=True, limit=limit,
                                         match=(lambda e: all(p(e) for p in predicates)) if predicates else None)
    secrets_ = secret_values()
    events = [{"seq": seq, "e": e, "json": pretty(e, secrets_),
               "targets": ", ".join(str(t.get("displayName") or t.get("alternateId") or t.get("id"))
                                    for t in e.get("target") or [])} for seq, e in rows]
    body = render_template("logs.html", page="logs", events=events, q=q, filter=expr, event_type=event_type,
                           limit=limit, more=more, error=error, total=st.store.count_logs(),
                           event_type_names=_event_type_names())
    return body if error is None else (body, 400)


# -- Latency --------------------------------------------------------------------------------------------------

@bp.get("/latency")
def latency_page() -> str:
    """Per hook: response time of every attempt against Okta's 3 s budget, timeouts and retries marked."""
    st = server_state()
    configured = st.policy.timeout * 1000
    charts = []
    for hook in _all_hooks():
        rows = st.store.list_deliveries(hook_id=hook["id"], limit=200)
        points = []
        for row in reversed(rows):
            record = st.store.get_delivery(row["id"]) or {}
            for a in record.get("attempts") or []:
                points.append({"delivery": row["id"], "kind": row["kind"], "number": a.get("number", 1),
                               "elapsed": float(a.get("elapsed_ms") or 0), "transport": a.get("transport"),
                               "retried": bool(a.get("retried")), "started": a.get("started_at"),
                               "status": (a.get("response") or {}).get("status"), "error": a.get("error")})
        charts.append({"hook": hook, "points": points, "stats": latency_stats(points, _budget_ms()),
                       "scaled": scaled_to_data(points, _budget_ms()),
                       "svg": latency_chart(points, budget_ms=_budget_ms(), configured_ms=configured,
                                            title=f"Response times of {hook['name']}",
                                            link=lambda p: url_for("dashboard.delivery_detail",
                                                                   delivery_id=p["delivery"]))})
    return render_template("latency.html", page="latency", charts=charts, budget_ms=_budget_ms(),
                           configured_ms=configured)
