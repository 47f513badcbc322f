"""``okta-hooks sample-hook``: run the sample hook service that ships with the package (every hook kind at
``/hooks``; rules in ``okta_hook_emulator/sample_hook/app.py``)."""

from __future__ import annotations

import click


@click.command("sample-hook", short_help="Serve the sample hook (every hook kind at /hooks).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="TCP port; 0 picks a free one (the URL printed tells which).")
@click.option("--misbehave", type=click.Choice(["none", "slow", "timeout", "error", "malformed", "500"]),
              default="none", show_default=True, help="Break every POST on purpose (the verification GET keeps "
                                                      "working).")
@click.option("--slow-seconds", type=click.FloatRange(min=0), default=3.5, show_default=True,
              help="How late a slow answer comes (Okta gives up after 3 s).")
@click.option("--hang-seconds", type=click.FloatRange(min=0), default=30.0, show_default=True,
              help="How long --misbehave timeout hangs.")
def command(host: str, port: int, misbehave: str, slow_seconds: float, hang_seconds: float) -> None:
    """Serve the sample hook: every Okta hook kind at /hooks (or /hooks/<kind>), until Ctrl-C.

    Then run the built-in scenarios against it: okta-hooks run --all --target http://127.0.0.1:8080/hooks

    \b
    Examples:
      okta-hooks sample-hook --port 8080
      okta-hooks sample-hook --port 8080 --misbehave slow
    """
    from ..sample_hook.app import create_app, serve
    from .serve import port_problem, wait_for_stop

    if (problem := port_problem(host, port)) is not None:
        click.echo(f"Error: {problem}", err=True)
        raise SystemExit(2)
    app = create_app(misbehave, slow_seconds=slow_seconds, hang_seconds=hang_seconds)
    server, _thread, url = serve(app, host, port)
    click.echo(f"Sample hook listening on {url}/hooks (misbehave: {misbehave})")
    try:
        wait_for_stop()
    finally:
        server.shutdown()
