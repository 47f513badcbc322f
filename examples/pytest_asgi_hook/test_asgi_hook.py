def test_hook_delivers_the_otp(okta):
    result = okta.telephony_hook(path="/hooks/telephony",
                                 overrides={"data.messageProfile.phoneNumber": "+14155550100"})
    result.assert_ok()
    result.assert_command("com.okta.telephony.action", value={"status": "SUCCESSFUL"})
    assert result.outcome.failover is False
    result.assert_responds_within(1.0)


def test_unreachable_number_fails_over_to_okta(okta):
    result = okta.telephony_hook(path="/hooks/telephony",
                                 overrides={"data.messageProfile.phoneNumber": "+99912345"})
    result.assert_failover()


def test_unknown_route_fails_over(okta):
    result = okta.telephony_hook(path="/nowhere")
    assert result.status == 404
    result.assert_failover()
