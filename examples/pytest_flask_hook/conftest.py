import pytest
from flask_hook_app import SECRET, create_app


@pytest.fixture
def okta_hook_target():
    """The hook under test: the Flask app itself, called in process (no server, no port)."""
    return create_app()


@pytest.fixture
def okta(okta):
    """Okta sends our shared secret with every call, as configured on the hook in the Admin Console."""
    okta.auth_header = ("Authorization", SECRET)
    return okta
