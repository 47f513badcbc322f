import pytest


def test_event_hook_verifies(okta):
    okta.verify(path="/hooks/events").assert_verified()


def test_events_are_delivered_once(okta):
    result = okta.send_events("user.lifecycle.create", count=3, path="/hooks/events")
    result.assert_delivered(attempts=1)
    assert len(result.request["data"]["events"]) == 3


def test_token_hook_adds_a_claim(okta):
    result = okta.token_hook(path="/hooks/token")
    result.assert_ok()
    result.assert_no_problems()
    result.assert_command("com.okta.identity.patch", path="/claims/tier", value="gold")
    result.assert_claim("tier", "gold", token="id")
    assert result.outcome.id_token.claims["tier"] == "gold"


def test_registration_allows_example_com(okta):
    result = okta.registration_hook(request_type="self.service.registration",
                                    path="/hooks/registration",
                                    overrides={"data.userProfile.email": "ann@example.com"})
    result.assert_allowed()


def test_registration_denies_other_domains(okta):
    result = okta.registration_hook(path="/hooks/registration",
                                    overrides={"data.userProfile.email": "mallory@evil.test"})
    result.assert_denied(message="Only example.com emails can register.")


def test_wrong_secret_fails_open_for_tokens(okta):
    result = okta.token_hook(path="/hooks/token", auth_header=("Authorization", "wrong"))
    assert result.verdict == "failed"  # our app answered 401
    result.assert_allowed()  # token hooks fail open: Okta issues the original tokens


@pytest.mark.okta_policy(timeout=0.3)
def test_slow_hook_times_out(okta):
    result = okta.token_hook(path="/hooks/slow-token")
    result.assert_timed_out()
    result.assert_allowed()
