"""Built-in scenarios: consistency with the catalog and schema, and every one passing against the sample hook."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from okta_hook_emulator.commands.run import run, scenarios_cmd
from okta_hook_emulator.payloads.catalog import KINDS
from okta_hook_emulator.scenarios import builtin_names, load, run_scenario, scenario_schema
from okta_hook_emulator.scenarios.loader import library_dir
from tests.helpers.examples import sample_hook

SLOW = "slow-hook-timeout"  # Okta's real 3 s budget: run once only (over HTTP, below)


SAMPLE = sample_hook()


@pytest.fixture
def sample_url():
    server, thread, url = SAMPLE.serve(SAMPLE.create_app())
    yield url + "/hooks"
    server.shutdown()
    thread.join(5)


def test_at_least_15_builtins_and_every_kind_covered():
    names = builtin_names()
    assert len(names) >= 15
    used = set().union(*(load(n).kinds for n in names))
    assert set(KINDS) <= used, f"kinds without a built-in scenario: {set(KINDS) - used}"


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_validates_against_schema_and_is_named_after_its_file(name):
    import yaml

    doc = yaml.safe_load(library_dir().joinpath(f"{name}.yaml").read_text())
    errors = list(Draft202012Validator(scenario_schema()).iter_errors(doc))
    assert not errors, [e.message for e in errors]
    assert doc["name"] == name
    assert doc["description"]


@pytest.mark.parametrize("name", [n for n in builtin_names() if n != SLOW])
def test_builtin_passes_against_sample_hook_in_process(name):
    result = run_scenario(load(name), target=SAMPLE.create_app())
    failures = [(s.name, s.error, [c.describe() for c in s.failures()]) for s in result.steps if not s.passed]
    assert result.passed, failures
    assert result.steps and all(s.status == "passed" for s in result.steps)


@pytest.mark.slow
def test_all_builtins_over_real_http_via_cli_with_junit(sample_url, tmp_path):
    """Every built-in (the 3 s timeout one included, once) over HTTP on 127.0.0.1; JUnit: one case per step."""
    out = tmp_path / "report.xml"
    res = CliRunner().invoke(run, ["--all", "--target", sample_url, "--report", "junit", "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert "all expectations met" in res.output
    root = ET.parse(out).getroot()
    suites = root.findall("testsuite")
    assert {s.get("name") for s in suites} == set(builtin_names())
    for suite in suites:
        assert len(suite.findall("testcase")) == len(load(suite.get("name")).steps)
    assert not root.findall(".//failure") and not root.findall(".//error")
    slow = next(s for s in suites if s.get("name") == SLOW)
    assert float(slow.find("testcase").get("time")) >= 2.9  # really waited for Okta's 3 s budget


@pytest.mark.slow  # the hook sleeps past the budget
def test_misbehave_timeout_token_fails_open_registration_denied(tmp_path):
    server, thread, url = SAMPLE.serve(SAMPLE.create_app("timeout", hang_seconds=1.0))
    try:
        res = CliRunner().invoke(run, ["token-add-claims", "registration-allowed", "--target", url + "/hooks",
                                       "--policy", "timeout=0.3", "--report", "json", "-q"])
    finally:
        server.shutdown()
        thread.join(5)
    report = json.loads(res.stdout)
    by_name = {sc["name"]: sc for sc in report["scenarios"]}
    token = by_name["token-add-claims"]["steps"][0]["result"]
    assert token["verdict"] == "failed" and token["timed_out"] and token["attempt_count"] == 1
    assert token["outcome"]["tokens_issued"] is True and token["outcome"]["modified"] is False
    assert token["outcome"]["id_token"]["claims"].get("extPatientId") is None
    reg = by_name["registration-allowed"]["steps"][0]["result"]
    assert reg["verdict"] == "failed" and reg["attempt_count"] == 2  # retried once, then fail closed
    assert reg["outcome"]["action"] == "DENY"
    assert "error creating your account" in reg["outcome"]["end_user_message"]
    assert res.exit_code == 1  # the allow expectations no longer hold


def test_scenarios_command_lists_builtins():
    res = CliRunner().invoke(scenarios_cmd, [])
    assert res.exit_code == 0
    lines = res.output.strip().splitlines()
    assert len(lines) == len(builtin_names())
    assert any(line.startswith("token-add-claims") and "extPatientId" in line for line in lines)


def test_same_seed_gives_byte_identical_request_bodies():
    def bodies(seed):
        app = SAMPLE.create_app()
        out = []
        for name in ("user-lifecycle-fanout", "token-add-claims", "registration-allowed", "telephony-delivered-and-failover"):
            result = run_scenario(load(name), target=app, seed=seed)
            out += [b for s in result.steps for b in s.request_bodies]
        return out

    first, second, other = bodies(7), bodies(7), bodies(8)
    assert first and first == second
    assert first != other


def test_sample_hook_threads_do_not_leak_state_between_apps():
    a, b = SAMPLE.create_app(), SAMPLE.create_app()
    run_scenario(load("group-membership-burst"), target=a)
    assert len(a.extensions["sample_hook"]["events"]) == 100
    assert b.extensions["sample_hook"]["events"] == []
    assert isinstance(a.extensions["sample_hook"]["lock"], type(threading.Lock()))
