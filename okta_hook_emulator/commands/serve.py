"""``okta-hooks serve``: run the Okta-compatible emulator server (Management API, System Log, OAuth, dashboard)."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from ..errors import EmulatorUsageError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8070, show_default=True,
              help="TCP port; 0 picks a free one (the URL printed tells which).")
@click.option("--db", default=":memory:", show_default=True, metavar="PATH|:memory:",
              help="SQLite database file; hooks, System Log and deliveries survive restarts on the same file.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic org and payloads.")
@click.option("--token", default=None, help="API token for 'Authorization: SSWS <token>' (generated if omitted).")
@click.option("--strict", is_flag=True, help="Refuse http:// hook URIs, exactly as Okta does.")
@click.option("--tls", is_flag=True, help="Serve HTTPS with a generated self-signed certificate.")
@click.option("--quiet", is_flag=True, help="Do not print one line per request.")
@click.option("--rate-limit", "rate_limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer 429 (E0000047) after N API requests in a minute, as Okta does (default: no limit).")
def command(host: str, port: int, db: str, seed: int, token: str | None, strict: bool, tls: bool,
            quiet: bool, rate_limit: int | None) -> None:
    """Serve the emulated Okta org: /api/v1/eventHooks, /api/v1/inlineHooks, /api/v1/logs, /oauth2/default,
    the /_emulator/ control API and the dashboard at /."""
    from ..server import serve
    from ..server.oauth import DEMO_PASSWORD, demo_client

    try:
        handle = serve({"db": db, "seed": seed, "api_token": token, "strict": strict,
                        "rate_limit_per_minute": rate_limit}, host=host, port=port, tls=tls, quiet=quiet)
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc.strerror or exc}. "
                                   "Pick another --port (0 = any free port).") from None
    st = handle.state
    client_id, client_secret = demo_client(st)
    lines = [
        f"Okta hook emulator listening on {handle.url}",
        f"  Org URL:        {handle.url}",
        f"  API token:      {st.config.api_token}   (Authorization: SSWS <token>)",
        f"  Dashboard:      {handle.url}/",
        f"  OAuth issuer:   {handle.url}/oauth2/default   client_id={client_id} client_secret={client_secret}",
        f"  Demo password:  {DEMO_PASSWORD}",
        f"  Database:       {db}" + ("" if db == ":memory:" else " (WAL)"),
    ]
    if rate_limit is not None:
        lines.append(f"  Rate limit:     {rate_limit} API requests per minute (429 E0000047 beyond)")
    if tls:
        lines.append(f"  TLS cert:       {getattr(handle.server.ssl_context, 'cert_path', '?')}  (self-signed)")
    lines.append("Press Ctrl-C to stop.")
    click.echo("\n".join(lines))

    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, _on_signal)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        click.echo("Stopping: draining event deliveries...")
        handle.stop()
        click.echo("Stopped.")
