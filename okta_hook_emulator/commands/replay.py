"""``okta-hooks replay DIR|FILE --target URL|MODULE:APP`` re-sends captured Okta requests with Okta's headers and
delivery rules and compares the verdicts with the recorded ones; ``okta-hooks scenario from DIR`` writes a
scenario that replays them."""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

import click

from ..errors import EmulatorUsageError


def load_target(target: str) -> Any:
    """A URL as it is; ``package.module:attr`` imports a WSGI/ASGI app (called when it is a factory such as
    ``create_app``)."""
    if "://" in target or ":" not in target:
        if "://" not in target:
            raise EmulatorUsageError(f"--target must be a URL or MODULE:APP (e.g. "
                                     f"okta_hook_emulator.sample_hook.app:create_app), got {target!r}.")
        return target
    module_name, _, attr = target.partition(":")
    if os.getcwd() not in sys.path:  # like `flask --app`: modules of the current folder are importable
        sys.path.insert(0, os.getcwd())
    try:
        app = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise EmulatorUsageError(f"--target {target}: cannot import it ({exc}).") from None
    if not _is_app(app):
        app = app()
    return app


def _is_app(candidate: Any) -> bool:
    # A WSGI app (Flask...) or an ASGI app takes arguments; a factory such as create_app() takes none required.
    import inspect

    if not callable(candidate) or inspect.isclass(candidate):
        return False
    try:
        params = inspect.signature(candidate).parameters.values()
    except (TypeError, ValueError):
        return True
    required = [p for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(required) >= 2


def _pair(text: str, option: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise click.UsageError(f"{option} expects NAME:VALUE, got {text!r}.")
    return name.strip(), value.strip()


@click.command("replay", short_help="Replay captured Okta requests against a hook.")
@click.argument("path", type=click.Path(exists=True))
@click.option("--target", required=True, metavar="URL|MODULE:APP",
              help="The hook to replay to: a URL, or an importable WSGI/ASGI app (e.g. myhook.app:create_app).")
@click.option("--as-recorded", is_flag=True,
              help="Send the captured bodies and request ids unchanged (default: fresh ids and timestamps).")
@click.option("--auth-header", default=None, metavar="K:V",
              help="The hook's auth header (redacted in the records), e.g. 'Authorization:my-secret'.")
@click.option("--header", "headers", multiple=True, metavar="K:V", help="Extra header for every request.")
@click.option("--timeout", type=click.FloatRange(min=0.001), default=None, metavar="S",
              help="Per-attempt timeout in seconds (Okta: 3).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fresh ids.")
@click.option("--json", "as_json", is_flag=True, help="Print every replay as JSON.")
def replay(path: str, target: str, as_recorded: bool, auth_header: str | None, headers: tuple[str, ...],
           timeout: float | None, seed: int, as_json: bool) -> None:
    """Replay the capture records in PATH (a folder or one record) against --target: Okta's headers and
    delivery rules, the answer judged as Okta judges it and compared with the recorded answer. Exit 0 when
    every recorded verdict (and the commands) still hold, 1 when one changed.

    \b
    Examples:
      okta-hooks replay captures --target http://127.0.0.1:8080
      okta-hooks replay captures --target myhook.app:create_app --as-recorded
    """
    from ..capture.replay import load_captures
    from ..capture.replay import replay as replay_one
    from ..emulator.core import Emulator

    try:
        captures = load_captures(path)
        hook = load_target(target)
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    policy: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
    auth = _pair(auth_header, "--auth-header") if auth_header else None
    extra = [_pair(h, "--header") for h in headers]
    results, skipped = [], []
    with Emulator(seed=seed) as emulator:
        for capture in captures:
            if not capture.replayable:
                skipped.append(capture)
                continue
            results.append(replay_one(emulator, capture, hook, as_recorded=as_recorded, auth_header=auth,
                                      headers=extra, **policy))
    changed = [r for r in results if not r.held]
    if as_json:
        click.echo(json.dumps({"held": not changed, "replays": [r.to_dict() for r in results],
                               "skipped": [str(c.path) for c in skipped]}, indent=2, default=str))
    else:
        for result in results:
            click.echo(("held    " if result.held else "CHANGED ") + result.summary())
        for capture in skipped:
            click.echo(f"skipped {capture.name}: not an Okta hook request")
        needs_auth = sorted({name for r in results for name in r.capture.redacted_headers()})
        if changed and needs_auth and auth is None:
            click.echo(f"hint: the records had {', '.join(needs_auth)} redacted; pass --auth-header NAME:VALUE if "
                       "the hook checks it", err=True)
        click.echo(f"{len(results)} replayed, {len(results) - len(changed)} held, {len(changed)} changed"
                   + (f", {len(skipped)} skipped" if skipped else ""))
    sys.exit(1 if changed else 0)


@click.group("scenario", short_help="Make scenarios from other material.")
def scenario() -> None:
    """Make scenarios from other material.

    \b
    Examples:
      okta-hooks scenario from captures -o replay.yaml
    """


@scenario.command("from", short_help="Write a scenario that replays capture records.")
@click.argument("path", type=click.Path(exists=True))
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE",
              help="Where to write the scenario YAML (- for stdout).")
@click.option("--name", default=None, help="Scenario name (default: from the folder name).")
def scenario_from(path: str, output: str, name: str | None) -> None:
    """Write a scenario that replays the capture records in PATH, expecting the recorded verdicts and commands.
    Run it with `okta-hooks run FILE --target URL`.

    \b
    Examples:
      okta-hooks scenario from captures -o replay.yaml
      okta-hooks run replay.yaml --target http://127.0.0.1:8080
    """
    from ..capture.scenario import scenario_from_captures, to_yaml
    from .paths import check_output

    try:
        check_output(output, "--output")
        document = scenario_from_captures(path, name=name)
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    text = to_yaml(document)
    if output == "-":
        click.echo(text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"wrote {output}: {len(document['steps'])} step(s)", err=True)


commands = [replay, scenario]
