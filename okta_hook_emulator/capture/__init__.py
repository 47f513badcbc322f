"""Record real Okta hook traffic and replay it offline: ``proxy`` (a recording reverse proxy that knows nothing
about Okta), ``records`` (the redacted one-file-per-exchange record format) and ``replay`` (re-send captured
requests through the core and compare the verdicts)."""
