"""``okta-hooks run`` (run scenarios, check expectations, report) and ``okta-hooks scenarios`` (list the
built-in ones)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EmulatorUsageError


def _fail_usage(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command("run", short_help="Run scenarios (files or built-in names) and report.")
@click.argument("scenarios", nargs=-1, metavar="SCENARIO_OR_NAME...")
@click.option("--all", "run_all", is_flag=True, help="Run every built-in scenario.")
@click.option("--target", "target_items", multiple=True, metavar="URL|NAME=URL",
              help="URL of the hook service (overrides the scenario's 'target'); NAME=URL sets one of the "
                   "scenario's named 'targets' (repeatable).")
@click.option("--seed", type=int, default=None, help="Seed for payloads and ${fake:...} values (default: the "
              "scenario's seed, else 0).")
@click.option("--set", "sets", multiple=True, metavar="STEP.PATH=VALUE",
              help="Change a step before running, e.g. --set sign_in.policy.timeout=0.5 or "
                   "--set sign_in.overrides.data.context.user.profile.login=a@b.example (repeatable).")
@click.option("--skip", multiple=True, metavar="STEP", help="Skip a step by name (repeatable).")
@click.option("--policy", "policy_items", multiple=True, metavar="NAME=VALUE",
              help="Delivery-policy default for every step, e.g. --policy timeout=0.5 (a step's own policy wins).")
@click.option("--report", "report_format", type=click.Choice(["text", "json", "junit"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE.")
@click.option("--server", help="Run through a running emulator server's control API (base URL).")
@click.option("--token", help="API token of the emulator server (with --server).")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines.")
def run(scenarios: tuple[str, ...], run_all: bool, target_items: tuple[str, ...], seed: int | None,
        sets: tuple[str, ...],
        skip: tuple[str, ...], policy_items: tuple[str, ...], report_format: str, output: Path | None,
        server: str | None, token: str | None, quiet: bool) -> None:
    """Run scenario files or built-in scenarios by name.

    Exit status: 0 every expectation holds, 1 any fails, 2 unusable input.

    \b
    Examples:
      okta-hooks run token-add-claims --target http://127.0.0.1:8080/hooks
      okta-hooks run --all --target http://127.0.0.1:8080/hooks --report junit --output scenarios.xml
      okta-hooks run my-flow.yaml --set sign_in.policy.timeout=0.5 --quiet
      okta-hooks run two-services.yaml --target events=http://127.0.0.1:8080/hooks --target tokens=http://127.0.0.1:9090/t
    """
    from ..scenarios import builtin_names, load, parse_sets, render, run_scenario, summary_table
    from ..scenarios.reports import progress_line, progress_widths
    from ..scenarios.runner import check_step_names, check_target_names, parse_targets
    from .console import Output
    from .paths import check_output

    names = list(scenarios) + (builtin_names() if run_all else [])
    if not names:
        _fail_usage("name at least one scenario file or built-in name (or --all). "
                    "List the built-ins with 'okta-hooks scenarios'.")
    if server and not token:
        _fail_usage("--server needs --token (the emulator server's API token, printed by 'okta-hooks serve').")
    try:
        check_output(output, "--output")
        loaded = [load(n) for n in names]
        parsed_sets = parse_sets(sets)
        check_step_names(loaded, [s[0] for s in parsed_sets], "--set")
        check_step_names(loaded, skip, "--skip")
        policy = _parse_policy(policy_items)
        target, named_targets = parse_targets(target_items)
        check_target_names(loaded, named_targets)
    except EmulatorUsageError as exc:
        _fail_usage(str(exc))
        return

    console = Output(quiet=quiet)
    widths = progress_widths(loaded)
    results = []
    try:
        with console.progress("steps", "step", sum(len(sc.steps) for sc in loaded)) as advance:
            done = 0

            def progress(scenario, step) -> None:  # noqa: ANN001
                nonlocal done
                done += 1
                if not quiet:
                    console.text(progress_line(scenario.name, step, widths) + "\n", err=True)
                advance(done)

            advance(0)
            for sc in loaded:
                results.append(run_scenario(sc, target=target, seed=seed,
                                            targets={k: v for k, v in named_targets.items() if k in sc.targets},
                                            sets=parsed_sets, skip=skip, policy=policy, server=server, token=token,
                                            progress=progress))
    except EmulatorUsageError as exc:
        _fail_usage(str(exc))
        return
    text = render(results, report_format)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        console.text(summary_table(results) + "\n")
        click.echo(f"Report ({report_format}) written to {output}")
    elif report_format == "text":
        console.text(text)
    else:
        click.echo(text, nl=False)
        console.text(summary_table(results) + "\n", err=True)
    sys.exit(0 if all(r.passed for r in results) else 1)


def _parse_policy(items: tuple[str, ...]) -> dict:
    import json
    from dataclasses import fields

    from ..emulator.policy import DeliveryPolicy
    from ..errors import did_you_mean

    known = [f.name for f in fields(DeliveryPolicy)]
    out = {}
    for item in items:
        name, eq, raw = item.partition("=")
        if not eq:
            raise EmulatorUsageError(f"--policy '{item}': use NAME=VALUE, e.g. --policy timeout=0.5")
        if name not in known:
            raise EmulatorUsageError(f"--policy: unknown setting '{name}'.{did_you_mean(name, known)} "
                                     f"Known: {', '.join(known)}.")
        try:
            out[name] = json.loads(raw)
        except ValueError:
            out[name] = raw
    return out


@click.command("scenarios", short_help="List the built-in scenarios.")
def scenarios_cmd() -> None:
    """List the built-in scenarios with one-line descriptions.

    \b
    Examples:
      okta-hooks scenarios
    """
    from ..scenarios import builtin_names, load_builtin

    names = builtin_names()
    width = max(len(n) for n in names)
    for name in names:
        sc = load_builtin(name)
        kinds = ",".join(sorted(sc.kinds))
        click.echo(f"{name:<{width}}  [{kinds}] {sc.description}")


scenarios_cmd.name = "scenarios"
commands = [run, scenarios_cmd]
