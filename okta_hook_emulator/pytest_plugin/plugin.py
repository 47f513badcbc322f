"""pytest plugin entry point (``okta_hooks``, registered as a ``pytest11`` entry point).

Hooks come in lifecycle order: options and ini keys, markers, the report header. Fixtures live in
``fixtures.py`` and are re-exported here so pytest finds them. Nothing heavy (flask, httpx, faker,
jsonschema) is imported at module level: collecting an unrelated suite must stay fast.
"""

from __future__ import annotations

import pytest

from .fixtures import (  # noqa: F401  (re-exported so pytest registers them)
    _okta_hooks_org,
    _okta_hooks_per_test,
    okta,
    okta_capture,
    okta_hook_target,
    okta_payloads,
    okta_server,
    okta_server_session,
)
from .settings import MARKERS, REPLAY_RESULT, SCENARIO_RESULT, settings_from_config

# ############### pytest hooks ################


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--okta-hooks-*`` options and ``okta_hooks_*`` ini keys in one named group."""
    group = parser.getgroup("okta-hooks", "Okta hook emulator (okta-hook-emulator)")
    group.addoption("--okta-hooks-seed", action="store", type=int, default=None, dest="okta_hooks_seed",
                    help="Seed for every generated payload (overrides the okta_hooks_seed ini key; default 0).")
    group.addoption("--okta-hooks-target", action="store", default=None, dest="okta_hooks_target", metavar="URL",
                    help="Default hook URL for the okta_hook_target fixture (when the test suite does not "
                         "override that fixture).")
    parser.addini("okta_hooks_seed", "Seed for generated payloads (default 0).", default="0")
    parser.addini("okta_hooks_timeout", "Seconds Okta waits for each hook attempt (Okta: 3).", default="3")
    parser.addini("okta_hooks_strict", "Fail a test at teardown when a hook call broke Okta's rules and "
                  "no okta assertion helper looked at it.", type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's markers (so ``--strict-markers`` suites accept them)."""
    for line in MARKERS:
        config.addinivalue_line("markers", line)


def pytest_report_header(config: pytest.Config) -> str:
    """One header line with the seed and policy, so any failure can be replayed."""
    s = settings_from_config(config)
    target = f", target={s.target}" if s.target else ""
    return (f"okta-hooks: seed={s.seed} (replay with --okta-hooks-seed={s.seed}), timeout={s.timeout:g}s, "
            f"strict={s.strict}{target}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``@pytest.mark.okta_replay(path)``: one test per capture record (the ``okta_capture`` argument)."""
    marker = metafunc.definition.get_closest_marker("okta_replay")
    if marker is not None:
        from .replay import parametrize

        parametrize(metafunc, marker)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Fail a test marked ``okta_scenario`` with the scenario's report when the scenario did not pass, and one
    marked ``okta_replay`` when the replayed capture's verdict or commands changed."""
    __tracebackhide__ = True
    result = item.stash.get(SCENARIO_RESULT, None)
    if result is not None:
        result.assert_ok()
    replayed = item.stash.get(REPLAY_RESULT, None)
    if replayed is not None:
        replayed.assert_as_recorded()
