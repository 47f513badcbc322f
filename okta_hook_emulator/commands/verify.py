"""``okta-hooks verify URL`` (event-hook verification checklist) and ``okta-hooks send event|inline`` (one
delivery or one inline call, judged as Okta judges it). Human-readable output by default, ``--json`` for
machines; exit 0 on success, 1 when the hook failed, 2 on usage errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from ..errors import EmulatorUsageError
from ..payloads.catalog import get_kind
from ..payloads.overrides import check_set_paths, parse_set
from .oauth_options import exchange_line, oauth_config, oauth_options
from .payload import parse_user

OK_MARK = "✓"
FAIL_MARK = "✗"


def _pair(text: str, option: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise click.UsageError(f"{option} expects NAME:VALUE (e.g. {option} 'Authorization:my-secret'), "
                               f"got {text!r}.")
    return name.strip(), value.strip()


def _channel_options(fn: Callable) -> Callable:
    fn = click.option("--hook-id", default=None, help="Hook id (event hooks: used in `source` and User-Agent).")(fn)
    fn = click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="S",
                      help="Per-attempt timeout in seconds (Okta: 3).")(fn)
    fn = click.option("--header", "headers", multiple=True, metavar="K:V",
                      help="Custom header sent with every request (repeatable).")(fn)
    fn = click.option("--auth-header", default=None, metavar="K:V",
                      help="The hook's auth header, e.g. 'Authorization:my-secret' (masked in output).")(fn)
    fn = click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")(fn)
    return fn


def _channel_kwargs(auth_header: str | None, headers: tuple[str, ...], timeout: float | None,
                    hook_id: str | None) -> dict[str, Any]:
    kw: dict[str, Any] = {"auth_header": _pair(auth_header, "--auth-header") if auth_header else None,
                          "headers": [_pair(h, "--header") for h in headers], "hook_id": hook_id}
    if timeout is not None:
        kw["timeout"] = timeout
    return kw


def _emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _mark(ok: bool) -> str:
    return OK_MARK if ok else FAIL_MARK


def _attempts_line(delivery: Any) -> str:
    parts = []
    for a in delivery.attempts:
        status = f"HTTP {a.response.status}" if a.response else a.transport
        parts.append(f"#{a.number} {a.transport} {status} {a.elapsed_ms:.0f} ms" + (f" ({a.error})" if a.error
                                                                                     and a.transport != "ok"
                                                                                     else ""))
    return "; ".join(parts)


def _run(action: Callable[[], int]) -> None:
    try:
        code = action()
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(code)


EVENT_VERDICTS = ("ok", "failed")
INLINE_VERDICTS = ("ok", "error", "invalid", "failed")


def _expect_option(verdicts: tuple[str, ...]) -> Callable:
    return click.option("--expect", "expect", default=None, metavar="verdict=V",
                        help=f"Exit 0 only when Okta's verdict is V ({', '.join(verdicts)}), e.g. "
                             f"--expect verdict={verdicts[-1]} to check in CI that a failure is a failure.")


def _parse_expect(text: str | None, verdicts: tuple[str, ...]) -> str | None:
    """``verdict=error`` -> ``"error"`` (None when --expect is not given); a usage error otherwise."""
    from ..errors import did_you_mean

    if text is None:
        return None
    key, sep, value = text.partition("=")
    if key.strip() != "verdict" or not sep:
        raise click.UsageError(f"--expect takes verdict=V (V one of {', '.join(verdicts)}), got {text!r}.")
    value = value.strip()
    if value not in verdicts:
        raise click.UsageError(f"--expect verdict={value}: not a verdict here.{did_you_mean(value, verdicts)} "
                               f"Verdicts: {', '.join(verdicts)}.")
    return value


def _exit_status(verdict: str, expected: str | None) -> int:
    """0 when the verdict is the expected one (``ok`` by default), else 1 with a line naming both."""
    if verdict == (expected or "ok"):
        return 0
    if expected is not None:
        click.echo(f"Expected verdict {expected}, got {verdict}.", err=True)
    return 1


# ------------------------------------------------------------------------------------------------------------


@click.command("verify")
@click.argument("url")
@_channel_options
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the challenge.")
def verify(url: str, as_json: bool, auth_header: str | None, headers: tuple[str, ...], timeout: float | None,
           hook_id: str | None, seed: int) -> None:
    """Send Okta's one-time event-hook verification GET to URL and print the checklist: VERIFIED (exit 0) or
    UNVERIFIED (exit 1)."""
    from ..emulator.core import Emulator

    def action() -> int:
        kw = _channel_kwargs(auth_header, headers, timeout, hook_id)
        with Emulator(seed=seed) as emu:
            result = emu.verify(url, **kw)
        if as_json:
            _emit_json(result.to_dict())
        else:
            click.echo(f"Verification GET {url}")
            click.echo(f"  challenge: {result.challenge}")
            for check in result.checks:
                click.echo(f"  {_mark(check.passed)} {check.name}" + (f": {check.detail}" if check.detail else ""))
            click.echo(f"  attempts: {_attempts_line(result.delivery)}")
            click.echo(result.status)
        return 0 if result.verified else 1

    _run(action)


@click.group("send")
def send() -> None:
    """Send one event delivery or one inline hook call, judged as Okta judges it."""


@send.command("event")
@click.argument("url")
@click.option("--event-type", "event_types", multiple=True, required=True, metavar="T",
              help="System Log event type (repeatable; events cycle through them).")
@click.option("--count", type=click.IntRange(min=1), default=1, show_default=True, help="Number of events.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Events per POST (default: the emulator's batch size, 50).")
@click.option("--duplicate", is_flag=True, help="Re-send every delivered envelope with the same eventId.")
@click.option("--out-of-order", is_flag=True, help="Send batches (and events inside them) in a seeded shuffle.")
@click.option("--delay", type=click.FloatRange(min=0), default=0.0, help="Seconds to wait before each POST.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: same seed, same payloads.")
@click.option("--user", "user_fields", multiple=True, metavar="FIELD=VALUE",
              help="The person the events are about (repeatable): login=, firstName=, lastName=...")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Override a field of every event, e.g. debugContext.debugData.requestUri=/x (repeatable; "
                   "+PATH=VALUE adds a field the events do not have).")
@_expect_option(EVENT_VERDICTS)
@_channel_options
def send_event(url: str, event_types: tuple[str, ...], count: int, batch_size: int | None, duplicate: bool,
               out_of_order: bool, delay: float, seed: int, user_fields: tuple[str, ...], sets: tuple[str, ...],
               expect: str | None, as_json: bool, auth_header: str | None, headers: tuple[str, ...],
               timeout: float | None, hook_id: str | None) -> None:
    """POST `com.okta.event_hook` envelopes to URL. Exit 0 when every POST was accepted (verdict ok), else 1;
    with --expect verdict=V, 0 when the verdict is V."""
    from ..emulator.core import Emulator
    from ..payloads.generate import PayloadFactory

    expected = _parse_expect(expect, EVENT_VERDICTS)
    try:
        user = parse_user(user_fields)
        overrides = parse_set(sets) or None
        for name in dict.fromkeys(event_types) if sets else ():
            check_set_paths(PayloadFactory(seed=seed).log_event(name, user=user), sets, what=f"a {name} event")
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None

    def progress(done: int, total: int) -> None:
        if total > 1:
            click.echo(f"\rPOST {done}/{total}", nl=done == total, err=True)

    def action() -> int:
        kw = _channel_kwargs(auth_header, headers, timeout, hook_id)
        with Emulator(seed=seed) as emu:
            result = emu.send_events(url, list(event_types), count=count, batch_size=batch_size,
                                     duplicate=duplicate, out_of_order=out_of_order, delay=delay,
                                     progress=progress, user=user, overrides=overrides, **kw)
        if as_json:
            _emit_json(result.to_dict())
        else:
            for i, b in enumerate(result.batches, 1):
                dup = f" duplicate of {b.duplicate_of}" if b.duplicate_of else ""
                note = f" ({b.note})" if b.note else ""
                click.echo(f"  {_mark(b.accepted)} POST {i} eventId={b.event_id}{dup} events={len(b.events)} "
                           f"{_attempts_line(b.delivery)}{note}")
            accepted = sum(b.accepted for b in result.batches)
            click.echo(f"{'DELIVERED' if result.delivered else 'FAILED'}: {accepted}/{len(result.batches)} POSTs "
                       f"accepted, {result.attempts} attempts")
            for event in result.log_events:
                click.echo(f"  System Log: {event['eventType']} {event['outcome']['result']}: "
                           f"{event['outcome'].get('reason')}")
        return _exit_status(result.verdict, expected)

    _run(action)


@send.command("inline")
@click.argument("kind")
@click.argument("url")
@click.option("--request-type", default=None, metavar="R", help="registration/telephony requestType, token grant.")
@click.option("--variant", default=None, metavar="V", help="Request variant (see `okta-hooks catalog`).")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Override a request field (repeatable; +PATH=VALUE adds a field the request does not have).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: same seed, same request.")
@click.option("--user", "user_fields", multiple=True, metavar="FIELD=VALUE",
              help="The one person the request is about (repeatable): login=, firstName=, lastName=...")
@_expect_option(INLINE_VERDICTS)
@_channel_options
@oauth_options
def send_inline(kind: str, url: str, request_type: str | None, variant: str | None, sets: tuple[str, ...],
                seed: int, user_fields: tuple[str, ...], expect: str | None, as_json: bool, auth_header: str | None,
                headers: tuple[str, ...], timeout: float | None, hook_id: str | None, **oauth: Any) -> None:
    """Call the KIND inline hook at URL with a generated request and print Okta's verdict and the outcome.
    Exit 0 when the verdict is `ok`, else 1; with --expect verdict=V, 0 when the verdict is V.
    ``--oauth-*``: call through an OAUTH channel."""
    from ..emulator.core import Emulator
    from ..payloads.generate import PayloadFactory

    expected = _parse_expect(expect, INLINE_VERDICTS)

    def action() -> int:
        hook_kind = get_kind(kind)
        if sets:
            check_set_paths(PayloadFactory(seed=seed).inline_request(
                hook_kind.name, request_type=request_type, variant=variant, hook_id=hook_id,
                user=parse_user(user_fields)), sets)
        kw = _channel_kwargs(auth_header, headers, timeout, hook_id)
        kw["oauth"] = oauth_config(**oauth)
        with Emulator(seed=seed) as emu:
            result = emu.call_inline(hook_kind, url, request_type=request_type, variant=variant,
                                     overrides=parse_set(list(sets)) or None, user=parse_user(user_fields), **kw)
        if as_json:
            _emit_json(result.to_dict())
        else:
            _print_inline(result)
            if (line := exchange_line(result)) is not None:
                click.echo(line)
        return _exit_status(result.verdict, expected)

    _run(action)


def _print_inline(result: Any) -> None:
    click.echo(f"{result.kind} inline hook: verdict {result.verdict.upper()}")
    if result.reason:
        click.echo(f"  reason: {result.reason}")
    click.echo(f"  attempts: {_attempts_line(result.delivery)}")
    for problem in result.problems:
        click.echo(f"  {FAIL_MARK} problem {problem}")
    for warning in result.warnings:
        click.echo(f"  ! {warning}")
    for cmd in result.commands:
        state = "applied" if cmd.applied else "ignored"
        click.echo(f"  {_mark(cmd.applied)} command {cmd.index} {cmd.type}: {state}"
                   + (f" ({cmd.reason})" if cmd.reason else ""))
    outcome = result.outcome
    if outcome is not None:
        summary = getattr(outcome, "summary", None)
        if summary:
            click.echo(f"  outcome: {summary}")
        for name in ("id_token", "access_token"):
            token = getattr(outcome, name, None)
            if token is not None:
                click.echo(f"  {name} claims: {json.dumps(token.claims, sort_keys=True)}")


commands = [verify, send]
