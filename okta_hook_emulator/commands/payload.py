"""``okta-hooks payload KIND`` prints a generated request body; ``okta-hooks catalog`` lists what is emulated."""

from __future__ import annotations

import click

from ..errors import EmulatorUsageError
from ..payloads.catalog import get_kind, kinds
from ..payloads.event_types import event_types, get_event_type
from ..payloads.generate import DEFAULT_EVENT_TYPE, PayloadFactory, to_json
from ..payloads.overrides import apply_overrides, check_set_paths, parse_set


@click.command("payload", short_help="Print a generated request body of a hook kind.")
@click.argument("kind")
@click.option("--event-type", "event_type", multiple=True, metavar="T",
              help=f"System Log event type (repeatable; cycles over --count). Default {DEFAULT_EVENT_TYPE}.")
@click.option("--count", type=click.IntRange(min=0), default=1, show_default=True,
              help="Number of events in the envelope (event kind only).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: same seed, same bytes.")
@click.option("--set", "sets", multiple=True, metavar="PATH=VALUE",
              help="Override a field: dotted path or JSON Pointer; VALUE is JSON when it parses, else a string. "
                   "A path the body does not have is refused (with the closest one); +PATH=VALUE adds it.")
@click.option("--request-type", default=None, metavar="R",
              help="registration/telephony requestType, or the token grant type.")
@click.option("--variant", default=None, metavar="V", help="Kind variant (see `okta-hooks catalog`).")
@click.option("--hook-id", default=None, help="Hook id used in `source` (default: the synthetic org's).")
@click.option("--user", "user_fields", multiple=True, metavar="FIELD=VALUE",
              help="The one person the request is about, everywhere it names one (repeatable): login=, firstName=, "
                   "lastName=, id=, locale=, timeZone=, mobilePhone=. A login of the synthetic org picks that user.")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="Write the JSON to FILE instead of standard output.")
def payload(kind: str, event_type: tuple[str, ...], count: int, seed: int, sets: tuple[str, ...],
            request_type: str | None, variant: str | None, hook_id: str | None,
            user_fields: tuple[str, ...], output: str) -> None:
    """Print a generated request body of KIND (event, token, saml, registration, import, password-import,
    telephony) as JSON.

    \b
    Examples:
      okta-hooks payload token -o token.request.json
      okta-hooks payload event --event-type user.lifecycle.create --count 3 --seed 7
      okta-hooks payload registration --user login=ann@acme.test
    """
    from .paths import check_output

    try:
        check_output(output, "--output")
        hk = get_kind(kind)
        overrides = parse_set(sets)
        user = parse_user(user_fields)
        factory = PayloadFactory(seed=seed)
        if not hk.inline:  # the event hook: a delivery envelope of System Log events
            if request_type or variant:
                raise EmulatorUsageError("Event hooks take --event-type (repeatable) and --count, not "
                                         "--request-type/--variant.")
            types = list(event_type) or [DEFAULT_EVENT_TYPE]
            for name in types:
                get_event_type(name)
            events = factory.log_events(types, count, user=user)
            body = factory.event_hook_envelope(events, hook_id=hook_id)
        else:
            if event_type:
                raise EmulatorUsageError(f"--event-type only applies to the 'event' kind, not '{hk.name}'.")
            body = factory.inline_request(hk.name, request_type=request_type, variant=variant, hook_id=hook_id,
                                          user=user)
        check_set_paths(body, sets)
        body = apply_overrides(body, overrides)
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    if output == "-":
        click.echo(to_json(body))
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(to_json(body) + "\n")


def parse_user(fields: tuple[str, ...] | list[str]) -> dict[str, str] | None:
    """``--user login=ann@acme.test --user firstName=Ann`` -> ``{"login": ..., "firstName": ...}`` (None when
    not given); a bare value is a login."""
    user: dict[str, str] = {}
    for item in fields:
        name, sep, value = item.partition("=")
        if not sep:
            name, value = "login", item
        if not name or not value:
            raise EmulatorUsageError(f"--user expects FIELD=VALUE (e.g. login=ann@acme.test), got '{item}'.")
        user[name] = value
    return user or None


def _kind_line(name: str) -> str:
    k = kinds()[name]
    facts = [f"{k.okta_type}", "inline" if k.inline else "event",
             f"failure={k.failure_mode}", f"retried={'yes' if k.retried else 'no'}"]
    if k.request_types:
        facts.append("request-types=" + ",".join(k.request_types))
    if k.variants:
        facts.append("variants=" + ",".join(k.variants))
    if k.commands:
        facts.append("commands=" + ",".join(k.commands))
    return f"{name:<16} " + "  ".join(facts)


@click.command("catalog", short_help="List the hook kinds or the event-hook event types.")
@click.option("--kinds", "what", flag_value="kinds", default=True, help="List hook kinds (default).")
@click.option("--event-types", "what", flag_value="event-types", help="List the event-hook-eligible event types.")
@click.option("--grep", "word", default=None,
              help="Only lines containing WORD (case-insensitive); exit 1 with a message when none does.")
def catalog(what: str, word: str | None) -> None:
    """List what the emulator emulates: hook kinds, or the 314 event-hook-eligible event types.

    \b
    Examples:
      okta-hooks catalog
      okta-hooks catalog --event-types --grep password
    """
    if what == "event-types":
        lines = []
        for et in event_types().values():
            flags = f" [{', '.join(et.flags())}]" if et.flags() else ""
            targets = ",".join(t.type for t in et.targets) or "-"
            lines.append(f"{et.name:<60} {et.severity:<5} targets={targets}{flags}  {et.display_message}")
    else:
        lines = [_kind_line(name) for name in kinds()]
    if word:
        lines = [line for line in lines if word.lower() in line.lower()]
        if not lines:
            listed = "event type" if what == "event-types" else "hook kind"
            other = "" if what == "event-types" else " (event types: add --event-types)"
            click.echo(f"No {listed} matches '{word}'{other}.", err=True)
            raise SystemExit(1)
    for line in lines:
        click.echo(line)


commands = [payload, catalog]
