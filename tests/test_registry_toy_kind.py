"""Adding a hook kind touches one place: the toy kind in ``tests/toy_kind/`` (a ``HookKind``, its schemas,
generator, rule and judge), registered by an entry point in ``okta_hook_emulator.kinds`` (a ``*.dist-info`` the
test writes), works end to end through the Python API, the CLI and the pytest plugin, with no edit to the package.

This process never has the entry point on its path (the catalog is built once per process); the processes the
tests start do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.payloads.catalog import ENTRY_POINT_GROUP, HookKind, kinds
from tests.helpers.server import QuickStopHTTPServer

pytest_plugins = ["pytester"]

TOY_DIR = Path(__file__).parent / "toy_kind"
OKTA_HOOKS = str(Path(sys.executable).parent / "okta-hooks")
WELCOME = {"commands": [{"type": "com.example.toy.verdict", "value": {"enter": True, "greeting": "Welcome!"}}]}
COCKTAIL = {"commands": [{"type": "com.example.toy.verdict",
                          "value": {"enter": True, "greeting": "Have a cocktail"}}]}
SHUT = {"commands": [{"type": "com.example.toy.verdict", "value": {"enter": False, "greeting": "Closed today"}}]}
MALFORMED = {"commands": [{"type": "com.example.toy.verdict", "value": {"greeting": "hi"}}]}


@pytest.fixture(scope="module")
def hook() -> Iterator[HTTPServer]:
    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    for path, answer in (("/welcome", WELCOME), ("/cocktail", COCKTAIL), ("/shut", SHUT),
                         ("/malformed", MALFORMED)):
        server.expect_request(path, method="POST").respond_with_json(answer)
    server.expect_request("/down").respond_with_data("down", status=503)
    yield server
    server.stop()


def _dist_info(folder: Path, name: str, entry_points: str) -> None:
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}")


@pytest.fixture
def toy_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a process that has the toy kind installed: the package and a dist-info declaring
    its entry point on PYTHONPATH."""
    _dist_info(tmp_path / "site", "toy_kind", "toy = toy_kind:KIND\n")
    paths = [str(tmp_path / "site"), str(TOY_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                                                     if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)


def test_the_toy_kind_is_not_installed_in_this_process() -> None:
    assert "toy" not in kinds() and "toy" not in [k.name for k in kinds().values()]


def test_python_api_with_the_kind_object(hook: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(TOY_DIR))
    from toy_kind import KIND

    assert isinstance(KIND, HookKind)
    with Emulator(seed=4) as emu:
        ok = emu.call_inline(KIND, hook.url_for("/welcome"), request_type="back-door", variant="adult")
        invalid = emu.call_inline(KIND, hook.url_for("/cocktail"), variant="child")
        malformed = emu.call_inline(KIND, hook.url_for("/malformed"))
        failed = emu.call_inline(KIND, hook.url_for("/down"))
    assert ok.verdict == "ok", ok.reason
    assert ok.kind == "toy" and ok.request_type == "back-door"
    assert ok.request["data"]["context"]["visitor"]["age"] == "adult"
    assert ok.outcome.entered and ok.outcome.denied is False and ok.outcome.to_dict()["greeting"] == "Welcome!"
    assert [e["eventType"] for e in ok.log_events] == ["inline_hook.response.processed", "user.session.start"]
    # the kind's own rule (needs the request) and its own schema (x-rule from the toy schema) are applied
    assert invalid.verdict == "invalid" and [p.rule for p in invalid.problems] == ["toy_child_cocktail"]
    assert invalid.outcome.denied
    assert [(p.path, p.rule) for p in malformed.problems] == [("$.commands[0].value.enter", "toy_verdict_value")]
    assert failed.verdict == "failed" and failed.outcome.denied
    assert failed.delivery.attempts and len(failed.delivery.attempts) == 2  # retried, as the kind says


def test_python_api_by_name_through_the_entry_point(hook: HTTPServer, toy_env: dict[str, str]) -> None:
    script = textwrap.dedent(f"""
        import json
        from okta_hook_emulator.emulator.core import Emulator
        from okta_hook_emulator.payloads.catalog import get_kind, inline_kinds
        assert "toy" in inline_kinds() and get_kind("com.example.toy.visit").name == "toy"
        with Emulator(seed=1) as emu:
            result = emu.call_inline("toy", {hook.url_for("/shut")!r})
        print(json.dumps({{"verdict": result.verdict, "denied": result.outcome.denied,
                           "message": result.outcome.denial_message}}))
    """)
    proc = _run([sys.executable, "-c", script], toy_env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"verdict": "ok", "denied": True, "message": "Closed today"}


@pytest.mark.slow
def test_cli_payload_catalog_and_send_inline(hook: HTTPServer, toy_env: dict[str, str]) -> None:
    catalog = _run([OKTA_HOOKS, "catalog", "--grep", "toy"], toy_env)
    assert catalog.returncode == 0, catalog.stderr
    assert "com.example.toy.visit" in catalog.stdout and "request-types=front-door,back-door" in catalog.stdout

    payload = _run([OKTA_HOOKS, "payload", "toy", "--request-type", "back-door", "--variant", "child",
                    "--seed", "3"], toy_env)
    assert payload.returncode == 0, payload.stderr
    body = json.loads(payload.stdout)
    assert body["eventType"] == "com.example.toy.visit" and body["requestType"] == "back-door"
    assert body["data"]["context"]["visitor"]["age"] == "child"
    assert _run([OKTA_HOOKS, "payload", "toy", "--seed", "3", "--request-type", "back-door",
                 "--variant", "child"], toy_env).stdout == payload.stdout  # seeded

    sent = _run([OKTA_HOOKS, "send", "inline", "toy", hook.url_for("/welcome")], toy_env)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert "toy inline hook: verdict OK" in sent.stdout and "The visitor entered." in sent.stdout

    bad = _run([OKTA_HOOKS, "send", "inline", "toy", hook.url_for("/cocktail"), "--variant", "child",
                "--json"], toy_env)
    assert bad.returncode == 1, bad.stderr
    result = json.loads(bad.stdout)
    assert result["verdict"] == "invalid" and result["problems"][0]["rule"] == "toy_child_cocktail"

    unknown = _run([OKTA_HOOKS, "payload", "toy"], {k: v for k, v in toy_env.items() if k != "PYTHONPATH"})
    assert unknown.returncode == 2 and "Unknown hook kind 'toy'" in unknown.stderr


@pytest.mark.slow
def test_pytest_plugin_okta_fixture(pytester: pytest.Pytester, hook: HTTPServer, toy_env: dict[str, str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", toy_env["PYTHONPATH"])
    pytester.makepyfile(test_toy="""
        import pytest

        def test_welcome(okta):
            okta.call_inline("toy", path="/welcome").assert_no_problems().assert_allowed()

        def test_shut(okta):
            okta.call_inline("toy", path="/shut").assert_denied(message="Closed")

        def test_child_cocktail_breaks_the_rule(okta):
            okta.call_inline("toy", path="/cocktail", variant="child").assert_no_problems()
    """)
    result = pytester.runpytest_subprocess("-p", "no:randomly", f"--okta-hooks-target={hook.url_for('/')}")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*1 problem(s): $.commands[[]0[]].value.greeting toy_child_cocktail: children are not offered cocktails*",
                                "*Verdict: invalid*"])


def test_a_broken_entry_point_is_skipped_with_a_warning(tmp_path: Path, toy_env: dict[str, str]) -> None:
    _dist_info(tmp_path / "more", "broken", "nope = no_such_module:KIND\ndup = toy_kind:KIND\n")
    env = {**toy_env, "PYTHONPATH": os.pathsep.join([str(tmp_path / "more"), toy_env["PYTHONPATH"]])}
    proc = _run([OKTA_HOOKS, "catalog", "--grep", "toy"], env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("com.example.toy.visit") == 1  # registered once; the duplicate is ignored
    assert "'nope' (no_such_module:KIND) could not be loaded" in proc.stderr
    assert "reuses a name or Okta type already registered" in proc.stderr
