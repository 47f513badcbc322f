"""The numbers behind ``okta-hooks load --profile`` (free of Locust; the load shapes are in shapes.py)."""

from __future__ import annotations

# Share of the peak number of users in each hour of an org's business day (night, a Monday-morning login peak,
# lunch, afternoon, evening). OKTA_DAY_MEAN is what a daily volume is divided by to get the peak rate.
OKTA_DAY_CURVE = (0.05, 0.05, 0.05, 0.05, 0.1, 0.2, 0.45, 0.85, 1.0, 0.9, 0.75, 0.7,
                  0.6, 0.7, 0.75, 0.7, 0.6, 0.45, 0.3, 0.2, 0.15, 0.1, 0.05, 0.05)
OKTA_DAY_MEAN = sum(OKTA_DAY_CURVE) / len(OKTA_DAY_CURVE)
OKTA_DAY_BATCH = 50  # Okta delivers event hook events in batches of up to 50
OKTA_DAY_EVENTS = 400_000  # a large org's daily event-hook volume
RAMP_SHARE = 0.6  # login-peak: the share of the run spent ramping up to the peak
