"""``okta-hooks load``: Okta-shaped load on a hook through Locust (headless, distributed or with Locust's web
UI), every answer judged by Okta's rules; prints the run's summary at the end.

Locust runs as a process of its own (``python -m locust -f okta_hook_emulator/load/locustfile.py ...``): this
module never imports Locust (which patches the process with gevent)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from ..emulator.policy import OKTA_DEFAULT_POLICY
from ..load.profiles import OKTA_DAY_BATCH, OKTA_DAY_EVENTS, OKTA_DAY_MEAN

LOAD_DIR = Path(__file__).resolve().parent.parent / "load"
INSTALL_HINT = "okta-hooks load needs Locust: pip install 'okta-hook-emulator[load]'"
# Command-line kind -> the Locust user classes (in load/locustfile.py) that play it.
USER_CLASSES = {"token": ["TokenHookUser"], "saml": ["SamlHookUser"], "registration": ["RegistrationHookUser"],
                "events": ["EventHookUser"],
                "mix": ["TokenHookUser", "EventHookUser", "SamlHookUser", "RegistrationHookUser"]}
PROFILES = {"login-peak": ("token", "profile_login_peak.py"), "okta-day": ("events", "profile_okta_day.py"),
            "mix": ("mix", None)}


def _seconds(text: str) -> int:
    """``90``, ``90s``, ``2m``, ``1h`` -> whole seconds (at least 1)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if match is None:
        raise click.BadParameter(f"'{text}' is not a duration: use seconds (30), or 30s, 5m, 1h.")
    value = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]
    return max(1, round(value))


@click.command("load", short_help="Okta-shaped load on a hook through Locust.")
@click.argument("kind", required=False, type=click.Choice(sorted(USER_CLASSES)))
@click.option("--target", metavar="URL", help="The hook's URL (not needed with --worker).")
@click.option("--users", type=click.IntRange(1), default=10, show_default=True,
              help="Simulated users (the peak with a profile); each plays one person of the synthetic org.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Requests per second across all users (default: as fast as the hook answers).")
@click.option("--duration", default="60s", show_default=True, help="Run time: 30, 30s, 5m, 1h.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the org and the request streams.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help=f"Seconds Okta waits per attempt (default Okta's {OKTA_DEFAULT_POLICY.timeout:g}).")
@click.option("--auth-header", metavar="'NAME: VALUE'", default=None, help="The hook's auth header.")
@click.option("--batch-size", type=click.IntRange(1, 50), default=None,
              help="Events per event hook delivery (okta-day: 50).")
@click.option("--event-type", "event_types", multiple=True, help="Event type the event users deliver (repeat).")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default=None,
              help="login-peak: token calls ramping to a peak; okta-day: a day of event deliveries in batches of "
                   "50 compressed into --duration; mix: token, event, SAML and registration users together.")
@click.option("--daily-events", type=click.IntRange(1), default=OKTA_DAY_EVENTS, show_default=True,
              help="okta-day: events in the compressed day (sets the rate unless --rate is given).")
@click.option("--master", is_flag=True, help="Run Locust's master; workers connect to it.")
@click.option("--expect-workers", type=click.IntRange(1), default=1, show_default=True,
              help="--master: start once this many workers are connected.")
@click.option("--master-bind-host", default="127.0.0.1", show_default=True, help="--master: interface to bind.")
@click.option("--master-port", type=click.IntRange(1, 65535), default=5557, show_default=True,
              help="The master's port (--master binds it, --worker connects to it).")
@click.option("--worker", is_flag=True, help="Run a Locust worker of a master (--master-host).")
@click.option("--master-host", default=None, help="--worker: the master's host.")
@click.option("--web", is_flag=True, help="Open Locust's web UI instead of running headless.")
@click.option("--web-port", type=click.IntRange(1, 65535), default=8089, show_default=True)
@click.option("--csv", "csv_prefix", default=None, metavar="PREFIX", help="Locust's CSV statistics files.")
@click.option("--html", default=None, metavar="FILE", help="Locust's HTML report.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--verbose", is_flag=True, help="Show Locust's own periodic output.")
def command(kind: str | None, target: str | None, users: int, rate: float | None, duration: str, seed: int,
            timeout: float | None, auth_header: str | None, batch_size: int | None, event_types: tuple[str, ...],
            profile: str | None, daily_events: int, master: bool, expect_workers: int, master_bind_host: str,
            master_port: int, worker: bool, master_host: str | None, web: bool, web_port: int,
            csv_prefix: str | None, html: str | None, as_json: bool, verbose: bool) -> None:
    """Okta-shaped load on a hook through Locust: KIND (token, saml, registration, events, mix) or a --profile,
    at --users and --rate for --duration; every answer judged by Okta's rules. Exit 1 when any call was not ok.

    \b
    Examples:
      okta-hooks load token --target http://127.0.0.1:8080/hooks --users 20 --rate 50 --duration 2m
      okta-hooks load --profile login-peak --target http://127.0.0.1:8080/hooks
    """
    if importlib.util.find_spec("locust") is None:
        click.echo(INSTALL_HINT, err=True)
        sys.exit(2)
    from ..errors import EmulatorUsageError
    from .paths import check_output

    try:
        check_output(csv_prefix, "--csv")
        check_output(html, "--html")
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    if worker:
        if not master_host:
            raise click.UsageError("--worker needs --master-host (the master's address).")
        args = ["--worker", "--master-host", master_host, "--master-port", str(master_port)]
        sys.exit(_locust(_files(profile), args, [], verbose=True))
    if profile is not None:
        profile_kind = PROFILES[profile][0]
        if kind is not None and kind != profile_kind:
            raise click.UsageError(f"--profile {profile} runs {profile_kind}; leave KIND out or give "
                                   f"{profile_kind}.")
        kind = profile_kind
    if kind is None:
        raise click.UsageError("Give a KIND (token, saml, registration, events, mix) or a --profile.")
    if not target:
        raise click.UsageError("Give the hook's URL with --target, e.g. --target http://127.0.0.1:8080/hooks.")
    from ..emulator.transport import Target
    from ..errors import EmulatorUsageError

    try:
        Target.url(target)
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    seconds = _seconds(duration)
    budget = timeout or OKTA_DEFAULT_POLICY.timeout
    if profile == "okta-day":
        batch_size = batch_size or OKTA_DAY_BATCH
        if rate is None:  # the day's deliveries spread over the compressed day (users follow the day's curve)
            rate = daily_events / batch_size / seconds / OKTA_DAY_MEAN
    okta = ["--okta-seed", str(seed)]
    if rate is not None:
        okta += ["--okta-user-rate", repr(rate / users)]
    if timeout is not None:
        okta += ["--okta-timeout", repr(timeout)]
    if auth_header is not None:
        okta += ["--okta-auth-header", auth_header]
    if batch_size is not None:
        okta += ["--okta-batch-size", str(batch_size)]
    if event_types:
        okta += ["--okta-event-types", ",".join(event_types)]
    # In-flight calls finish and are judged when the time is up (first attempt, a retry and its delay).
    stop_timeout = max(4, round(2 * budget + OKTA_DEFAULT_POLICY.retry_delay + 1))
    args = ["-H", target, "-u", str(users), "-r", str(users), "--stop-timeout", str(stop_timeout),
            "--exit-code-on-error", "0"]
    # A master stops its workers itself and waits for their last reports (Locust's -t would drop them).
    args += ["--okta-run-time", str(seconds)] if master else ["-t", f"{seconds}s"]
    if web:
        args += ["--web-host", "127.0.0.1", "--web-port", str(web_port)]
        click.echo(f"Locust's web UI: http://127.0.0.1:{web_port}/  (Ctrl-C to stop)", err=True)
    else:
        args += ["--headless"] + ([] if verbose else ["--only-summary"])
    if master:
        args += ["--master", "--expect-workers", str(expect_workers), "--master-bind-host", master_bind_host,
                 "--master-bind-port", str(master_port)]
    if csv_prefix:
        args += ["--csv", csv_prefix]
    if html:
        args += ["--html", html]
    with tempfile.TemporaryDirectory(prefix="okta-hooks-load-") as folder:
        summary_path = Path(folder) / "summary.json"
        code = _locust(_files(profile), args + okta + ["--okta-summary", str(summary_path)], USER_CLASSES[kind],
                       verbose=verbose or web)
        if not summary_path.exists():
            raise click.ClickException(f"Locust stopped (exit {code}) without a summary; run again with "
                                       "--verbose to see its output.")
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    from ..load.tally import format_summary

    click.echo(json.dumps(summary, indent=2) if as_json else format_summary(summary))
    sys.exit(1 if summary["failures"] else 0)


def _files(profile: str | None) -> str:
    shape = PROFILES[profile][1] if profile else None
    return ",".join(str(LOAD_DIR / name) for name in ["locustfile.py"] + ([shape] if shape else []))


def _locust(files: str, args: list[str], classes: list[str], *, verbose: bool) -> int:
    """Run Locust as a child process; its output goes to this command's stderr (shown with ``verbose``)."""
    cmd = [sys.executable, "-m", "locust", "-f", files, *args, *classes]
    try:
        done = subprocess.run(cmd, stdout=None if verbose else subprocess.DEVNULL,
                              stderr=None if verbose else subprocess.PIPE, text=True)
    except KeyboardInterrupt:
        return 130
    if done.returncode and not verbose and done.stderr:
        click.echo(done.stderr[-4000:], err=True)
    return done.returncode
