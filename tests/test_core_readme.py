"""Run the README's "Verifying and delivering to event hooks" examples exactly as shown."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
from pathlib import Path

from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from okta_hook_emulator.cli import _load, cli

ROOT = Path(__file__).resolve().parent.parent
README_URL = "http://127.0.0.1:8080/hook"


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Verifying and delivering to event hooks")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else None]


def test_python_example_prints_what_it_says():
    (code,) = re.findall(r"```python\n(.*?)```", _section(), re.S)
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if "print(" in line and "# " in line]
    assert len(expected) == 3
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    assert out.getvalue().strip().splitlines() == expected


def test_shell_examples_run_against_a_local_hook():
    (block,) = re.findall(r"```bash\n(.*?)```", _section(), re.S)
    commands = [shlex.split(line) for line in block.strip().splitlines()]
    assert [c[:2] for c in commands] == [["okta-hooks", "verify"], ["okta-hooks", "send"], ["okta-hooks", "send"]]

    def hook(request: Request) -> Response:
        if request.method == "GET":
            return Response(json.dumps({"verification": request.headers["X-Okta-Verification-Challenge"]}),
                            content_type="application/json")
        return Response("", status=204)  # event delivery accepted / token hook: no change

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        server.expect_request("/hook").respond_with_handler(hook)
        _load()
        runner = CliRunner()
        for argv in commands:
            args = [server.url_for("/hook") if a == README_URL else a for a in argv[1:]]
            result = runner.invoke(cli, args, catch_exceptions=False)
            assert result.exit_code == 0, (argv, result.output)
        posts = [r for r, _ in server.log if r.method == "POST" and r.get_json()["eventType"] == "com.okta.event_hook"]
        assert len(posts) == 6  # 120 events in batches of 50 = 3 POSTs, each re-sent once
        token = [r for r, _ in server.log if r.method == "POST" and r.get_json()["eventType"].endswith("transform")]
        assert token[0].get_json()["data"]["context"]["user"]["profile"]["login"] == "ann@example.com"
    finally:
        server.stop()
