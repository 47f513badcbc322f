"""``okta-hooks diff FILE`` compares a real Okta request with the emulator's own of the same kind and type."""

from __future__ import annotations

import json
import sys

import click

from ..errors import EmulatorUsageError
from ..payloads.generate import PayloadFactory
from ..payloads.shapes import SHAPE_FORMAT, Counterpart, compare, identify, shape_from_json


def _load(path: str) -> object:
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as exc:
        raise EmulatorUsageError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise EmulatorUsageError(f"{path} is not JSON: {exc}.") from None


@click.command("diff", short_help="Compare a real Okta request's shape with ours.")
@click.argument("file")
@click.option("--origin", type=click.Choice(["delivery", "system-log"]), default=None,
              help="For one System Log event: delivered by an event hook, or read from the System Log API "
                   "(default: guessed from targetEventHookIds / request).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of our generated payload.")
@click.option("--all", "show_all", is_flag=True, help="Also list benign differences.")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
def command(file: str, origin: str | None, seed: int, show_all: bool, as_json: bool) -> None:
    """Compare the shape of a real Okta request in FILE (a hook request body, one System Log event, or a
    stored shape; - for stdin) with ours: key paths, JSON types and value formats. Exit 1 when a difference
    is ours-wrong.

    \b
    Examples:
      okta-hooks diff captured-request.json
      okta-hooks diff log-event.json --origin system-log --all
    """
    try:
        document = _load(file)
        factory = PayloadFactory(seed=seed)
        if isinstance(document, dict) and document.get("format") == SHAPE_FORMAT:
            what = Counterpart(document["origin"], document["kind"], tuple(document.get("eventTypes", ())),
                               document.get("requestType"), document.get("variant"))
            diffs = compare(None, factory, shape=shape_from_json(document["shape"]), counterpart=what)
        else:
            what = identify(document, origin)  # type: ignore[arg-type]
            diffs = compare(document, factory, counterpart=what)  # type: ignore[arg-type]
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    wrong = [d for d in diffs if d.verdict == "ours-wrong"]
    shown = diffs if show_all else [d for d in diffs if d.verdict != "benign"]
    if as_json:
        click.echo(json.dumps({"kind": what.kind, "origin": what.origin, "eventTypes": list(what.event_types),
                               "requestType": what.request_type, "variant": what.variant,
                               "oursWrong": len(wrong), "differences": [d.as_dict() for d in shown]}, indent=2))
    else:
        subject = ", ".join(what.event_types) or what.request_type or what.kind
        click.echo(f"{what.kind} ({what.origin}) {subject}: {len(wrong)} ours-wrong, "
                   f"{len(diffs) - len(wrong)} other difference(s)")
        for d in shown:
            real = ",".join(d.real) or "-"
            ours = ",".join(d.ours) or "-"
            click.echo(f"{d.verdict:<10} {d.kind:<7} {d.path}\n{'':18}okta: {real}\n{'':18}ours: {ours}"
                       f"\n{'':18}{d.reason}")
    sys.exit(1 if wrong else 0)
