"""Load mode (``okta-hooks load``, ``okta_hook_emulator.load``): real Locust processes against a stand-in hook on
127.0.0.1. The slow tests run Locust for a few seconds each; Locust never runs inside the pytest process (it
patches the process with gevent)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from okta_hook_emulator.emulator import records as R
from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.load.people import person_for
from okta_hook_emulator.load.tally import Call, Tally, failure_name, failure_outcome, format_summary
from okta_hook_emulator.payloads.validate import Problem
from tests.helpers.readme import blocks, section

OKTA_HOOKS = str(Path(sys.executable).parent / "okta-hooks")
SLOW_EVERY = 10  # the stand-in answers every tenth call too slowly
BUDGET = 1.0  # seconds (--timeout); the slow answers take SLOW_SECONDS
SLOW_SECONDS = 2.0


class StandIn:
    """A stand-in hook: answers 204 at once, except every tenth POST, answered after SLOW_SECONDS."""

    def __init__(self) -> None:
        self.posts = 0
        self.slow = 0
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with stand_in.lock:
                    stand_in.posts += 1
                    slow = stand_in.posts % SLOW_EVERY == 0
                    stand_in.slow += slow
                if slow:
                    time.sleep(SLOW_SECONDS)
                try:
                    self.send_response(204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the emulator gave up on a slow answer and closed the connection
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    hook = StandIn()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _counts(summary: dict, kind: str = "token") -> dict[tuple[str, str], int]:
    return {(verdict, reason): n for k, verdict, reason, n in summary["verdicts"] if k == kind}


# -- fast: no Locust run ---------------------------------------------------------------------------------------

def test_nothing_but_the_load_users_imports_locust() -> None:
    code = ("import sys, okta_hook_emulator, okta_hook_emulator.cli as cli\n"
            "cli._load()\n"
            "import okta_hook_emulator.load, okta_hook_emulator.load.tally, okta_hook_emulator.load.profiles\n"
            "print(sorted(m for m in ('locust', 'gevent') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_without_locust_the_command_says_how_to_install_it() -> None:
    code = ("import sys; sys.modules['locust'] = None\n"
            "sys.argv = ['okta-hooks', 'load', 'token', '--target', 'http://127.0.0.1:9/hook']\n"
            "from okta_hook_emulator.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == "okta-hooks load needs Locust: pip install 'okta-hook-emulator[load]'"


def _delivery(transport: str, status: int | None = None) -> R.Delivery:
    response = None if status is None else R.RecordedResponse(status=status, headers={}, body="", size=0,
                                                               truncated=False)
    request = R.RecordedRequest(method="POST", url="http://127.0.0.1:9/hook", headers={}, body="")
    attempt = R.Attempt(number=1, started_at="2026-01-01T00:00:00.000Z", request=request, response=response,
                        transport=transport, elapsed_ms=1.0, error=None)
    return R.Delivery(attempts=[attempt])


def test_failure_names_are_short_and_stable() -> None:
    assert failure_name("ok", _delivery(R.OK, 204), "fine") is None
    assert failure_name("failed", _delivery(R.TIMEOUT), "Timed out: no complete response within 3 s") == "timed out"
    assert failure_name("failed", _delivery(R.HTTP_ERROR, 500), "The hook answered: HTTP 500") == "HTTP 500"
    problem = Problem("$.commands[0].type", "enum", "'x' is not one of ...")
    assert failure_name("invalid", _delivery(R.OK, 200), "The answer broke a rule", [problem]) == \
        "invalid: [enum] at $.commands[0].type"
    assert failure_name("error", _delivery(R.OK, 200), "The hook answered an error") == \
        "error: The hook answered an error"


def test_outcomes_follow_each_kinds_failure_mode() -> None:
    assert failure_outcome("token", "failed") == "fail open"
    assert failure_outcome("registration", "invalid") == "fail closed"
    assert failure_outcome("token", "ok") is None
    assert failure_outcome("event", "failed") is None


def test_worker_tallies_merge_on_the_master() -> None:
    worker = Tally()
    worker.add(Call("token", "ok", None, None, True), "w1")
    worker.add(Call("token", "failed", "timed out", "fail open", False), "w1")
    master = Tally()
    master.merge(worker.drain(), worker="w1")
    master.merge({"calls": 1, "within_budget": 1, "verdicts": [["token", "ok", "", 1]], "outcomes": [],
                  "by_worker": {"local": 1}}, worker="w2")
    assert worker.calls == 0
    assert (master.calls, master.within_budget, dict(master.by_worker)) == (3, 2, {"w1": 2, "w2": 1})
    text = format_summary({"requests": 3, "failures": 1, "rps": 1.5, "seconds": 2, "budget_s": 3.0,
                           "percentiles_ms": {"p50": 4.0, "p95": 3000.0, "p99": 3000.0}, **master.to_dict()})
    assert "within Okta's budget (3 s): 2/3 (66.7%)" in text
    assert re.search(r"token +failed +1  timed out", text)
    assert re.search(r"token +fail open +1", text)


def test_each_simulated_user_is_one_person_of_the_org() -> None:
    with Emulator(seed=3) as emu:
        org = emu.payloads.org
        people = [person_for(org, n) for n in range(3)]
        assert len({p.id for p in people}) == 3
        for person in people:
            request = emu.payloads.inline_request("token", user=person)  # as the load users generate it
            context = request["data"]["context"]
            claims = request["data"]["identity"]["claims"]
            assert context["user"]["id"] == context["session"]["userId"] == claims["sub"] == person.id
            assert context["user"]["profile"]["login"] == claims["preferred_username"] == person.login
            assert claims["name"] == person.display_name


def test_readme_commands_use_real_options() -> None:
    from click.testing import CliRunner

    from okta_hook_emulator.cli import _load, cli

    _load()
    help_text = CliRunner().invoke(cli, ["load", "--help"]).output
    for block in blocks(section("Load testing"), "bash"):
        for line in block.splitlines():
            command = line.split("#", 1)[0].split()
            if command and command != ["wait"]:
                assert command[:2] == ["okta-hooks", "load"]
                for option in (w for w in command if w.startswith("--")):
                    assert option in help_text, option


# -- slow: real Locust processes -------------------------------------------------------------------------------

def _load(args: list[str], timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run([OKTA_HOOKS, "load", *args, "--json"], capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_standalone_run_counts_what_the_hook_received_and_every_slow_answer_as_timed_out(stand_in) -> None:
    done = _load(["token", "--target", stand_in.url, "--users", "5", "--rate", "50", "--duration", "5",
                  "--timeout", str(BUDGET)])
    assert done.returncode == 1, done.stderr  # the slow answers are failures
    summary = json.loads(done.stdout)
    assert stand_in.slow >= 1
    assert summary["requests"] == summary["calls"] == stand_in.posts
    assert _counts(summary) == {("failed", "timed out"): stand_in.slow, ("ok", ""): stand_in.posts - stand_in.slow}
    assert summary["failures"] == stand_in.slow
    assert summary["within_budget"] == stand_in.posts - stand_in.slow
    assert summary["outcomes"] == [["token", "fail open", stand_in.slow]]
    assert summary["budget_s"] == BUDGET
    assert set(summary["percentiles_ms"]) == {"p50", "p95", "p99"}


@pytest.mark.slow
def test_readme_recipe_one_master_two_workers_on_loopback(stand_in, tmp_path) -> None:
    recipe = blocks(section("Load testing"), "bash")[1]
    port = _free_port()
    script = (recipe.replace("http://127.0.0.1:8080/hooks", stand_in.url)
              .replace("--duration 10", "--duration 4 --timeout 1 --json")
              .replace("--expect-workers 2", f"--expect-workers 2 --master-port {port}")
              .replace("--master-host 127.0.0.1", f"--master-host 127.0.0.1 --master-port {port}"))
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, env=env,
                          cwd=tmp_path)
    summary = json.loads(done.stdout[done.stdout.index("{"):])
    workers = summary["by_worker"]
    assert len(workers) == 2 and "local" not in workers
    assert all(n > 0 for n in workers.values())
    assert sum(workers.values()) == summary["calls"] == summary["requests"] == stand_in.posts
    assert _counts(summary).get(("failed", "timed out"), 0) == stand_in.slow


@pytest.mark.slow
def test_readme_user_classes_run_in_your_own_locustfile(stand_in, tmp_path) -> None:
    code = blocks(section("Load testing"), "python")[0]
    locustfile = tmp_path / "my_locustfile.py"
    locustfile.write_text(code.replace("http://127.0.0.1:8080/hooks", stand_in.url))
    summary_file = tmp_path / "summary.json"
    subprocess.run([sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", "3", "-r", "3",
                    "-t", "3s", "--stop-timeout", "4", "--only-summary", "--okta-seed", "7", "--okta-user-rate",
                    "5", "--okta-summary", str(summary_file)], capture_output=True, text=True, timeout=90)
    summary = json.loads(summary_file.read_text())
    kinds = {kind for kind, _verdict, _reason, _n in summary["verdicts"]}
    assert kinds == {"token", "event"}
    assert 0 < summary["calls"] == summary["requests"] <= stand_in.posts  # event deliveries may be retried
