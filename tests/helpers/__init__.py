"""Helpers shared by several test modules: README sections (readme), the server and its API (server), inline
hooks (inline), example and benchmark scripts (examples). Fixtures shared by several modules live in
tests/conftest.py."""
