"""Locust wiring of the Okta users: the ``--okta-*`` command-line options, one :class:`LoadRun` per Locust
environment (the run's tally, sent from workers to the master) and the JSON summary written when Locust quits.

Imported by ``okta_hook_emulator.load`` (so any locustfile that imports the users gets the same options)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.runners import WORKER_REPORT_INTERVAL, MasterRunner, WorkerRunner

from ..emulator.core import Emulator
from ..emulator.policy import OKTA_DEFAULT_POLICY
from .tally import SUMMARY_PERCENTILES, Tally, summary_dict

_REPORT_KEY = "okta_hooks_tally"
WARM_UP_KINDS = ("token", "saml", "registration")


class LoadRun:
    """What one Locust environment (one process) keeps for the Okta users: the tally and the user numbering."""

    def __init__(self) -> None:
        self.tally = Tally()
        self._numbers = itertools.count()
        self._orgs: dict[int, Any] = {}

    def org(self, seed: int) -> Any:
        """The synthetic org of ``seed``, built once per process: it is immutable, and building it (Faker) costs
        about 12 ms, which every user starting at the beginning of a run would otherwise pay."""
        org = self._orgs.get(seed)
        if org is None:
            from ..payloads.generate import PayloadFactory

            org = self._orgs[seed] = PayloadFactory(seed).org
        return org

    def next_user_number(self) -> int:
        """0, 1, 2... in the order this process starts its users."""
        return next(self._numbers)


def load_run(environment: Any) -> LoadRun:
    """The environment's :class:`LoadRun` (created and wired on first use)."""
    run = getattr(environment, "okta_hooks_run", None)
    if run is None:
        run = environment.okta_hooks_run = LoadRun()
        _wire(environment, run)
    return run


@events.init_command_line_parser.add_listener
def _add_options(parser: Any, **_: Any) -> None:
    group = parser  # Locust's web UI shows only options added to the parser itself
    group.add_argument("--okta-seed", type=int, default=None, include_in_web_ui=True,
                       help="Seed of the synthetic org and of every user's request stream (default 0)")
    group.add_argument("--okta-timeout", type=float, default=None, include_in_web_ui=True,
                       help="Seconds Okta waits for each attempt (default Okta's 3)")
    group.add_argument("--okta-auth-header", default=None, include_in_web_ui=True,
                       help="The hook's auth header as 'Name: value'")
    group.add_argument("--okta-user-rate", type=float, default=None, include_in_web_ui=True,
                       help="Calls per second per simulated user (default: as fast as the hook answers)")
    group.add_argument("--okta-batch-size", type=int, default=None, include_in_web_ui=True,
                       help="Events per event hook delivery (Okta: up to 50; default 1)")
    group.add_argument("--okta-event-types", default=None, include_in_web_ui=True,
                       help="Comma-separated event types the event users deliver")
    group.add_argument("--okta-run-time", type=float, default=None,
                       help="Master: after this many seconds stop the workers, wait for their last reports, then "
                            "quit (Locust's -t quits at once and drops the workers' last reports)")
    group.add_argument("--okta-summary", default=None,
                       help="Write the run's summary (Locust totals + Okta verdicts) to this JSON file")


@events.init.add_listener
def _on_init(environment: Any, **_: Any) -> None:
    load_run(environment)
    warm_up()


def warm_up() -> None:
    """Make one judged call of every kind in process (no network) before the run, so the first calls of the run
    do not pay for loading schemas and judges (which would hold up the other users' calls meanwhile)."""
    def no_op_hook(environ: dict, start_response: Any) -> list[bytes]:
        start_response("204 No Content", [])
        return [b""]

    with Emulator(seed=0) as emulator:
        for kind in WARM_UP_KINDS:
            emulator.call_inline(kind, no_op_hook)
        emulator.send_events(no_op_hook, "user.session.start")


def _wire(environment: Any, run: LoadRun) -> None:
    hooks = environment.events

    def report_to_master(client_id: str, data: dict, **_: Any) -> None:
        data[_REPORT_KEY] = run.tally.drain()

    def worker_report(client_id: str, data: dict, **_: Any) -> None:
        if _REPORT_KEY in data:
            run.tally.merge(data[_REPORT_KEY], worker=client_id)

    def quitting(environment: Any, **_: Any) -> None:
        options = environment.parsed_options
        path = getattr(options, "okta_summary", None) if options is not None else None
        if path and not isinstance(environment.runner, WorkerRunner):
            Path(path).write_text(json.dumps(run_summary(environment, run), indent=2), encoding="utf-8")

    def test_start(environment: Any, **_: Any) -> None:
        options = environment.parsed_options
        seconds = getattr(options, "okta_run_time", None) if options is not None else None
        if seconds and isinstance(environment.runner, MasterRunner):
            gevent.spawn_later(seconds, _stop_then_quit, environment.runner)

    hooks.test_start.add_listener(test_start)
    hooks.report_to_master.add_listener(report_to_master)
    hooks.worker_report.add_listener(worker_report)
    hooks.quitting.add_listener(quitting)


def _stop_then_quit(runner: Any) -> None:
    runner.stop()  # tells the workers to stop and waits until their users have stopped
    gevent.sleep(WORKER_REPORT_INTERVAL + 1)  # their last periodic reports (with the last calls' tallies)
    runner.quit()


def run_summary(environment: Any, run: LoadRun) -> dict[str, Any]:
    """Locust's totals (requests, failures, rate, percentiles) with the run's tally of verdicts and outcomes."""
    total = environment.stats.total
    seconds = max(0.0, (total.last_request_timestamp or total.start_time) - total.start_time)
    percentiles = {f"p{round(p * 100)}": float(total.get_response_time_percentile(p) or 0)
                   for p in SUMMARY_PERCENTILES}
    options = environment.parsed_options
    budget = getattr(options, "okta_timeout", None) if options is not None else None
    return summary_dict(run.tally, requests=total.num_requests, failures=total.num_failures,
                        rps=total.num_requests / seconds if seconds else 0.0, percentiles=percentiles,
                        seconds=seconds, budget=budget or OKTA_DEFAULT_POLICY.timeout)
