"""pytest plugin entry point (``okta_hooks``). Fixtures are added by the pytest-plugin work."""
