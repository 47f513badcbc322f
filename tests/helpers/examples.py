"""Load the repository's example and benchmark scripts (examples/hostile_hook/server.py,
benchmarks/run_all.py) as modules in the tests, the way the scenario, hostile-hook and README tests
need them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_module(name: str, relative_path: str) -> ModuleType:
    """Execute ``ROOT/relative_path`` as module ``name`` (registered in ``sys.modules`` if not there yet, since
    dataclasses look their module up) and return it."""
    spec = importlib.util.spec_from_file_location(name, ROOT / relative_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def sample_hook() -> ModuleType:
    """The packaged sample hook, okta_hook_emulator/sample_hook/app.py (``create_app()``, ``serve(app)``)."""
    from okta_hook_emulator.sample_hook import app

    return app


def hostile_hook() -> ModuleType:
    """examples/hostile_hook/server.py (``HostileHook``)."""
    return load_module("hostile_hook_server", "examples/hostile_hook/server.py")
