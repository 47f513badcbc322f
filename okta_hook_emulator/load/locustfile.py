"""The locustfile ``okta-hooks load`` runs (``locust -f`` this file): every Okta user class; the command picks
the classes for the chosen kind or profile by name."""

from okta_hook_emulator.load import (  # noqa: F401 - Locust collects the User classes of this module
    EventHookUser,
    RegistrationHookUser,
    SamlHookUser,
    TokenHookUser,
)
