"""Okta's behaviour and state: sending with Okta's rules, judging answers, flows, the server and store."""
