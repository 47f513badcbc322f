"""okta-hook-emulator: plays Okta's side of Okta event and inline hooks, offline."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
