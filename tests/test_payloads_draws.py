"""The payload factory's seeded character draws: deterministic per seed, only alphabet characters, the requested
length, and every character of the alphabet reachable."""

from __future__ import annotations

import random

from okta_hook_emulator.payloads import generate as g
from okta_hook_emulator.payloads.org import ID_ALPHABET, URLSAFE_ALPHABET


def test_draws_are_deterministic_and_stay_in_their_alphabet() -> None:
    for draw, alphabet in ((g._id_chars, ID_ALPHABET), (g._urlsafe_chars, URLSAFE_ALPHABET)):
        seen: set[str] = set()
        for seed in range(200):
            a, b = random.Random(seed), random.Random(seed)
            for k in (0, 1, 17, 22, 43):
                text = draw(a, k)
                assert text == draw(b, k) and len(text) == k
                assert set(text) <= set(alphabet)
                seen.update(text)
        assert seen == set(alphabet)


def test_different_seeds_draw_different_ids() -> None:
    ids = {g._id_chars(random.Random(seed), 17) for seed in range(500)}
    assert len(ids) == 500
