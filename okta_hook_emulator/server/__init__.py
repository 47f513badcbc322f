"""The Okta-compatible server: ``create_app(config)`` and ``serve(...)`` (a threaded werkzeug server for tests,
the pytest plugin's ``okta_server`` fixture, the demo and ``okta-hooks serve``)."""

from __future__ import annotations

from .app import EXTENSION, ServerState, create_app
from .config import ServerConfig
from .runner import ServerHandle, serve

__all__ = ["EXTENSION", "ServerConfig", "ServerHandle", "ServerState", "create_app", "serve"]
