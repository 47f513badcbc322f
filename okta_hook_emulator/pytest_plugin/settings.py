"""Plugin settings (options + ini keys) and marker argument checks. Light imports only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ..errors import EmulatorUsageError

MARKERS: tuple[str, ...] = (
    "okta_policy(timeout=None, retries=None, **policy): change Okta's delivery policy for this test's `okta` "
    "fixture (timeout in seconds per attempt, retries = max retries; other names are DeliveryPolicy fields).",
    "okta_scenario(name_or_path, **options): run the named built-in scenario (or a scenario file) against "
    "okta_hook_target (targets={name: app or URL} for a scenario's named targets) before the test body; the "
    "test fails with the scenario's report when it does not pass.",
    "okta_replay(path, as_recorded=False, **options): one test per capture record in path (a folder of "
    "`okta-hooks capture` records, or one record), given as the `okta_capture` argument; each is replayed to "
    "okta_hook_target before the test body and the test fails when the verdict or commands changed.",
)

# The result of an okta_scenario marker's run, stored on the test item between setup and call.
SCENARIO_RESULT: pytest.StashKey[Any] = pytest.StashKey()
# The result of an okta_replay marker's replay (a ReplayResult), stored the same way.
REPLAY_RESULT: pytest.StashKey[Any] = pytest.StashKey()


@dataclass(frozen=True)
class Settings:
    """The plugin configuration for one pytest run."""

    seed: int
    timeout: float
    strict: bool
    target: str | None


def settings_from_config(config: pytest.Config) -> Settings:
    """Read ``--okta-hooks-*`` options (which win) and ``okta_hooks_*`` ini keys."""
    seed_opt = config.getoption("okta_hooks_seed", default=None)
    raw_seed = seed_opt if seed_opt is not None else config.getini("okta_hooks_seed")
    try:
        seed = int(raw_seed)
    except (TypeError, ValueError):
        raise EmulatorUsageError(f"okta_hooks_seed must be an integer, got {raw_seed!r}. "
                                 "Fix the ini key or pass --okta-hooks-seed=N.") from None
    raw_timeout = config.getini("okta_hooks_timeout")
    try:
        timeout = float(raw_timeout)
    except (TypeError, ValueError):
        raise EmulatorUsageError(f"okta_hooks_timeout must be a number of seconds, got {raw_timeout!r}. "
                                 "Okta's value is 3.") from None
    if timeout <= 0:
        raise EmulatorUsageError(f"okta_hooks_timeout must be > 0 seconds, got {timeout}. Okta's value is 3.")
    return Settings(seed=seed, timeout=timeout, strict=bool(config.getini("okta_hooks_strict")),
                    target=config.getoption("okta_hooks_target", default=None))


def _okta_policy(timeout: float | None = None, retries: int | None = None, **policy: Any) -> dict[str, Any]:
    overrides: dict[str, Any] = dict(policy)
    if timeout is not None:
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise ValueError(f"@pytest.mark.okta_policy(timeout=...) must be a positive number of seconds, "
                             f"got {timeout!r}")
        overrides["timeout"] = float(timeout)
    if retries is not None:
        if not isinstance(retries, int) or retries < 0:
            raise ValueError(f"@pytest.mark.okta_policy(retries=...) must be an integer >= 0, got {retries!r}")
        overrides["max_retries"] = retries
    return overrides


def policy_overrides_from_marker(marker: pytest.Mark | None) -> dict[str, Any]:
    """``DeliveryPolicy`` overrides from an ``okta_policy`` marker (``{}`` when absent)."""
    if marker is None:
        return {}
    if marker.args:
        raise ValueError("@pytest.mark.okta_policy takes keyword arguments only, "
                         "e.g. @pytest.mark.okta_policy(timeout=10, retries=0)")
    return _okta_policy(**marker.kwargs)


def _okta_scenario(name_or_path: str, **options: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(name_or_path, str) or not name_or_path:
        raise ValueError("@pytest.mark.okta_scenario needs a scenario name or path, "
                         "e.g. @pytest.mark.okta_scenario('token-adds-claim')")
    return name_or_path, options


def scenario_from_marker(marker: pytest.Mark) -> tuple[str, dict[str, Any]]:
    """``(name_or_path, options)`` from an ``okta_scenario`` marker; bad arguments raise a clear error."""
    try:
        return _okta_scenario(*marker.args, **marker.kwargs)
    except TypeError as exc:
        raise TypeError(f"@pytest.mark.okta_scenario(name_or_path, **options): {exc}") from None
