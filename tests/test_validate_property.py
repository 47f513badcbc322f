"""Property: every request our seeded generators build validates against our request schemas.

500 seeds x every kind x every request type; variants rotate with the seed so each one is hit by hundreds of
seeds; event hook deliveries cycle through the whole event-type catalog. Split in seed blocks for xdist."""

from __future__ import annotations

import pytest

from okta_hook_emulator.payloads.catalog import KINDS
from okta_hook_emulator.payloads.event_types import event_types
from okta_hook_emulator.payloads.generate import PayloadFactory
from okta_hook_emulator.payloads.validate import validate_request

SEEDS = 500
BLOCK = 100


def _combos(kind: str, seed: int) -> list[tuple[str | None, str | None]]:
    variants = KINDS[kind].variants or (None,)
    variant = variants[seed % len(variants)]
    out = []
    for request_type in KINDS[kind].request_types or (None,):
        if request_type == "client_credentials":  # mints an access token only
            out.append((request_type, "access_token"))
        else:
            out.append((request_type, variant))
    return out


def test_matrix_covers_every_kind_request_type_and_variant():
    seen = {(k, rt, v) for s in range(SEEDS) for k in KINDS if k != "event" for rt, v in _combos(k, s)}
    for kind in KINDS:
        if kind == "event":
            continue
        for request_type in KINDS[kind].request_types or (None,):
            assert any(k == kind and rt == request_type for k, rt, _ in seen), (kind, request_type)
        for variant in KINDS[kind].variants or (None,):
            assert any(k == kind and v == variant for k, _, v in seen), (kind, variant)
    assert SEEDS >= len(event_types())


@pytest.mark.slow
@pytest.mark.parametrize("start", range(0, SEEDS, BLOCK))
def test_generated_requests_validate(start):
    catalog = sorted(event_types())
    factory = PayloadFactory(seed=start)
    failures = []
    checked = 0
    for seed in range(start, start + BLOCK):
        factory.reseed(seed)
        for kind in KINDS:
            if kind == "event":
                combos = [(catalog[seed % len(catalog)], None)]
            else:
                combos = _combos(kind, seed)
            for request_type, variant in combos:
                body = factory.inline_request(kind, request_type=request_type, variant=variant)
                checked += 1
                problems = validate_request(kind, body)
                if problems:
                    failures.append(f"seed={seed} kind={kind} request_type={request_type} variant={variant}: "
                                    + "; ".join(map(str, problems[:3])))
    assert checked >= BLOCK * len(KINDS)
    assert not failures, f"{len(failures)} invalid generated requests, first: " + "\n".join(failures[:5])
