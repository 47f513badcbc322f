"""Okta-style sample hook service (every hook kind), shipped with the package: ``okta-hooks sample-hook`` or
``python -m okta_hook_emulator.sample_hook``. Used by the built-in scenarios, the demo, the README and the tests."""

from .app import MISBEHAVE_MODES, create_app, serve

__all__ = ["MISBEHAVE_MODES", "create_app", "serve"]
