"""Capture records of the sample hook's traffic (``captures/``) and a changed hook to replay them against."""
