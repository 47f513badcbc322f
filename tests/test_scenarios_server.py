"""--server mode (Management API + control API + OAuth over HTTP) and the demo's --once run."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from okta_hook_emulator import demo
from okta_hook_emulator.commands.run import run
from okta_hook_emulator.server.runner import serve
from tests.helpers.examples import sample_hook

SAMPLE = sample_hook()


@pytest.mark.slow  # end to end through servers or processes
def test_run_through_server_registers_hooks_and_records_deliveries():
    import httpx

    hook_server, hook_thread, hook_url = SAMPLE.serve(SAMPLE.create_app())
    handle = serve({"seed": 0})
    try:
        res = CliRunner().invoke(run, ["event-hook-verification", "user-lifecycle-fanout", "token-client-credentials",
                                       "registration-denied", "--server", handle.url, "--token", handle.token,
                                       "--target", hook_url + "/hooks"])
        assert res.exit_code == 0, res.output + res.stderr
        auth = {"Authorization": f"SSWS {handle.token}"}
        hooks = httpx.get(handle.url + "/api/v1/eventHooks", headers=auth).json()
        assert [h["verificationStatus"] for h in hooks] == ["VERIFIED"]
        kinds = {d["kind"] for d in httpx.get(handle.url + "/_emulator/deliveries", headers=auth).json()}
        assert {"verification", "event", "token", "registration"} <= kinds
    finally:
        handle.stop()
        hook_server.shutdown()
        hook_thread.join(5)


def test_server_mode_without_token_is_a_usage_error():
    res = CliRunner().invoke(run, ["token-add-claims", "--server", "http://127.0.0.1:9"])
    assert res.exit_code == 2 and "--token" in res.stderr


@pytest.mark.slow
def test_demo_once_runs_every_builtin_through_the_server(capsys):
    status = demo.main(["--once", "--skip-slow"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "all expectations met" in out
    assert "Registered event hook who" in out and "(VERIFIED)" in out
    assert re.search(r"^Dashboard: +http://127\.0\.0\.1:", out, re.M)
    assert re.search(r"^Sign-in page: +http://127\.0\.0\.1:\d+/login/login\.htm$", out, re.M)
    assert re.search(r"^Registration: +http://127\.0\.0\.1:\d+/signin/register$", out, re.M)
    assert re.search(r"^Demo app: +http://127\.0\.0\.1:\d+/demo-app/$", out, re.M)
