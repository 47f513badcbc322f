"""pytest plugin (entry point ``okta_hooks``): fixtures ``okta``, ``okta_hook_target``, ``okta_server``,
``okta_payloads``; markers ``okta_policy`` and ``okta_scenario``; ``HookResult`` assertion helpers."""
