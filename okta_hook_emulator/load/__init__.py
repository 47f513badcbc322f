"""Load mode on Locust: Okta-shaped traffic at production rates, every answer judged by Okta's rules.

Use the User classes in your own locustfile::

    from okta_hook_emulator.load import TokenHookUser

    class MyTokenHook(TokenHookUser):
        host = "http://127.0.0.1:8080/token-hook"

or run ``okta-hooks load token --target URL``. The User classes import Locust, which patches the process with
gevent, so they are imported on first access: ``okta_hook_emulator.load.tally`` (summaries) and
``okta_hook_emulator.load.profiles`` stay free of Locust, and nothing else in okta_hook_emulator imports it."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["EventHookUser", "HookFailure", "InlineHookUser", "OktaHookUser", "RegistrationHookUser",
           "SamlHookUser", "TokenHookUser"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        importlib.import_module(f"{__name__}.plugin")  # the --okta-* options and the run's tally
        return getattr(importlib.import_module(f"{__name__}.users"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
