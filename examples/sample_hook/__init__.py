"""Okta-style sample hook service (every hook kind) used by the scenarios, the demo and the tests."""

from .app import MISBEHAVE_MODES, create_app, serve

__all__ = ["MISBEHAVE_MODES", "create_app", "serve"]
