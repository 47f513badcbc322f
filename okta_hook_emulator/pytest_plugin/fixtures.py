"""Public fixtures of the ``okta_hooks`` plugin. Heavy imports happen inside the fixtures, never here.

| fixture | scope | default |
|---|---|---|
| ``okta_hook_target`` | function (override with any scope) | ``--okta-hooks-target`` URL, else an error asking you to override it |
| ``okta`` | function | ``OktaHooks`` around a fresh ``Emulator(seed, policy)`` aimed at ``okta_hook_target`` |
| ``okta_server`` | session | the emulator HTTP server on 127.0.0.1, port 0 (an ``OktaServer``), reset to a clean org
  (no hooks, logs or deliveries; reseeded) before every test that uses it |
| ``okta_server_session`` | session | the same server, not reset for the tests that use it (state shared) |
| ``okta_payloads`` | function | a ``PayloadFactory`` seeded with the run's seed (fresh per test) |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..errors import EmulatorUsageError
from .settings import (
    REPLAY_RESULT,
    SCENARIO_RESULT,
    policy_overrides_from_marker,
    scenario_from_marker,
    settings_from_config,
)

NO_TARGET = (
    "The okta fixture needs a hook to call, and none is configured. Override the okta_hook_target fixture "
    "in your conftest.py to return your hook: a WSGI app (e.g. your Flask app), an ASGI app or a URL:\n\n"
    "    @pytest.fixture\n"
    "    def okta_hook_target():\n"
    "        return create_app()   # or \"http://127.0.0.1:8000/hooks/token\"\n\n"
    "or pass --okta-hooks-target URL on the command line."
)


@pytest.fixture
def okta_hook_target(request: pytest.FixtureRequest) -> Any:
    """What the ``okta`` fixture calls: override it to return your WSGI app, ASGI app or URL.
    Default: the ``--okta-hooks-target`` URL."""
    target = settings_from_config(request.config).target
    if not target:
        raise EmulatorUsageError(NO_TARGET)
    return target


@pytest.fixture(scope="session")
def _okta_hooks_org(request: pytest.FixtureRequest) -> Any:
    """The synthetic org of the run's seed, built once per session: it is immutable, and building it (Faker) costs
    far more than a whole in-process hook call, so every test's fresh ``Emulator`` reuses it."""
    from ..payloads.generate import PayloadFactory

    return PayloadFactory(settings_from_config(request.config).seed).org


@pytest.fixture
def okta(request: pytest.FixtureRequest, okta_hook_target: Any, _okta_hooks_org: Any) -> Iterator[Any]:
    """An ``OktaHooks`` object: a fresh, seeded ``Emulator`` aimed at ``okta_hook_target``.
    Policy: Okta's defaults, ``okta_hooks_timeout`` ini key, then ``@pytest.mark.okta_policy(...)``."""
    from .hooks import OktaHooks

    settings = settings_from_config(request.config)
    overrides: dict[str, Any] = {"timeout": settings.timeout}
    overrides.update(policy_overrides_from_marker(request.node.get_closest_marker("okta_policy")))
    hooks = OktaHooks(okta_hook_target, seed=settings.seed, policy_overrides=overrides, strict=settings.strict,
                      org=_okta_hooks_org)
    try:
        yield hooks
    finally:
        hooks.close()
    hooks.check()


@pytest.fixture
def okta_payloads(request: pytest.FixtureRequest, _okta_hooks_org: Any) -> Any:
    """The seeded payload generator (``PayloadFactory``), re-seeded for every test."""
    from ..payloads.generate import PayloadFactory

    return PayloadFactory(settings_from_config(request.config).seed, org=_okta_hooks_org)


@pytest.fixture(scope="session")
def okta_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The real emulator HTTP server (Management API, OAuth, ``/_emulator/`` control API) on 127.0.0.1, port 0,
    with an in-memory store, started once per session: an ``OktaServer`` (``url``, ``token``,
    ``register_event_hook``, ``register_inline_hook``, ``run_scenario``...). Every test that uses it (directly
    or through another fixture) starts from a clean org, as pytest-httpserver's ``httpserver`` does: no hooks,
    System Log events or deliveries, payloads reseeded with the run's seed. Register the hooks a test needs
    in the test or a function-scoped fixture."""
    from ..server import serve
    from .server import OktaServer

    settings = settings_from_config(request.config)
    handle = serve(host="127.0.0.1", port=0, seed=settings.seed, policy={"timeout": settings.timeout})
    server = OktaServer(handle, seed=settings.seed)
    try:
        yield server
    finally:
        server.close()
        handle.stop()


@pytest.fixture(scope="session")
def okta_server_session(okta_server: Any) -> Any:
    """The same server as ``okta_server``, never reset: tests that use only this fixture share its hooks,
    System Log and deliveries."""
    return okta_server


@pytest.fixture
def okta_capture() -> Any:
    """One capture record (``okta_hook_emulator.capture.replay.Capture``) of a test marked
    ``@pytest.mark.okta_replay(path)``, which parametrizes this argument."""
    raise EmulatorUsageError("okta_capture is given by @pytest.mark.okta_replay('captures/'): mark the test "
                             "with it (one test per capture record).")


@pytest.fixture(autouse=True)
def _okta_hooks_per_test(request: pytest.FixtureRequest) -> None:
    """The plugin's one autouse fixture (one, since each costs every test of the user's suite a little).
    Resets ``okta_server``'s org before each test that uses it and not ``okta_server_session`` (autouse
    fixtures run before the test's other function-scoped fixtures, so hooks those register survive). Applies
    ``@pytest.mark.okta_scenario`` (run the scenario) and ``@pytest.mark.okta_replay`` (replay the test's
    capture) before the test body; the plugin's ``pytest_runtest_call`` then fails the test with the report
    when the scenario did not pass or the replay changed."""
    if "okta_server" in request.fixturenames and "okta_server_session" not in request.fixturenames:
        request.getfixturevalue("okta_server").reset()
    marker = request.node.get_closest_marker("okta_scenario")
    if marker is not None:
        name, options = scenario_from_marker(marker)
        okta = request.getfixturevalue("okta")
        request.node.stash[SCENARIO_RESULT] = okta.run_scenario(name, **options)
    replay = request.node.get_closest_marker("okta_replay")
    callspec = getattr(request.node, "callspec", None)
    if replay is not None and callspec is not None and "okta_capture" in callspec.params:
        okta = request.getfixturevalue("okta")
        request.node.stash[REPLAY_RESULT] = okta.replay(callspec.params["okta_capture"], **replay.kwargs)
