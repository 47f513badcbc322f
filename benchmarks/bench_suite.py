"""A whole pytest suite: 500 token inline hook tests through the ``okta`` fixture vs the same 500 with a bare Flask
test client (run: ``.venv/bin/python benchmarks/bench_suite.py [--tests 500] [--runs 3]``).

In a temporary directory it writes one Flask token inline hook (adds a claim) and two suites of the same size
and layout (10 files of ``--tests / 10`` test functions; the app is made once per session on both sides):

- ``emulated/``: each test calls ``okta.token_hook()`` (a fresh seeded ``Emulator`` per test, as the plugin's
  function-scoped ``okta`` fixture gives: generate the request, call the app in process under Okta's 3 s budget,
  judge the answer) and asserts ``assert_ok()`` and ``assert_claim(...)``;
- ``bare/``: each test POSTs a ready token request body (built once, when the suite is written) with Flask's test
  client and checks the status and the command in the answer.

Both run as real ``python -m pytest -q -p no:cacheprovider -p no:randomly`` processes with plugin autoloading off
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``) on both sides, as in bench_plugin.py: the emulated side loads our plugin
with ``-p okta_hook_emulator.pytest_plugin.plugin``, the bare side loads nothing else. Installed plugins that
would load on both sides alike (Faker's, Hypothesis'...) would only add the same seconds to each side. Runs are
interleaved (emulated, bare, emulated, bare...) and each side's median wall clock is compared. The last line is
the ratio and whether the goal (<= 1.5x) is met."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
GOAL = 1.5
FILES = 10
PLUGIN_MODULE = "okta_hook_emulator.pytest_plugin.plugin"
FLAGS = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly"]

HOOK_APP = '''
from flask import Flask, request

ANSWER = {"commands": [{"type": "com.okta.identity.patch",
                        "value": [{"op": "add", "path": "/claims/extPatientId", "value": "1234"}]}]}


def create_app():
    app = Flask("token_hook")

    @app.post("/")
    def token_hook():
        request.get_json()
        return ANSWER

    return app
'''

EMULATED_CONFTEST = '''
import pytest

from hook_app import create_app


@pytest.fixture(scope="session")
def okta_hook_target():
    return create_app()
'''

EMULATED_TEST = '''
def test_token_{n:04d}(okta):
    result = okta.token_hook()
    result.assert_ok()
    result.assert_claim("extPatientId", "1234")
'''

BARE_CONFTEST = '''
from pathlib import Path

import pytest

from hook_app import create_app

BODY = (Path(__file__).parent / "token_request.json").read_bytes()


@pytest.fixture(scope="session")
def client():
    return create_app().test_client()


@pytest.fixture
def token_request():
    return BODY
'''

BARE_TEST = '''
def test_token_{n:04d}(client, token_request):
    response = client.post("/", data=token_request, content_type="application/json")
    assert response.status_code == 200
    assert response.get_json()["commands"][0]["value"][0]["value"] == "1234"
'''


def write_suites(root: Path, tests: int) -> None:
    """Write ``hook_app.py`` and the two suites (same file layout, same number of tests) under ``root``."""
    from okta_hook_emulator.payloads.generate import PayloadFactory

    (root / "hook_app.py").write_text(HOOK_APP)
    per_file = -(-tests // FILES)
    for side, conftest, template in (("emulated", EMULATED_CONFTEST, EMULATED_TEST),
                                     ("bare", BARE_CONFTEST, BARE_TEST)):
        folder = root / side
        folder.mkdir()
        (folder / "conftest.py").write_text(conftest)
        for f in range(FILES):
            numbers = range(f * per_file, min(tests, (f + 1) * per_file))
            (folder / f"test_token_{f:02d}.py").write_text("".join(template.format(n=n) for n in numbers))
    request = PayloadFactory(0).inline_request("token")
    (root / "bare" / "token_request.json").write_bytes(json.dumps(request, separators=(",", ":")).encode())


def run_suite(root: Path, side: str, tests: int) -> float:
    """Wall clock (seconds) of one ``python -m pytest`` process over ``root/side``; exits if a test fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONPATH"] = str(root)
    extra = ["-p", PLUGIN_MODULE] if side == "emulated" else []
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", *FLAGS, *extra, side], cwd=root, env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or f"{tests} passed" not in done.stdout:
        raise SystemExit(f"{side} suite failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=500, help="tests per suite (default 500)")
    parser.add_argument("--runs", type=int, default=3, help="runs per side, interleaved (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_suite_") as tmp:
        root = Path(tmp)
        write_suites(root, args.tests)
        run_suite(root, "emulated", args.tests)  # warm-up (.pyc files, filesystem caches), not measured
        run_suite(root, "bare", args.tests)
        emulated: list[float] = []
        bare: list[float] = []
        for _ in range(args.runs):
            emulated.append(run_suite(root, "emulated", args.tests))
            bare.append(run_suite(root, "bare", args.tests))
    med_emulated, med_bare = statistics.median(emulated), statistics.median(bare)
    ratio = med_emulated / med_bare
    print(f"{args.tests} token inline hook tests per suite, {args.runs} interleaved runs per side "
          "(plugin autoloading off on both sides):")
    print(f"  okta fixture (Emulator per test): median {med_emulated:6.2f} s "
          f"({med_emulated / args.tests * 1000:.2f} ms/test; runs {', '.join(f'{t:.2f}' for t in emulated)})")
    print(f"  bare Flask test client          : median {med_bare:6.2f} s "
          f"({med_bare / args.tests * 1000:.2f} ms/test; runs {', '.join(f'{t:.2f}' for t in bare)})")
    print(f"ratio okta-fixture/bare suite wall clock: {ratio:.2f}x (goal <= {GOAL:g}x): "
          f"{'met' if ratio <= GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
