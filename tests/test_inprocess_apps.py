"""In-process hook apps run as a server runs them: the ASGI lifespan (startup once per app per emulator, shutdown
at close, startup.failed as a clear error, apps without lifespan still called), and the exception behind a
framework's 500 kept with its traceback (ASGI: Starlette re-raises after its 500; WSGI: Flask's own 500)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Request
from flask import Flask

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.transport import Target
from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.pytest_plugin.hooks import OktaHooks
from okta_hook_emulator.scenarios import load_text, run_scenario, text_report

pytest_plugins = ["pytester"]


def claim_patch(name: str, value: str) -> dict:
    return {"commands": [{"type": "com.okta.identity.patch",
                          "value": [{"op": "add", "path": f"/claims/{name}", "value": value}]}]}


def get_db(request: Request) -> dict:
    """A FastAPI dependency reading what the lifespan startup set up."""
    return request.state.db


def lifespan_app(log: list[str]) -> FastAPI:
    """A FastAPI token hook whose dependency (a 'database') exists only after the lifespan startup ran."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        log.append("startup")
        yield {"db": {"tier": "gold"}}  # lifespan state: copied into every request's scope by the server
        log.append("shutdown")

    app = FastAPI(lifespan=lifespan)

    @app.post("/hooks/token")
    async def token(db: Annotated[dict, Depends(get_db)]) -> dict:
        return claim_patch("tier", db["tier"])

    @app.post("/hooks/broken")
    async def broken() -> dict:
        settings: dict = {}
        return claim_patch("tier", settings["missing_setting"])

    return app


def test_fastapi_lifespan_dependency_answers_and_runs_once_per_emulator():
    log: list[str] = []
    app = lifespan_app(log)
    with OktaHooks(Target.asgi(app, "/hooks/token")) as okta:
        for _ in range(3):
            okta.token_hook().assert_ok().assert_claim("tier", "gold")
        assert log == ["startup"]
    assert log == ["startup", "shutdown"]  # at Emulator.close, as a server stopping


def test_lifespan_startup_failed_is_a_clear_error():
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        raise RuntimeError("DATABASE_URL is not set")
        yield  # pragma: no cover

    app = FastAPI(lifespan=lifespan)
    with Emulator(seed=0) as emulator:
        with pytest.raises(EmulatorUsageError) as info:
            emulator.call_inline("token", Target.asgi(app, "/hooks/token"))
    assert "lifespan.startup.failed" in str(info.value) and "DATABASE_URL is not set" in str(info.value)


def test_asgi_app_without_lifespan_support_keeps_working():
    async def bare(scope, receive, send):
        assert scope["type"] == "http"  # no lifespan support: raises on the lifespan scope
        await receive()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    with Emulator(seed=0) as emulator:
        result = emulator.call_inline("token", Target.asgi(bare))
    assert result.verdict == "ok" and result.delivery.app_exception is None


async def answer_no_content(receive, send) -> None:
    await receive()
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def test_asgi_app_returning_on_the_lifespan_scope_is_called_without_it():
    async def http_only(scope, receive, send):
        if scope["type"] != "http":
            return  # no lifespan support: returns without a message (a server must not wait for one)
        await answer_no_content(receive, send)

    with Emulator(seed=0) as emulator:
        result = emulator.call_inline("token", Target.asgi(http_only))
    assert result.verdict == "ok"


async def failed_then_returns(scope, receive, send):
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no database"})


async def failed_then_waits(scope, receive, send):  # a loop over lifespan messages, as Quart runs its lifespan
    while (await receive())["type"] == "lifespan.startup":
        await send({"type": "lifespan.startup.failed", "message": "no database"})
    await send({"type": "lifespan.shutdown.complete"})


@pytest.mark.parametrize("lifespan", [failed_then_returns, failed_then_waits], ids=["returns", "waits"])
def test_startup_failed_sent_without_an_exception_is_a_clear_error(lifespan):
    async def hook(scope, receive, send):
        if scope["type"] == "lifespan":
            return await lifespan(scope, receive, send)
        await answer_no_content(receive, send)

    with Emulator(seed=0) as emulator:
        with pytest.raises(EmulatorUsageError) as info:
            emulator.call_inline("token", Target.asgi(hook))
    assert "ASGI app hook did not start" in str(info.value)
    assert "lifespan.startup.failed: no database" in str(info.value)


def test_a_lifespan_still_waiting_after_its_startup_failed_is_ended_at_close():
    log: list[str] = []

    async def hook(scope, receive, send):
        try:
            await failed_then_waits(scope, receive, send)
        finally:
            log.append("lifespan call ended")

    with Emulator(seed=0) as emulator:
        with pytest.raises(EmulatorUsageError):
            emulator.call_inline("token", Target.asgi(hook))
        assert log == []
    assert log == ["lifespan call ended"]  # not left pending when the emulator's loop stops


def test_each_request_gets_its_own_copy_of_the_lifespan_state():
    app = lifespan_app([])

    @app.post("/hooks/marks")
    async def marks(request: Request) -> dict:
        seen = getattr(request.state, "marked", False)
        request.state.marked = True  # per request: must not reach the next request
        return claim_patch("marked_before", str(seen))

    with OktaHooks(Target.asgi(app, "/hooks/marks")) as okta:
        for _ in range(2):
            okta.token_hook().assert_ok().assert_claim("marked_before", "False")


def test_asgi_exception_is_kept_with_its_traceback_beside_the_500():
    app = lifespan_app([])
    with Emulator(seed=0) as emulator:
        result = emulator.call_inline("token", Target.asgi(app, "/hooks/broken"))
    assert result.delivery.status == 500  # what Okta sees
    crash = result.delivery.app_exception
    assert crash.startswith("Traceback") and "KeyError: 'missing_setting'" in crash
    assert 'settings["missing_setting"]' in crash  # the hook's own line
    assert "sender.py" not in crash  # our wrapper frame is left out


@pytest.mark.parametrize("testing", [False, True], ids=["production-config", "testing-propagates"])
def test_flask_exception_is_kept_without_changing_the_app_config(testing):
    app = Flask("hook")
    app.testing = testing

    @app.post("/hooks/token")
    def token():
        return claim_patch("x", {}["flask_missing"])

    with Emulator(seed=0) as emulator:
        result = emulator.call_inline("token", Target.wsgi(app, "/hooks/token"))
    assert result.delivery.status == 500
    assert "KeyError: 'flask_missing'" in result.delivery.app_exception
    assert app.testing is testing and app.config["PROPAGATE_EXCEPTIONS"] is None


def test_scenario_text_report_shows_the_app_exception():
    scenario = load_text("version: 1\nname: crash\nsteps:\n  - name: mint\n    action: inline\n    hook: token\n"
                         "    expect: {verdict: ok}\n")
    result = run_scenario(scenario, target=Target.asgi(lifespan_app([]), "/hooks/broken"))
    report = text_report([result])
    assert "the hook app raised" in report and "KeyError: 'missing_setting'" in report


KEYERROR_SUITE = '''
import pytest
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/hooks/token")
async def token(request: Request):
    body = await request.json()
    return {"commands": [], "user": body["data"]["no_such_field"]}


@pytest.fixture
def okta_hook_target():
    from okta_hook_emulator.emulator.transport import Target
    return Target.asgi(app, "/hooks/token")


def test_token_hook(okta):
    okta.token_hook().assert_ok()
'''


@pytest.mark.slow  # pytester subprocess
def test_keyerror_and_its_traceback_in_the_pytest_failure_output(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_keyerror=KEYERROR_SUITE)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "The hook app raised an exception" in out
    assert "Traceback (most recent call last)" in out and "KeyError: 'no_such_field'" in out
    assert 'body["data"]["no_such_field"]' in out  # the hook's own line
    assert "HTTP 500" in out  # Okta's side is still shown
