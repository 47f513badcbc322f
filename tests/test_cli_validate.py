"""`okta-hooks validate`: exit 0 valid, 1 invalid, 2 usage error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from okta_hook_emulator.commands.validate import command
from okta_hook_emulator.fidelity import MAX_RESPONSE_BYTES

EXAMPLES = Path(__file__).parent / "data" / "okta_examples"


@pytest.fixture
def run():
    def invoke(*args, input=None):
        return CliRunner().invoke(command, [str(a) for a in args], input=input)

    return invoke


def test_valid_response_exits_0(run):
    result = run("token", EXAMPLES / "token.response.add-claims.json")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "valid"


def test_valid_request_exits_0(run):
    result = run("com.okta.telephony.provider", EXAMPLES / "telephony.request.json", "--request")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "valid"


def test_invalid_response_from_stdin_exits_1_and_prints_each_problem(run):
    body = {"commands": [{"type": "com.okta.telephony.action", "value": [{"status": "SENT"}]}, 3]}
    result = run("telephony", "-", input=json.dumps(body))
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("$.commands[0].value[0].status: [telephony_status_value] ")
    assert lines[1].startswith("$.commands[1]: [command_shape] ")
    assert len(lines) == 2


def test_request_file_enables_request_rules(tmp_path, run):
    response = EXAMPLES / "token.response.remove-claims.json"
    assert run("token", response).exit_code == 0
    result = run("token", response, "--request-file", EXAMPLES / "token.request.json", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert [p["rule"] for p in problems] == ["claim_not_in_request", "claim_not_in_request"]
    assert problems[0]["path"] == "$.commands[0].value[0].path"


def test_request_flag_catches_bad_request(tmp_path, run):
    body = json.loads((EXAMPLES / "import.request.json").read_text())
    body["cloudEventsVersion"] = body.pop("cloudEventVersion")
    path = tmp_path / "req.json"
    path.write_text(json.dumps(body))
    result = run("import", path, "--request")
    assert result.exit_code == 1
    assert "[cloud_event_version]" in result.stdout


def test_oversized_file_is_invalid(tmp_path, run):
    path = tmp_path / "big.json"
    path.write_text('{"commands": []}' + " " * MAX_RESPONSE_BYTES)
    result = run("saml", path)
    assert result.exit_code == 1
    assert "[response_too_large]" in result.stdout and "less than 256 KB" in result.stdout


@pytest.mark.parametrize(("args", "stdin", "needle"), [
    (["tokn", "x.json"], None, "Did you mean 'token'?"),
    (["saml", "{missing}"], None, "Can't read the response"),
    (["saml", "{dir}"], None, "is a directory"),
    (["saml", "-"], "{not json", "is not JSON"),
    (["token", "{good}", "--request-file", "{missing}"], None, "Can't read the request file"),
    (["token", "{good}", "--request", "--request-file", "{good}"], None, "--request-file only applies"),
])
def test_usage_errors_exit_2_with_a_message(tmp_path, run, args, stdin, needle):
    names = {"{missing}": str(tmp_path / "nope.json"), "{dir}": str(tmp_path),
             "{good}": str(EXAMPLES / "token.response.add-claims.json")}
    result = run(*[names.get(a, a) for a in args], input=stdin)
    assert result.exit_code == 2
    assert needle in result.stderr
    assert result.stdout == ""


def test_registered_in_the_okta_hooks_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "okta_hook_emulator.cli", "validate", "registration", "-"],
        input=json.dumps({"commands": [{"type": "com.okta.action.update", "value": {"registration": "MAYBE"}}]}),
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "[registration_action_value]" in proc.stdout
