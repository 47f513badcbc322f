"""``create_app(config)``: the Okta-compatible Flask app (Management API, System Log, OAuth, control API).

All state lives on the app: ``app.extensions["okta_hooks"]`` is a :class:`ServerState` holding the config,
the SQLite store, the core ``Emulator`` and the delivery worker. Extra blueprints (the dashboard) are passed in
``config.blueprints`` or registered later with ``app.register_blueprint``."""

from __future__ import annotations

import atexit
import json
import logging
import secrets
import threading
import weakref
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from ..clock import SystemClock, iso
from ..emulator.policy import DeliveryPolicy
from ..errors import EmulatorUsageError, OktaAPIError, okta_error
from .config import ServerConfig
from .store import Store

EXTENSION = "okta_hooks"
WARNING_HEADER = "X-Okta-Emulator-Warning"
# Paths that need no SSWS token: OAuth endpoints, the OpenAPI document, and anything outside the APIs
# (the dashboard pages at "/").
_AUTH_PREFIXES = ("/api/", "/_emulator/")
_PUBLIC_PATHS = frozenset({"/_emulator/openapi.json"})


class ServerState:
    """Per-app state: config, store, emulator, worker. Reached with ``app.extensions["okta_hooks"]``."""

    def __init__(self, config: ServerConfig):
        from ..emulator.core import Emulator  # the core facade

        self.config = config
        self.clock = config.clock or SystemClock()
        self.store = Store(config.db, secret_key=config.secret_key)
        self.policy = DeliveryPolicy().with_overrides(**config.policy)
        # A restart on the same database continues with a derived seed so ids and uuids never repeat.
        generation = int(self.store.get_meta("generation", "0") or 0)
        self.store.set_meta("generation", str(generation + 1))
        self.seed = config.seed if generation == 0 else config.seed * 1_000_003 + generation
        self.emulator = Emulator(seed=self.seed, clock=self.clock, policy=self.policy)
        self.lock = threading.RLock()  # guards payload generation (the seeded factory is not thread-safe)
        self.worker: Any = None
        self._delivery_listeners: list[Callable[[dict], None]] = []

    # -- delivery observers ------------------------------------------------------------------------------
    def on_delivery(self, listener: Callable[[dict], None]) -> Callable[[], None]:
        """Call ``listener(record)`` with every delivery record (verification, event batch, inline call) once it
        is stored, in the thread that made the call; returns a function that unsubscribes it. A listener that
        raises is logged and does not disturb the delivery."""
        self._delivery_listeners = [*self._delivery_listeners, listener]

        def unsubscribe() -> None:
            self._delivery_listeners = [f for f in self._delivery_listeners if f is not listener]

        return unsubscribe

    def delivered(self, records: list[dict]) -> None:
        """Tell the ``on_delivery`` listeners about stored delivery ``records``."""
        for listener in self._delivery_listeners:
            for record in records:
                try:
                    listener(record)
                except Exception:  # noqa: BLE001 - an observer must never break a delivery
                    logging.getLogger(__name__).exception("delivery listener failed")

    # -- ids, time, logging ------------------------------------------------------------------------------
    def now(self) -> str:
        """The current time from the injected clock, in Okta's format."""
        return iso(self.clock.now())

    def new_id(self, prefix: str) -> str:
        """A fresh 20-character Okta id with ``prefix`` (seeded), unique in the store."""
        with self.lock:
            for _ in range(100):
                candidate = self.emulator.payloads.new_id(prefix)
                if not self.store.id_exists(candidate):
                    return candidate
        raise RuntimeError("could not find a free id")  # pragma: no cover

    def log(self, event_type: str, **kwargs: Any) -> dict:
        """Build a LogEvent with the core (``Emulator.log_event``), write it to the System Log and queue it for
        delivery."""
        with self.lock:
            event = self.emulator.log_event(event_type, **kwargs)
        self.write_logs([event])
        return event

    def write_logs(self, events: list[dict], texts: list[str] | None = None) -> None:
        """Write ready LogEvents to the System Log (they are queued for the event-hook worker); ``texts``: the
        events already encoded as JSON, when the caller has them."""
        if events:
            self.store.append_logs(events, texts)
            if self.worker is not None:
                self.worker.wake()

    def reseed(self, seed: int) -> None:
        """Re-seed the payload factory (and remember the seed in the database)."""
        with self.lock:
            self.seed = seed
            self.emulator.reseed(seed)

    def policy_for(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Server-wide policy overrides plus per-call ones, as keyword arguments for the Emulator."""
        merged = dict(self.config.policy)
        merged.update(overrides or {})
        try:
            DeliveryPolicy().with_overrides(**merged)
        except TypeError as exc:
            raise OktaAPIError("E0000001", "policy", causes=[str(exc)]) from None
        return merged

    def close(self) -> None:
        """Stop the worker (draining the queue) and close the database."""
        if self.worker is not None:
            self.worker.stop()
        self.emulator.close()
        self.store.close()


def state() -> ServerState:
    """The ``ServerState`` of the current Flask app."""
    from flask import current_app

    return current_app.extensions[EXTENSION]


def org_url() -> str:
    """Base URL of the emulated org (config ``org_url`` or the URL the client used)."""
    configured = state().config.org_url
    return (configured or request.host_url).rstrip("/")


def json_body(*, required: bool = True) -> dict:
    """The request's JSON object; an Okta E0000003 when it is not a well-formed JSON object, E0000001 when it is
    nested too deeply or holds a string that is not valid Unicode, 413 when it is over the body limit."""
    from .limits import parse_json, read_body

    raw = read_body()
    if not raw.strip():
        if required:
            raise OktaAPIError("E0000003", causes=["The request body is empty; send a JSON object."])
        return {}
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise OktaAPIError("E0000003", causes=[f"Expected a JSON object, got {type(body).__name__}."])
    return body


def add_warning(message: str) -> None:
    """Attach a warning to the response (``X-Okta-Emulator-Warning`` header)."""
    g.setdefault("emulator_warnings", []).append(message)


def okta_json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response as Okta sends it."""
    resp = Response(json.dumps(data), status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def no_content() -> Response:
    """``204 No Content`` with no body and no Content-Type, as Okta answers a DELETE."""
    resp = Response(status=204)
    del resp.headers["Content-Type"]
    return resp


def error_response(exc: OktaAPIError) -> Response:
    return okta_json(exc.body, exc.status)


def _check_auth() -> Response | None:
    path = request.path
    if not path.startswith(_AUTH_PREFIXES) or path in _PUBLIC_PATHS:
        return None
    header = request.headers.get("Authorization", "")
    token = state().config.api_token
    # Okta's Python SDK 3.x sends "SSWS<token>" without the space from its generated API methods: accept both.
    scheme, value = header[:4], header[4:].strip()
    if scheme.upper() != "SSWS" or not secrets.compare_digest(value.encode(), (token or "").encode()):
        hint = ("Missing Authorization header; send 'Authorization: SSWS <api token>' (printed by okta-hooks serve)."
                if not header else "The Authorization header must be 'SSWS <api token>' with the emulator's API token.")
        return error_response(OktaAPIError("E0000011", causes=[hint]))
    return None


def _blueprints() -> list[Any]:
    from ..pages import bp as pages_bp
    from . import control, event_hooks, hook_keys, inline_hooks, logs, oauth, saml_metadata
    from .oidc_apps import bp as oidc_apps_bp
    from .users_api import bp as users_api_bp

    return [event_hooks.bp, inline_hooks.bp, hook_keys.bp, logs.bp, oauth.bp, saml_metadata.bp, control.bp, pages_bp,
            oidc_apps_bp, users_api_bp]


def _session_key(st: ServerState) -> str:
    """The key signing the hosted pages' session cookies: random per database, kept in it (a restart on the
    same file keeps people signed in)."""
    key = st.store.get_meta("session_key")
    if not key:
        key = secrets.token_hex(32)
        st.store.set_meta("session_key", key)
    return key


def create_app(config: ServerConfig | dict[str, Any] | None = None, **overrides: Any) -> Flask:
    """Build the emulator's Flask app. ``config`` is a :class:`ServerConfig`, a dict of its fields, or None."""
    cfg = ServerConfig.build(config, **overrides)
    app = Flask("okta_hook_emulator.server")
    app.json.sort_keys = False  # type: ignore[attr-defined]
    st = ServerState(cfg)
    app.extensions[EXTENSION] = st
    app.config["OKTA_HOOKS_CONFIG"] = cfg
    app.secret_key = _session_key(st)
    app.config.update(SESSION_COOKIE_NAME="sid", SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True)

    for bp in _blueprints() + list(cfg.blueprints):
        app.register_blueprint(bp)

    from .hosts import check_host
    from .limits import body_too_large, check_body_size

    app.config["MAX_CONTENT_LENGTH"] = cfg.max_body_bytes
    app.before_request(check_host)
    app.before_request(check_body_size)
    app.before_request(_check_auth)
    from .rate_limit import install as install_api_headers

    install_api_headers(app, cfg.rate_limit_per_minute, st.seed, st.clock)

    @app.after_request
    def _warnings(resp: Response) -> Response:
        for message in g.get("emulator_warnings", []):
            resp.headers.add(WARNING_HEADER, message)
        return resp

    @app.errorhandler(OktaAPIError)
    def _okta(exc: OktaAPIError) -> Response:
        return error_response(exc)

    @app.errorhandler(EmulatorUsageError)
    def _usage(exc: EmulatorUsageError) -> Response:
        return error_response(OktaAPIError("E0000001", "request", causes=[str(exc)]))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if exc.code == 404:
            return error_response(OktaAPIError("E0000007", f"Resource not found: {request.path}",
                                               causes=[f"No route {request.method} {request.path}; see "
                                                       "GET /_emulator/openapi.json for every route."]))
        if exc.code == 405:
            allowed = ", ".join(sorted(getattr(exc, "valid_methods", None) or []))
            return error_response(OktaAPIError("E0000022", causes=[
                f"{request.method} is not supported on {request.path}" + (f"; use {allowed}." if allowed else ".")]))
        if exc.code == 413:
            return error_response(body_too_large(cfg.max_body_bytes))
        if exc.code == 400:
            return error_response(OktaAPIError("E0000003", causes=[exc.description or "Bad request."]))
        body = okta_error("E0000009", summary=exc.name, causes=[exc.description or exc.name])
        return okta_json(body, exc.code or 500)

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> Response:  # pragma: no cover - defensive
        app.logger.exception("Unhandled error")
        return okta_json(okta_error("E0000009", causes=["The emulator failed on this request; its log has the "
                                                        "details."]), 500)

    from .worker import DeliveryWorker

    st.worker = DeliveryWorker(st)
    if cfg.start_worker:
        st.worker.start()
        ref = weakref.ref(st)

        def _stop() -> None:
            s = ref()
            if s is not None and s.worker is not None:
                s.worker.stop(timeout=2.0)

        atexit.register(_stop)
    return app
