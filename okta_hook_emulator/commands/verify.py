"""``okta-hooks verify URL`` (event-hook verification checklist) and ``okta-hooks send event|inline`` (one
delivery or one inline call, judged as Okta judges it). Human-readable output by default, ``--json`` for
machines; exit 0 on success, 1 when the hook failed, 2 on usage errors."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from ..errors import EmulatorUsageError
from ..payloads.catalog import get_kind
from ..payloads.overrides import check_set_paths, parse_set
from .oauth_options import exchange_line, oauth_config, oauth_options
from .payload import parse_user

if TYPE_CHECKING:
    from .console import Output

BULK_LINES = 20  # a send of more POSTs than this prints its failures (capped) and a summary, not one line each
FAILURE_LINES = 10  # failed POSTs (and System Log lines) printed one by one in a bulk send


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
    fn = click.option("--quiet", "-q", is_flag=True, help="No progress; print only the final verdict line.")(fn)
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


def _attempts_line(delivery: Any) -> str:
    parts = []
    for a in delivery.attempts:
        status = f" HTTP {a.response.status}" if a.response else ""
        error = f" ({a.error})" if a.error and a.transport != "ok" and a.error != status.strip() else ""
        parts.append(f"#{a.number} {a.transport}{status} {a.elapsed_ms:.0f} ms{error}")
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


@click.command("verify", short_help="Run Okta's event-hook verification against a URL.")
@click.argument("url")
@_channel_options
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the challenge.")
def verify(url: str, as_json: bool, auth_header: str | None, headers: tuple[str, ...], timeout: float | None,
           hook_id: str | None, seed: int, quiet: bool) -> None:
    """Send Okta's one-time event-hook verification GET to URL and print the checklist: VERIFIED (exit 0) or
    UNVERIFIED (exit 1).

    \b
    Examples:
      okta-hooks verify http://127.0.0.1:8080/hooks --auth-header 'Authorization:my-secret'
    """
    from ..emulator.core import Emulator

    def action() -> int:
        kw = _channel_kwargs(auth_header, headers, timeout, hook_id)
        with Emulator(seed=seed) as emu:
            result = emu.verify(url, **kw)
        if as_json:
            _emit_json(result.to_dict())
        else:
            from .console import Output

            _print_verification(Output(quiet=quiet), url, result)
        return 0 if result.verified else 1

    _run(action)


@click.group("send", short_help="Send event deliveries or one inline hook call.")
def send() -> None:
    """Send one event delivery or one inline hook call, judged as Okta judges it.

    \b
    Examples:
      okta-hooks send event http://127.0.0.1:8080/hooks --event-type user.lifecycle.create
      okta-hooks send inline token http://127.0.0.1:8080/hooks
    """


@send.command("event", short_help="POST event-hook deliveries to URL, judged as Okta.")
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
               timeout: float | None, hook_id: str | None, quiet: bool) -> None:
    """POST `com.okta.event_hook` envelopes to URL. Exit 0 when every POST was accepted (verdict ok), else 1;
    with --expect verdict=V, 0 when the verdict is V.

    \b
    Examples:
      okta-hooks send event http://127.0.0.1:8080/hooks --event-type user.lifecycle.create --count 3
      okta-hooks send event http://127.0.0.1:8080/hooks --event-type user.lifecycle.create --count 10000
    """
    from ..emulator.core import Emulator
    from ..payloads.generate import PayloadFactory
    from .console import Output

    expected = _parse_expect(expect, EVENT_VERDICTS)
    try:
        user = parse_user(user_fields)
        overrides = parse_set(sets) or None
        for name in dict.fromkeys(event_types) if sets else ():
            check_set_paths(PayloadFactory(seed=seed).log_event(name, user=user), sets, what=f"a {name} event")
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None

    def action() -> int:
        kw = _channel_kwargs(auth_header, headers, timeout, hook_id)
        output = Output(quiet=quiet or as_json)
        with Emulator(seed=seed) as emu, output.progress("POST", "POST") as progress:
            result = emu.send_events(url, list(event_types), count=count, batch_size=batch_size,
                                     duplicate=duplicate, out_of_order=out_of_order, delay=delay,
                                     progress=progress, user=user, overrides=overrides, **kw)
        if as_json:
            _emit_json(result.to_dict())
        else:
            _print_events(output, result)
        return _exit_status(result.verdict, expected)

    _run(action)


@send.command("inline", short_help="Call an inline hook at URL; print Okta's verdict.")
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
                headers: tuple[str, ...], timeout: float | None, hook_id: str | None, quiet: bool,
                **oauth: Any) -> None:
    """Call the KIND inline hook at URL with a generated request and print Okta's verdict and the outcome.
    Exit 0 when the verdict is `ok`, else 1; with --expect verdict=V, 0 when the verdict is V.
    ``--oauth-*``: call through an OAUTH channel.

    \b
    Examples:
      okta-hooks send inline token http://127.0.0.1:8080/hooks
      okta-hooks send inline registration http://127.0.0.1:8080/hooks --request-type progressive.profile
      okta-hooks send inline token http://127.0.0.1:8080/hooks --user login=eve@blocked.example --expect verdict=error
    """
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
            from .console import Output

            _print_inline(Output(quiet=quiet), result)
            if not quiet and (line := exchange_line(result)) is not None:
                click.echo(line)
        return _exit_status(result.verdict, expected)

    _run(action)


def _verdict_style(ok: bool) -> str:
    return "ok" if ok else "fail"


def _print_verification(output: Output, url: str, result: Any) -> None:
    from ..scenarios.reasons import failed_checks

    if not output.quiet:
        output.line(("Verification GET ", "head"), url)
        output.line(f"  challenge: {result.challenge}")
        for check in result.checks:
            output.line("  ", output.mark(check.passed), f" {check.name}",
                        (f": {check.detail}" if check.detail else "", "dim"))
        output.line(f"  attempts: {_attempts_line(result.delivery)}")
        for why in ([] if result.verified else failed_checks([c.to_dict() for c in result.checks])[:1]):
            output.line("  why: ", (why, "fail"))
    output.line((result.status, _verdict_style(result.verified)))


def _print_events(output: Output, result: Any) -> None:
    """One line per POST (a bulk send: its failures only, capped), the verdict line, the answer times and the
    verdict counts of a send of several POSTs, and the System Log lines (capped)."""
    from ..scenarios.reasons import delivery_reason, plural
    from .console import latency_line

    batches = result.batches
    bulk = len(batches) > BULK_LINES
    shown = [(i, b) for i, b in enumerate(batches, 1) if not (bulk and b.accepted)]
    if not output.quiet:
        for i, b in shown[:FAILURE_LINES] if bulk else shown:
            dup = f" duplicate of {b.duplicate_of}" if b.duplicate_of else ""
            why = delivery_reason(b.delivery.to_dict()) if not b.accepted else ""
            note = f" ({why or b.note})" if why or b.note else ""
            output.line("  ", output.mark(b.accepted), f" POST {i} eventId={b.event_id}{dup} events={len(b.events)} ",
                        (_attempts_line(b.delivery), "dim"), (note, "" if b.accepted else "fail"))
        if bulk and len(shown) > FAILURE_LINES:
            output.line((f"  ... and {len(shown) - FAILURE_LINES:,} more failed POSTs", "fail"))
    accepted = sum(b.accepted for b in batches)
    output.line((f"{'DELIVERED' if result.delivered else 'FAILED'}:", _verdict_style(result.delivered)),
                f" {accepted}/{len(batches)} POSTs accepted, {plural(result.attempts, 'attempt')}")
    if output.quiet:
        return
    if len(batches) > 1:
        times = [a.elapsed_ms for b in batches for a in b.delivery.attempts]
        output.line("  answer time: ", latency_line(times))
        failures = Counter(delivery_reason(b.delivery.to_dict()) or b.note or "not accepted"
                           for b in batches if not b.accepted)
        output.line("  verdicts: ", (f"ok {accepted:,}", "ok"),
                    *([", ", (f"failed {len(batches) - accepted:,}", "fail"), " ("
                       + ", ".join(f"{why}: {n:,}" for why, n in failures.most_common()) + ")"] if failures else []))
    log_events = result.log_events
    for event in log_events[:FAILURE_LINES] if bulk else log_events:
        reason = event["outcome"].get("reason")
        output.line(f"  System Log: {event['eventType']} {event['outcome']['result']}" + (f": {reason}" if reason
                                                                                            else ""))
    if bulk and len(log_events) > FAILURE_LINES:
        output.line(f"  ... and {len(log_events) - FAILURE_LINES:,} more System Log events")


def _print_inline(output: Output, result: Any) -> None:
    from .console import FAIL_MARK, WARN_MARK
    ok = result.verdict == "ok"
    output.line(f"{result.kind} inline hook: ", (f"verdict {result.verdict.upper()}", _verdict_style(ok)))
    if output.quiet:
        return
    if result.reason:
        output.line("  reason: ", (result.reason, "" if ok else "fail"))
    output.line(f"  attempts: {_attempts_line(result.delivery)}")
    for problem in result.problems:
        output.line("  ", (f"{FAIL_MARK} problem", "fail"), f" {problem}")
    for warning in result.warnings:
        output.line("  ", (WARN_MARK, "warn"), f" {warning}")
    for cmd in result.commands:
        state = "applied" if cmd.applied else "ignored"
        output.line("  ", output.mark(cmd.applied), f" command {cmd.index} {cmd.type}: {state}"
                    + (f" ({cmd.reason})" if cmd.reason else ""))
    outcome = result.outcome
    if outcome is not None:
        summary = getattr(outcome, "summary", None)
        if summary:
            output.line(f"  outcome: {summary}")
        for name in ("id_token", "access_token"):
            token = getattr(outcome, name, None)
            if token is not None:
                output.line(f"  {name} claims: {json.dumps(token.claims, sort_keys=True)}")


commands = [verify, send]
