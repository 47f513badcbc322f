"""Okta-shaped load over time (Locust load shapes), read by ``okta-hooks load --profile``. Both take the run's
``--users`` (the peak) and ``--run-time`` and stop the run when its time is up."""

from __future__ import annotations

from locust import LoadTestShape

from .profiles import OKTA_DAY_CURVE, RAMP_SHARE


class _ProfileShape(LoadTestShape):
    abstract = True
    use_common_options = True  # reads --users and --run-time

    def _peak_and_length(self) -> tuple[int, float]:
        options = self.runner.environment.parsed_options if self.runner is not None else None
        users = int(getattr(options, "num_users", None) or 1)
        length = float(getattr(options, "run_time", None) or getattr(options, "okta_run_time", None) or 60)
        return max(1, users), max(1.0, length)


class LoginPeakShape(_ProfileShape):
    """Token hook calls ramping up to a peak: users grow linearly from 1 to ``--users`` over the first 60% of the
    run, then hold the peak."""

    abstract = False

    def tick(self) -> tuple[int, float] | None:
        peak, length = self._peak_and_length()
        now = self.get_run_time()
        if now >= length:
            return None
        users = 1 + round((peak - 1) * min(1.0, now / (length * RAMP_SHARE)))
        return users, max(1.0, peak / (length * RAMP_SHARE))


class OktaDayShape(_ProfileShape):
    """One org's business day compressed into the run: users follow ``OKTA_DAY_CURVE`` hour by hour, up to
    ``--users`` at the morning peak."""

    abstract = False

    def tick(self) -> tuple[int, float] | None:
        peak, length = self._peak_and_length()
        now = self.get_run_time()
        if now >= length:
            return None
        hour = min(len(OKTA_DAY_CURVE) - 1, int(now / length * len(OKTA_DAY_CURVE)))
        return max(1, round(peak * OKTA_DAY_CURVE[hour])), float(peak)
