"""``okta-hooks listen --forward-to URL``: start an emulated org, register and verify your hooks on it through its
own Management API, print how to reach it, and show every call Okta makes to your hooks as it happens.

``delivery_line(record)`` is the one formatter of a delivery record (``/_emulator/deliveries`` shape) for the
terminal; ``okta-hooks serve`` and ``okta-hooks trigger`` print the same lines."""

from __future__ import annotations

import queue
import shlex
import sys
import threading
from typing import Any, NoReturn

import click

from ..errors import EmulatorUsageError

ENV_ORG_URL = "OKTA_HOOKS_ORG_URL"
ENV_TOKEN = "OKTA_HOOKS_TOKEN"
HOOK_NAME = "okta-hooks listen"


# -- the line formatter ---------------------------------------------------------------------------------------

def failure_reason(record: dict) -> str:
    """Why a delivery did not go through, in Okta's terms ("timed out after 3 s", "connection refused",
    "HTTP 500 after 2 attempts", the broken rule, the failed verification check); "" when it went through.
    The wording is the scenario reports' (``scenarios/reasons.py``)."""
    from ..scenarios.reasons import (  # lazily: the scenarios package is not needed at CLI start
        delivery_reason,
        failed_checks,
        problem_reasons,
    )

    outcome = record.get("outcome") if isinstance(record.get("outcome"), dict) else {}
    result = record.get("result") if isinstance(record.get("result"), dict) else {}
    if record.get("verdict") == "ok":
        return str(record.get("note") or "") if record.get("kind") == "event" else ""
    transport = delivery_reason({"attempts": record.get("attempts") or []})
    if transport:
        return transport
    if record.get("kind") == "verification":
        return "; ".join(failed_checks(outcome.get("checks"))) or "verification failed"
    problems = result.get("problems") or []
    if problems:
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        return problem_reasons(problems[:1])[0] + more
    note = record.get("note") if record.get("kind") == "event" else ""  # an inline record's note is its route
    return str(result.get("reason") or note or outcome.get("summary") or "")


def delivery_line(record: dict, *, show_hook: bool = False) -> str:
    """One plain-text line for a delivery record: time, event type or flow, eventId, HTTP status, ms,
    attempts, verdict, and the reason when it failed. Never prints a Python ``None``."""
    from ..scenarios.reasons import plural  # lazily: the scenarios package is not needed at CLI start

    attempts = record.get("attempts") or []
    created = str(record.get("createdAt") or "")
    when = created[11:23] if len(created) >= 19 and created[10] == "T" else created or "--:--:--"
    kind = record.get("kind") or "?"
    if kind == "event":
        types = [t for t in str(record.get("eventType") or "").split(",") if t]
        outcome = record.get("outcome") if isinstance(record.get("outcome"), dict) else {}
        n = outcome.get("events") or 0
        label = ((types[0] if types else "event") + (f" +{len(types) - 1}" if len(types) > 1 else "")
                 + (f" ({n} events)" if n > 1 else ""))
        event_id = outcome.get("eventId")
    elif kind == "verification":
        label, event_id = "verification", None
    else:
        via = record.get("note") or "flow"
        label = f"{kind} flow" if via == "flow" else f"{kind} ({via})"
        request_body = record.get("request") if isinstance(record.get("request"), dict) else {}
        event_id = request_body.get("eventId")
    final = attempts[-1] if attempts else {}
    status = (final.get("response") or {}).get("status")
    status_text = f"HTTP {status}" if status else "no answer"
    ms = sum(float(a.get("elapsed_ms") or 0) for a in attempts)
    verdict = str(record.get("verdict") or "?")
    line = (f"{when:<12}  {label:<36}  {event_id or '-':<36}  {status_text:<9}  {ms:>6.0f} ms  "
            f"{plural(len(attempts), 'attempt'):<10}  {verdict}")
    reason = failure_reason(record)
    if reason:
        line += f"  {reason}"
    if show_hook and record.get("hookName"):
        line += f"  [{record['hookName']}]"
    return line


class LiveView:
    """Prints a line per delivery of a server as it is recorded. The delivery thread only formats the line and
    queues it; a printer thread writes it, so a terminal or pipe that stops reading never holds up a delivery
    (past ``backlog`` waiting lines, new ones are counted and reported as dropped)."""

    def __init__(self, state: Any, *, show_hook: bool = False, backlog: int = 10_000):
        self.show_hook = show_hook
        self.dropped = 0
        self._lines: queue.Queue[str | None] = queue.Queue(maxsize=backlog)
        self._printer = threading.Thread(target=self._print, name="okta-hooks-live-view", daemon=True)
        self._printer.start()
        self._unsubscribe = state.on_delivery(self._queue)

    def _queue(self, record: dict) -> None:
        try:
            self._lines.put_nowait(delivery_line(record, show_hook=self.show_hook))
        except queue.Full:
            self.dropped += 1

    def _print(self) -> None:
        shown_dropped = 0
        while (line := self._lines.get()) is not None:
            click.echo(line)
            if self._lines.empty() and self.dropped > shown_dropped:
                click.echo(f"({self.dropped - shown_dropped} delivery lines not shown: the output did not keep up)")
                shown_dropped = self.dropped

    def close(self, timeout: float = 5.0) -> None:
        """Stop listening and print what is still queued (waiting at most ``timeout`` seconds)."""
        self._unsubscribe()
        try:
            self._lines.put(None, timeout=timeout)
        except queue.Full:
            return
        self._printer.join(timeout)


# -- registering the hooks through the org's own API --------------------------------------------------------

def _okta_error_text(resp: Any) -> str:
    try:
        body = resp.json()
        causes = "; ".join(c.get("errorSummary", "") for c in body.get("errorCauses") or [])
        return f"{body.get('errorSummary', resp.status_code)}" + (f" ({causes})" if causes else "")
    except ValueError:
        return f"HTTP {resp.status_code}"


def parse_inline(items: tuple[str, ...] | list[str]) -> list[tuple[Any, str]]:
    """``("token=http://...", ...)`` -> ``[(HookKind, url), ...]``; usage errors name the bad item."""
    from ..emulator.transport import Target
    from ..payloads.catalog import get_kind, inline_kinds

    out = []
    for item in items:
        name, sep, url = item.partition("=")
        if not sep or not name or not url:
            raise EmulatorUsageError(f"--inline expects KIND=URL (e.g. token=http://127.0.0.1:8080/hooks), "
                                     f"got '{item}'.")
        kind = get_kind(name)
        if not kind.inline:
            raise EmulatorUsageError(f"--inline: '{name}' is not an inline kind; use one of "
                                     f"{', '.join(inline_kinds())} (events go to --forward-to).")
        Target.url(url)  # a usage error naming the URL, before the org starts
        out.append((kind, url))
    return out


def parse_events(text: str | None) -> list[str]:
    """``--events a,b`` -> the event types (every eligible type when not given); unknown ones are usage errors."""
    from ..payloads.event_types import event_types, get_event_type

    if not text:
        return list(event_types())
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise EmulatorUsageError("--events expects event types separated by commas, e.g. user.lifecycle.create.")
    for name in names:
        get_event_type(name)
    return list(dict.fromkeys(names))


def remove_listen_hooks(api: Any) -> int:
    """Deactivate and delete the hooks an earlier ``listen`` registered (by name) in a kept org (``--db``), so
    names stay unique and events are not delivered twice; returns how many were removed."""
    removed = 0
    for family in ("eventHooks", "inlineHooks"):
        resp = api.get(f"/api/v1/{family}")
        if resp.status_code != 200:
            raise click.ClickException(f"The org did not list its {family}: {_okta_error_text(resp)}")
        for hook in resp.json():
            if str(hook.get("name", "")).startswith(HOOK_NAME):
                api.post(f"/api/v1/{family}/{hook['id']}/lifecycle/deactivate")
                if api.delete(f"/api/v1/{family}/{hook['id']}").status_code == 204:
                    removed += 1
    return removed


def register_hooks(api: Any, forward_to: str | None, types: list[str], inline: list[tuple[Any, str]],
                   secret: str | None) -> None:
    """Register (and verify) the hooks through the org's Management API (``api``: an httpx client with the
    token), printing one line per hook. Raises ``click.ClickException`` when one is refused or does not verify."""
    from ..scenarios.reasons import plural  # lazily: the scenarios package is not needed at CLI start
    from ..server.event_hooks import MAX_EVENT_TYPES

    auth = {"authScheme": {"type": "HEADER", "key": "Authorization", "value": secret}} if secret else {}
    removed = remove_listen_hooks(api)
    if removed:
        click.echo(f"  Replaced {plural(removed, 'hook')} an earlier okta-hooks listen registered in this org.")
    if forward_to:
        chunks = [types[i:i + MAX_EVENT_TYPES] for i in range(0, len(types), MAX_EVENT_TYPES)]
        for n, chunk in enumerate(chunks, 1):
            name = HOOK_NAME + (f" ({n}/{len(chunks)})" if len(chunks) > 1 else "")
            body = {"name": name, "events": {"type": "EVENT_TYPE", "items": chunk},
                    "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": forward_to, **auth}}}
            resp = api.post("/api/v1/eventHooks", json=body)
            if resp.status_code != 200:
                raise click.ClickException(f"The org refused the event hook for {forward_to}: {_okta_error_text(resp)}")
            hook_id = resp.json()["id"]
            resp = api.post(f"/api/v1/eventHooks/{hook_id}/lifecycle/verify")
            if resp.status_code != 200:
                raise click.ClickException(
                    f"The event hook at {forward_to} did not verify: {_verify_cause(resp)}. Start it (it must echo "
                    "X-Okta-Verification-Challenge on GET), then run okta-hooks listen again.")
            click.echo(f"  Event hook:     {forward_to}  ({plural(len(chunk), 'event type')}, {hook_id}, VERIFIED)")
    for kind, url in inline:
        body = {"name": f"{HOOK_NAME} {kind.name}", "type": kind.okta_type, "version": "1.0.0",
                "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": url, "method": "POST", **auth}}}
        resp = api.post("/api/v1/inlineHooks", json=body)
        if resp.status_code != 200:
            raise click.ClickException(f"The org refused the {kind.name} inline hook for {url}: "
                                       f"{_okta_error_text(resp)}")
        click.echo(f"  Inline hook:    {kind.name:<16} {url}  ({resp.json()['id']}, ACTIVE)")


def _verify_cause(resp: Any) -> str:
    """The failed checks of a verification answer (the last causes of Okta's error), else the summary."""
    try:
        causes = [c.get("errorSummary", "") for c in resp.json().get("errorCauses") or []]
    except ValueError:
        return f"HTTP {resp.status_code}"
    checks = [c for c in causes[1:] if c and "not checked" not in c]
    return "; ".join(checks) or "; ".join(causes) or f"HTTP {resp.status_code}"


def _fail_usage(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command("listen", short_help="Start an org, register your hooks and stream every call.")
@click.option("--forward-to", "forward_to", default=None, metavar="URL",
              help="Your event hook: registered for --events, verified, and sent every System Log event of them.")
@click.option("--events", "events", default=None, metavar="TYPE,...",
              help="Event types the event hook subscribes to (default: all eligible types).")
@click.option("--inline", "inline", multiple=True, metavar="KIND=URL",
              help="An inline hook to register, e.g. token=http://127.0.0.1:8080/hooks (repeatable).")
@click.option("--secret", default=None, metavar="VALUE",
              help="Sent as the hooks' 'Authorization' header value (Okta's HEADER auth scheme).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the org binds.")
@click.option("--port", type=click.IntRange(0, 65535), default=8070, show_default=True,
              help="Port of the org; 0 picks a free one.")
@click.option("--db", default=":memory:", show_default=True, metavar="PATH|:memory:",
              help="SQLite database file of the org (in memory by default).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic org and payloads.")
@click.option("--token", default=None, help="API token of the org (generated if omitted).")
def command(forward_to: str | None, events: str | None, inline: tuple[str, ...], secret: str | None, host: str,
            port: int, db: str, seed: int, token: str | None) -> None:
    """Start an emulated org wired to your hooks and show every call it makes to them, live.

    Then, in another shell, with the export line it prints: okta-hooks trigger user.lifecycle.create

    \b
    Examples:
      okta-hooks listen --forward-to http://127.0.0.1:8080/hooks
      okta-hooks listen --forward-to http://127.0.0.1:8080/hooks --inline token=http://127.0.0.1:8080/hooks
      okta-hooks listen --forward-to http://127.0.0.1:8080/hooks --events user.lifecycle.create,user.session.start
    """
    import httpx

    from ..server import serve

    try:
        if not forward_to and not inline:
            raise EmulatorUsageError("Give your event hook with --forward-to URL and/or an inline hook with "
                                     "--inline KIND=URL.")
        if forward_to:
            from ..emulator.transport import Target

            Target.url(forward_to)  # a usage error naming the URL, before the org starts
        if events and not forward_to:
            raise EmulatorUsageError("--events applies to the event hook: give --forward-to URL too.")
        types = parse_events(events)
        hooks = parse_inline(inline)
        handle = serve({"db": db, "seed": seed, "api_token": token}, host=host, port=port)
    except EmulatorUsageError as exc:
        _fail_usage(str(exc))
    except OSError as exc:
        _fail_usage(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. Pick another --port (0 = any free port).")
    from ..server.hosts import SERVER_URL_KEY, is_loopback
    from .serve import _warn_exposed, wait_for_stop

    st = handle.state
    own_url = handle.app.config.get(SERVER_URL_KEY, handle.url)  # 127.0.0.1 when bound to every interface
    if not is_loopback(host):
        _warn_exposed(host, ())
    dashboard = f"{handle.url}/" + (f"?token={st.config.dashboard_token}" if st.config.dashboard_token else "")
    live = LiveView(st)
    try:
        exports = f"export {ENV_ORG_URL}={shlex.quote(own_url)} {ENV_TOKEN}={shlex.quote(st.config.api_token)}"
        click.echo("\n".join([
            f"Okta hook emulator listening on {handle.url}",
            f"  Org URL:        {handle.url}",
            f"  API token:      {st.config.api_token}   (Authorization: SSWS <token>)",
            f"  Dashboard:      {dashboard}",
            "In another shell, for okta-hooks trigger:",
            f"  {exports}",
        ]))
        with httpx.Client(base_url=own_url, headers={"Authorization": f"SSWS {st.config.api_token}"},
                          timeout=60) as api:
            register_hooks(api, forward_to, types, hooks, secret)
        click.echo("Ready. Every call to your hooks is shown below. Press Ctrl-C to stop.")
        wait_for_stop()
    finally:
        click.echo("Stopping: draining event deliveries...")
        handle.stop()
        live.close()
        click.echo("Stopped.")
