"""A hostile hook service for demos and hardening tests (see server.py)."""

from .server import BEHAVIOURS, HostileHook

__all__ = ["BEHAVIOURS", "HostileHook"]
