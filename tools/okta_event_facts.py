"""Record Okta's own per-type facts in ``okta_hook_emulator/payloads/data/event_types.json``: the
``legacyEventType`` of each event-hook-eligible type (and the one its failed outcome carries) and Okta's own
``displayMessage`` where a real event shows it (docs/okta-behaviour.md#legacy-event-types).

Run once by a maintainer (the project never reads the source at run time)::

    python tools/okta_event_facts.py <okta-developer-docs event-types.json of release 2021.03.1>

The source is Okta's event-type catalog as published in ``okta/okta-developer-docs``
(``packages/@okta/vuepress-site/data/event-types.json`` at commit 8d932127aad81b3e920960461ccb428bb49a7a97,
release 2021.03.1, the last release that lists the ``V1`` (Events API) types with their ``mappings`` to System
Log types). Inverting those mappings gives, for a System Log type, the legacy types its events carry. Where one
type has several legacy types, the success one is the type's ``legacyEventType`` and the failure one is used for
``outcome.result`` FAILURE (``CHOICES`` below decides the rest). Types added after 2021 have no mapping: null.
Real events (tests/data/captures/, and Panther's published Okta test events) confirm and complete it (``SEEN``).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "okta_hook_emulator" / "payloads" / "data" / "event_types.json"
SOURCE = ("okta/okta-developer-docs packages/@okta/vuepress-site/data/event-types.json @ "
          "8d932127aad81b3e920960461ccb428bb49a7a97 (release 2021.03.1): V1 types' mappings, inverted")

# Types with several legacy types whose success / failure pick is not "the one that says so".
CHOICES: dict[str, tuple[str | None, str | None]] = {
    "user.session.start": ("core.user_auth.login_success", "core.user_auth.login_failed"),
    "user.authentication.auth_via_mfa": ("core.user.factor.attempt_success", "core.user.factor.attempt_fail"),
    "user.authentication.auth_via_IDP": ("core.user_auth.idp.saml.login_success", "core.user_auth.idp.login_failed"),
    "user.authentication.auth_via_social": ("core.user_auth.idp.social.login_success", None),
    "user.authentication.authenticate": ("core.user_auth.authentication.authenticate",
                                         "core.user_auth.authentication.auth_via_3rd_party_failure"),
    "user.account.reset_password": ("core.user.config.user_status.password_reset", None),
    "user.account.unlock": ("core.user_auth.account_auto_unlocked", None),
    "application.lifecycle.update": ("app.generic.config.app_updated", None),
    "application.provision.user.push": ("app.user_management.push_new_user", "app.api.error.create_user"),
    "application.provision.user.push_profile": ("app.user_management.push_profile_success",
                                                "app.user_management.push_profile_failure"),
    "application.provision.user.reactivate": ("app.user_management.reactivate_user", "app.api.error.reactivate_user"),
    "application.provision.user.sync": ("app.user_management.provision_user",
                                        "app.user_management.provision_user_failed"),
    "application.provision.user.import_profile": (None, "app.api.error.import_user_profile"),
    "app.user_management": ("app.user_management.app_group_member_import.insert_success",
                            "app.user_management.app_group_member_import.insert_failure"),
}

# Seen on real events: type -> (legacyEventType, displayMessage, where). Captures are named by their id in
# tests/data/captures/index.json; "panther:" names a rule test file of panther-labs/panther-analysis (Apache-2.0)
# at daa10c888566839e9918dfba1cd652743781e5fe.
SEEN: dict[str, tuple[str | None, str | None, str]] = {
    "user.lifecycle.create": ("core.user.config.user_creation.success", "Create okta user",
                              "cru-sns-user-lifecycle-create, panther:rules/okta_rules"),
    "user.lifecycle.deactivate": ("core.user.config.user_deactivated", "Deactivate Okta user",
                                  "cru-sns-user-lifecycle-deactivate"),
    "user.lifecycle.reactivate": ("core.user.config.user_reactivation.success", "Reactivate Okta user",
                                  "cru-sns-user-lifecycle-reactivate"),
    "user.lifecycle.delete.initiated": ("core.user.config.user_status.delete.initiated",
                                        "Delete Okta user initiated", "cru-alb-user-lifecycle-delete-initiated"),
    "user.account.update_profile": ("core.user.config.profile_update.success", "Update user profile for Okta",
                                    "cru-alb-user-account-update-profile"),
    "user.session.start": ("core.user_auth.login_success", "User login to Okta", "panther-login-signal-2"),
    "user.session.end": ("core.user_auth.logout_success", "User logout from Okta", "elastic-user-session-end"),
    "user.authentication.auth_via_mfa": ("core.user.factor.attempt_success", "Authentication of user via MFA",
                                         "elastic-user-authentication-auth-via-mfa-push"),
    "user.authentication.sso": ("app.auth.sso", "User single sign on to app", "panther:okta_rules tests"),
    "user.account.privilege.grant": ("core.user.admin_privilege.granted", "Grant user privilege",
                                     "panther-admin-role-assigned-1"),
    "user.account.reset_password": ("core.user.config.user_status.password_reset",
                                    "Fired when the user's Okta password is reset", "panther:okta_rules tests"),
    "user.account.report_suspicious_activity_by_enduser": (
        "core.user.account.report_suspicious_activity_by_enduser", "User report suspicious activity",
        "panther:okta_rules tests"),
    "user.mfa.factor.deactivate": (None, "Reset factor for user", "panther:okta_rules tests"),
    "user.mfa.factor.reset_all": ("core.user.factor.reset_all", "Reset all factors for user",
                                  "panther:okta_rules tests"),
    "user.mfa.factor.suspend": (None, "Suspend factor for user", "panther:okta_rules tests"),
    "user.mfa.factor.update": (None, "Update factor for user", "panther:okta_rules tests"),
    "group.privilege.grant": ("group.privilege.grant", "Group Privilege granted", "panther:okta_rules tests"),
    "system.api_token.create": ("api.token.create", "Create API token", "panther-api-key-created-1"),
    "system.api_token.revoke": ("api.token.revoke", "Revoke API token", "panther-api-key-revoked-1"),
    "system.org.rate_limit.warning": ("core.framework.ratelimit.warning", "Rate limit warning",
                                      "panther-login-signal-1"),
}


# Shapes real events show (key: catalog field -> value), applied over the catalog's template shape.
SHAPES: dict[str, dict] = {
    # Both update_profile captures show one user changing another's profile through /api/v1/users/{id}.
    "user.account.update_profile": {"actor": {"role": "admin", "type": "User"}},
    # panther-login-signal-1: the API token owner is the actor; the targets name the URL pattern and bucket.
    "system.org.rate_limit.warning": {
        "actor": {"role": "admin", "type": "User"}, "apiToken": True, "requestUri": "/api/v1/logs",
        "targets": [{"type": "URL Pattern", "pool": "url_pattern"}, {"type": "Bucket Uuid", "pool": "bucket"}],
        "debugData": ["dtHash", "rateLimitBucketUuid", "rateLimitScopeType", "rateLimitSecondsToReset",
                      "threshold", "timeSpan", "timeUnit", "userId", "warningPercent"]},
    # elastic-user-authentication-auth-via-mfa-push / -webauthn: a User target, the factor provider.
    "user.authentication.auth_via_mfa": {
        "targets": [{"type": "User", "pool": "user"}],
        "authentication": {"authenticationProvider": "FACTOR_PROVIDER",
                           "credentialProvider": "OKTA_CREDENTIAL_PROVIDER"},
        "debugData": ["authnRequestId", "behaviors", "factor", "promptingPolicyTypes", "risk", "threatSuspected"]},
    # panther-login-signal-2/-3 (2024), elastic-user-session-start-2022.
    "user.session.start": {
        "requestUri": "/idp/idx/challenge/answer",
        "debugData": ["authnRequestId", "deviceFingerprint", "dtHash", "logOnlySecurityData", "oktaUserAgentExtended",
                      "origin", "originalPrincipal", "threatSuspected"]},
    # elastic-user-session-end: no target (null), authnRequestId and threatSuspected in debugData.
    "user.session.end": {"debugData": ["authnRequestId", "threatSuspected"]},
    # panther-admin-role-assigned-1/-2.
    "user.account.privilege.grant": {"requestUri": "/api/internal/administrators/{user}",
                                     "debugData": ["privilegeGranted", "threatSuspected"]},
    # SSO to a SAML app: the app's SSO endpoint and the flow's keys (Okta's SAML SSO URL shape).
    "user.authentication.sso": {"requestUri": "/app/{app_name}/{app_entity}/sso/saml",
                                "debugData": ["authnRequestId", "initiationType", "signOnMode", "risk",
                                              "behaviors", "threatSuspected"]},
}


def _pick(name: str, legacy: list[str]) -> tuple[str | None, str | None]:
    if name in CHOICES:
        return CHOICES[name]
    if len(legacy) == 1:
        return legacy[0], None
    ok = [t for t in legacy if "success" in t]
    bad = [t for t in legacy if "fail" in t or "error" in t]
    return (ok[0] if len(ok) == 1 else None), (bad[0] if len(bad) == 1 else None)


def main(source: str) -> None:
    """Update the catalog in place from the 2021.03.1 event-types.json at ``source``."""
    catalog = json.loads(Path(source).read_text())
    v1 = next(v for v in catalog["versions"] if v["version"] == "V1")["eventTypes"]
    legacy_of: dict[str, list[str]] = defaultdict(list)
    for entry in v1:
        for mapped in entry["mappings"]:
            legacy_of[mapped].append(entry["id"])
    data = json.loads(OUT.read_text())
    for name, entry in data["eventTypes"].items():
        success, failure = _pick(name, sorted(legacy_of.get(name, [])))
        seen = SEEN.get(name)
        if seen and seen[0]:
            success = seen[0]
        entry["legacyEventType"] = success
        entry["legacyEventTypeFailure"] = failure
        if seen and seen[1]:
            entry["displayMessage"] = seen[1]
        entry["displayMessageSeen"] = bool(seen and seen[1])
        entry.setdefault("apiToken", False)
        entry.setdefault("authentication", {})
        entry.update(SHAPES.get(name, {}))
    data["legacyEventTypeSource"] = SOURCE
    data["seenOnRealEvents"] = {name: where for name, (_, _, where) in sorted(SEEN.items())}
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
