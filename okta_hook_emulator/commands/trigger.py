"""``okta-hooks trigger EVENT_TYPE|KIND``: fire System Log events or inline flows through a running org's control
API (``POST /_emulator/events``, ``POST /_emulator/flows/<kind>``, as the dashboard's Fire page does), so
``okta-hooks listen``, the dashboard and the System Log all show them; prints the verdicts."""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlsplit

import click

from ..errors import EmulatorUsageError, did_you_mean
from .listen import ENV_ORG_URL, ENV_TOKEN, delivery_line

DEFAULT_WAIT = 30.0  # seconds to wait for the event deliveries (a hook that times out twice takes ~6 s)


class OrgError(click.ClickException):
    """A one-line error about the org (unreachable, token refused, the request refused); exit 2."""

    exit_code = 2


def resolve_target(name: str) -> tuple[str, Any]:
    """``("event", event_type_name)`` or ``("flow", HookKind)``; an unknown name is a usage error with a
    did-you-mean over both the event types and the inline kinds."""
    from ..payloads.catalog import inline_kinds, kinds
    from ..payloads.event_types import event_types

    known = kinds()
    for kind in known.values():
        if kind.inline and name in (kind.name, kind.okta_type):
            return "flow", kind
    if name in event_types():
        return "event", name
    if name in known:  # "event": the event hook kind itself
        raise EmulatorUsageError("Give the event type to fire, e.g. okta-hooks trigger user.lifecycle.create.")
    inline = list(inline_kinds())
    raise EmulatorUsageError(
        f"'{name}' is neither an event-hook-eligible event type nor an inline kind ({', '.join(inline)})."
        f"{did_you_mean(name, [*event_types(), *inline])} Run `okta-hooks catalog --event-types` to list the types.")


def _error_text(resp: Any) -> str:
    """An Okta error answer as one line: summary and causes."""
    try:
        body = resp.json()
    except ValueError:
        return f"HTTP {resp.status_code}"
    causes = [c.get("errorSummary", "") for c in body.get("errorCauses") or [] if c.get("errorSummary")]
    return " ".join([str(body.get("errorSummary") or f"HTTP {resp.status_code}")] + causes)


class OrgClient:
    """The org's control API over HTTP, with one-line errors naming the URL."""

    def __init__(self, org_url: str, token: str, timeout: float):
        import httpx

        self.url = org_url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, headers={"Authorization": f"SSWS {token}"}, timeout=timeout)

    def call(self, method: str, path: str, body: Any = None, params: dict | None = None, *,
             ok: tuple[int, ...] = (200,)) -> Any:
        import httpx

        try:
            resp = self.http.request(method, path, json=body, params=params)
        except httpx.ConnectError as exc:
            why = "connection refused" if "refused" in str(exc).lower() else str(exc) or type(exc).__name__
            raise OrgError(f"Cannot reach the org at {self.url}: {why}. Start one with okta-hooks listen (or serve) "
                           f"and give its URL with --org-url or {ENV_ORG_URL}.") from None
        except httpx.HTTPError as exc:
            raise OrgError(f"The org at {self.url} did not answer {method} {path}: "
                           f"{str(exc) or type(exc).__name__}.") from None
        if resp.status_code == 401:
            raise OrgError(f"The org at {self.url} refused the API token; give the token it printed with --token "
                           f"or {ENV_TOKEN}.")
        if resp.status_code not in ok:
            raise OrgError(f"The org at {self.url} refused {method} {path}: {_error_text(resp)}")
        return resp

    def close(self) -> None:
        self.http.close()


def flow_record(data: dict) -> dict:
    """A delivery record (``/_emulator/deliveries`` shape) from an ``InlineResult.to_dict()`` answer."""
    attempts = (data.get("delivery") or {}).get("attempts") or []
    return {"kind": data.get("kind"), "eventType": None, "verdict": data.get("verdict"), "note": "flow",
            "createdAt": attempts[0].get("started_at") if attempts else None, "request": data.get("request"),
            "attempts": attempts, "outcome": data.get("outcome"), "result": data}


def fire_flows(org: OrgClient, kind: Any, count: int, overrides: dict, user: str | None) -> list[str]:
    """Run ``count`` flows of ``kind``; prints one line each; returns the verdicts."""
    verdicts = []
    body: dict[str, Any] = {"overrides": overrides}
    if user:
        body["user"] = user
    for _ in range(count):
        data = org.call("POST", f"/_emulator/flows/{kind.name}", body).json()
        click.echo(delivery_line(flow_record(data)))
        summary = (data.get("outcome") or {}).get("summary") if isinstance(data.get("outcome"), dict) else None
        if summary:
            click.echo(f"    {summary}")
        verdicts.append(str(data.get("verdict")))
    return verdicts


def fire_events(org: OrgClient, event_type: str, count: int, overrides: dict, user: str | None,
                wait: float) -> tuple[list[str], bool]:
    """Write ``count`` events, wait for the worker and print the deliveries that carried them; returns their
    verdicts and whether the worker went idle in time."""
    newest = org.call("GET", "/_emulator/deliveries", params={"kind": "event", "limit": 1}).json()
    marker = newest[0]["id"] if newest else None
    body: dict[str, Any] = {"eventType": event_type, "count": count, "overrides": overrides}
    if user:
        body["user"] = user
    events = org.call("POST", "/_emulator/events", body).json()["events"]
    fired = {e["uuid"] for e in events}
    click.echo(f"Fired {count} {event_type} event{'s' if count != 1 else ''} into the System Log of {org.url}.")
    idle = org.call("POST", "/_emulator/wait", {"timeout": wait}, ok=(200, 504)).json().get("idle", False)
    rows = org.call("GET", "/_emulator/deliveries", params={"kind": "event", "limit": 1000}).json()
    fresh = []
    for row in rows:
        if row["id"] == marker:
            break
        fresh.append(row)
    verdicts = []
    for row in reversed(fresh):
        record = org.call("GET", f"/_emulator/deliveries/{row['id']}").json()
        carried = {e.get("uuid") for e in ((record.get("request") or {}).get("data") or {}).get("events") or []}
        if carried & fired:
            click.echo(delivery_line(record, show_hook=True))
            verdicts.append(str(record.get("verdict")))
    if not idle:
        click.echo(f"Deliveries were still running after {wait:g} s (raise --wait, or see the dashboard's "
                   "Deliveries page).", err=True)
    elif not verdicts:
        click.echo(f"No event hook received them: none is ACTIVE, VERIFIED and subscribed to {event_type} "
                   "(or its filter skips them).")
    return verdicts, idle


@click.command("trigger", short_help="Fire events or inline flows through a running org.")
@click.argument("target", metavar="EVENT_TYPE|KIND")
@click.option("--count", type=click.IntRange(1, 10_000), default=1, show_default=True,
              help="How many events (or flows) to fire.")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Override a field of each generated event or request (dotted path or JSON Pointer; VALUE is JSON "
                   "when it parses, else a string).")
@click.option("--user", default=None, metavar="LOGIN",
              help="The one person the events or the flow are about (a login of the synthetic org, or a new one).")
@click.option("--org-url", envvar=ENV_ORG_URL, default=None, metavar="URL",
              help=f"The running org (okta-hooks listen or serve); default ${ENV_ORG_URL}.")
@click.option("--token", envvar=ENV_TOKEN, default=None, help=f"Its API token; default ${ENV_TOKEN}.")
@click.option("--wait", type=click.FloatRange(0), default=DEFAULT_WAIT, show_default=True, metavar="SECONDS",
              help="How long to wait for the event deliveries before reporting them.")
def command(target: str, count: int, sets: tuple[str, ...], user: str | None, org_url: str | None,
            token: str | None, wait: float) -> None:
    """Fire System Log events (EVENT_TYPE) or inline flows (KIND: token, saml, registration, ...) through a
    running org, and print what its hooks answered. Exit 0: all ok, 1: a hook failed, 2: usage error.

    \b
    Examples:
      okta-hooks trigger user.lifecycle.create
      okta-hooks trigger group.user_membership.add --count 3
      okta-hooks trigger token --user ann@example.com --org-url http://127.0.0.1:8070 --token 00abc
    """
    from ..payloads.generate import PayloadFactory
    from ..payloads.overrides import check_set_paths, parse_set

    try:
        what, resolved = resolve_target(target)
        overrides = parse_set(list(sets))
        if sets:  # a misspelled path is refused here, as by payload and send (the org would add it silently)
            sample = PayloadFactory(seed=0)
            check_set_paths(sample.inline_request(resolved.name) if what == "flow" else sample.log_event(resolved), sets,
                            what="the generated request" if what == "flow" else f"a {resolved} event")
        if not org_url:
            raise EmulatorUsageError(f"No org to fire at: give --org-url URL or set {ENV_ORG_URL} (okta-hooks "
                                     "listen prints the export line).")
        if urlsplit(org_url).scheme not in ("http", "https"):
            raise EmulatorUsageError(f"The org URL '{org_url}' is not an http(s) URL; give the URL okta-hooks listen "
                                     "(or serve) printed, e.g. http://127.0.0.1:8070.")
        if not token:
            raise EmulatorUsageError(f"No API token: give --token or set {ENV_TOKEN} (okta-hooks listen prints "
                                     "the export line).")
    except EmulatorUsageError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    org = OrgClient(org_url, token, timeout=max(60.0, wait + 30.0))
    try:
        if what == "flow":
            verdicts, idle = fire_flows(org, resolved, count, overrides, user), True
        else:
            verdicts, idle = fire_events(org, resolved, count, overrides, user, wait)
    finally:
        org.close()
    failed = sum(1 for v in verdicts if v != "ok")
    if verdicts:
        noun = ("flow call", "flow calls") if what == "flow" else ("delivery", "deliveries")
        click.echo(f"{len(verdicts)} {noun[len(verdicts) != 1]}: {len(verdicts) - failed} ok, {failed} not ok.")
    sys.exit(1 if failed or not idle else 0)
