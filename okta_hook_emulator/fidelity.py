"""Every behaviour Okta's documentation leaves open is decided here, once, and listed in
docs/okta-behaviour.md#unconfirmed-choices and the README's "Fidelity notes". Code elsewhere imports these
names instead of repeating the choice."""

from __future__ import annotations

# Event hooks: Okta documents batching but not a maximum batch size or window. We batch up to 50 events.
EVENT_BATCH_SIZE = 50
# Delay between the first attempt and the single retry: undocumented; we retry at once.
RETRY_DELAY_SECONDS = 0.0
# Event deliveries: 200/204 are Okta's documented answers; other 2xx are accepted (and noted in the verdict).
EVENT_ACCEPT_ANY_2XX = True
# Inline hooks: 200 and 204 are success; other 2xx (201..299) are also treated as success and noted.
INLINE_ACCEPT_ANY_2XX = True
# A 3xx answer is never followed and counts as a failed call; it is not retried (like a 4xx).
RETRY_ON_REDIRECT = False
# Responses of 256 KB or more ("must be less than 256 KB") are a failed call, not retried.
MAX_RESPONSE_BYTES = 256 * 1024
RETRY_ON_TOO_LARGE = False
# Verification: 2xx + JSON object whose "verification" string equals the challenge exactly; extra fields are fine.
VERIFICATION_ALLOW_EXTRA_FIELDS = True
# The challenge value: 40 URL-safe characters, as in the one captured example.
VERIFICATION_CHALLENGE_LENGTH = 40
# Delivery POSTs and inline calls: User-Agents as captured from real orgs
# (docs/okta-behaviour.md#event-delivery-headers, #inline-hook-headers).
EVENT_DELIVERY_USER_AGENT = "Okta Hook Service v1.0.0 - {hook_id}"
INLINE_USER_AGENT = "Okta-Integrations"
# Invalid commands for SAML/registration/import/password import: like token, one bad command skips the whole
# response (the flow continues as on failure for that kind).
INVALID_COMMAND_SKIPS_WHOLE_RESPONSE = True
# Password import: an `error` object is treated like UNVERIFIED (sign-in fails).
PASSWORD_IMPORT_ERROR_MEANS_UNVERIFIED = True
# User import answered with `error`: the failure is logged and the import continues with the default action
# (fail open, as on timeout; a user is created unless the request already matched one).
IMPORT_ERROR_CONTINUES_WITH_DEFAULT = True
# Telephony: PENDING counts as delivered (no failover); FAILED fails over to Okta's providers.
TELEPHONY_FAILOVER_STATUSES = frozenset({"FAILED"})
# Voice delivery channel string on the wire: "Voice", as a 2025 capture shows (docs/okta-behaviour.md#real-captures).
TELEPHONY_VOICE_CHANNEL = "Voice"
# Token hook refresh-token grant: original grant key casing.
TOKEN_ORIGINAL_GRANT_KEY = "OriginalGrant"
# Inline hook org limit (docs/okta-behaviour.md#org-limits): 100, not the stale 50.
MAX_INLINE_HOOKS = 100
# Management API `execute` on an INACTIVE inline hook (Okta only links `execute` on ACTIVE hooks): refused.
EXECUTE_INACTIVE_INLINE_HOOK = False
# `execute` when the hook call fails (timeout, non-2xx, invalid answer): HTTP 400 ("a 400 error is returned with
# more information about what failed") carrying E0000137 (timeout) or E0000134 (any other failure).
EXECUTE_FAILURE_STATUS = 400
# SAML `replace` on a path that isn't in the request's data.assertion: invalid (by analogy with the token hook's
# "can't modify a claim that isn't currently part of the token"); checked only when the request is known.
SAML_REPLACE_NEEDS_EXISTING_PATH = True
# Token hook `remove` on /token/lifetime/expiration: invalid (the lifetime can only be replaced, 300-86400 s).
TOKEN_LIFETIME_REMOVABLE = False
# System Log events of the hook types that are not event-hook-eligible (event_hook.created ... system.hook.key.*):
# Okta documents their types and descriptions, not their actor or displayMessage. Unconfirmed: our choice. The
# actor is the admin calling the Management API for an admin's change (create, update, delete, activate,
# deactivate, hook keys) and Okta's SystemPrincipal for what Okta does itself: the verification call, a failed
# delivery, processing an inline hook's answer (like inline_hook.executed in our catalog).
# The displayMessage is a short phrase ("Event hook created"), as Okta's messages for other types read.
HOOK_LOG_SYSTEM_ACTOR_TYPES = frozenset({"event_hook.verified", "event_hook.delivery", "inline_hook.verified",
                                         "inline_hook.response.processed"})
# Okta request ids (X-Okta-Request-Id, transaction.id, debugData.requestId, an inline request's
# data.context.request.id): 27 URL-safe characters until 2023 (``XbHgP-OT7cn8YM13gzo6nAAABBw``), 32 lowercase hex
# in captures from 2024 on (``601b158a3b3e23be5bbf74d0fe63cd78``). We send the current form: "hex32" (or "legacy27").
REQUEST_ID_FORMAT = "hex32"
# Sessions (authenticationContext.externalSessionId, an inline request's data.context.session.id): Identity Engine
# sessions are ``idx`` + 22 characters (Classic Engine orgs: ``102``). Events Okta raises itself and calls made
# with an API token carry a ``trs`` session (captures: cru-sns-user-lifecycle-create, panther-login-signal-1).
USER_SESSION_PREFIX = "idx"
SYSTEM_SESSION_PREFIX = "trs"
# Inline answers: a `null` member Okta's deserializer would treat as absent
# (docs/okta-behaviour.md#null-members-of-an-answer). Observed only for `"error": null` on success (third-party
# hooks that work in production); the other paths follow the same reading of the schemas.
NULL_MEANS_ABSENT = frozenset({
    "commands", "error", "debugContext", "error.errorSummary", "error.errorCauses",
    "error.errorCauses[].errorSummary", "error.errorCauses[].reason", "error.errorCauses[].locationType",
    "error.errorCauses[].location", "error.errorCauses[].domain"})
# OAUTH channels (docs/okta-behaviour.md#oauth-channels). Okta documents the two auth types but not whether a
# token is cached: we reuse an access token until its expires_in runs out (less a small skew), as OAuth clients do.
OAUTH_REUSE_TOKEN_UNTIL_EXPIRY = True
OAUTH_TOKEN_EXPIRY_SKEW_SECONDS = 5
# The token request shares the hook call's timeout (Okta's KB: a timeout also occurs if Okta cannot get the token
# AND call the hook within it): the hook call gets what the token request left of the budget.
OAUTH_TOKEN_REQUEST_COUNTS_AGAINST_TIMEOUT = True
# The token request itself is not retried (a failed token request fails the call; the hook is never called).
OAUTH_TOKEN_REQUEST_RETRIED = False
# private_key_jwt client assertion lifetime (exp - iat): Okta's authorization servers accept at most 1 hour; we
# send a short-lived one.
OAUTH_CLIENT_ASSERTION_LIFETIME_SECONDS = 300
# Hook keys: `isUsed` is a JSON boolean, as Okta's recorded answers show (the OpenAPI spec, and the SDKs generated
# from it, type it as a string).
HOOK_KEY_IS_USED_BOOLEAN = True
# Authorization code flow (docs/okta-behaviour.md#authorization-code-flow). A code's lifetime: Okta's OAuth API
# reference says 300 seconds, its okta-auth-js SDK one minute; we take the API reference.
AUTHORIZATION_CODE_LIFETIME_SECONDS = 300
# The demo app (the demo OAuth client) accepts, besides {org}/demo-app/callback, any http:// redirect URI on these
# hosts (any port and path), so a local app can try the flow without registering; Okta matches registered URIs
# exactly, as the emulator does for apps created with POST /api/v1/apps.
DEMO_APP_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1"})
# A refresh returns the same refresh token (Okta's default for web apps; rotation is an app setting).
REFRESH_TOKEN_ROTATION = False
