"""The payload factory's fast seeded draws give exactly what ``random.choices`` gives (same characters, same
stream position afterwards), boundary draws included, so payloads stay byte-identical for a seed."""

from __future__ import annotations

import random

from okta_hook_emulator.payloads import generate as g
from okta_hook_emulator.payloads.org import ID_ALPHABET, URLSAFE_ALPHABET


def _boundary(bits: int, j: int) -> bool:
    return (((bits >> (64 * j + 16)) & 0xFFFF) * 62 & 0xFFFF) + 62 >= 0x10000


def test_fast_paths_are_enabled_on_this_interpreter() -> None:
    assert g._FAST_ID and g._FAST_URLSAFE


def test_id_draws_equal_random_choices_across_seeds_and_lengths() -> None:
    boundary_draws = 0
    for seed in range(1500):
        fast, plain = random.Random(seed), random.Random(seed)
        for k in (1, 2, 10, 17, 20, 22, 24, 43, 64, 65):
            probe = random.Random()
            probe.setstate(fast.getstate())
            bits = probe.getrandbits(64 * k)
            boundary_draws += sum(_boundary(bits, j) for j in range(k))
            assert g._id_choices(fast, k) == "".join(plain.choices(ID_ALPHABET, k=k)), (seed, k)
        assert fast.getstate() == plain.getstate()
    assert boundary_draws > 100  # the exact recomputation path was exercised


def test_urlsafe_draws_equal_random_choices_across_seeds_and_lengths() -> None:
    for seed in range(1500):
        fast, plain = random.Random(seed), random.Random(seed)
        for k in (0, 1, 10, 16, 43, 100):
            assert g._urlsafe_choices(fast, k) == "".join(plain.choices(URLSAFE_ALPHABET, k=k)), (seed, k)
        assert fast.getstate() == plain.getstate()


def test_a_random_subclass_takes_the_plain_path() -> None:
    class Counting(random.Random):
        calls = 0

        def random(self) -> float:
            Counting.calls += 1
            return super().random()

    r = Counting(5)
    assert g._id_choices(r, 12) == "".join(random.Random(5).choices(ID_ALPHABET, k=12))
    assert Counting.calls == 12
