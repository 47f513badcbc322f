import pytest
from asgi_hook_app import app


@pytest.fixture
def okta_hook_target():
    """The hook under test: a plain ASGI app, called in process."""
    return app
