"""Load shape for ``okta-hooks load --profile login-peak`` (given to Locust beside locustfile.py)."""

from okta_hook_emulator.load.shapes import LoginPeakShape  # noqa: F401 - Locust collects the shape class
