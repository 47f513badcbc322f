"""Load shape for ``okta-hooks load --profile okta-day`` (given to Locust beside locustfile.py)."""

from okta_hook_emulator.load.shapes import OktaDayShape  # noqa: F401 - Locust collects the shape class
