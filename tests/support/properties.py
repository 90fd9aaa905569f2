"""The Hypothesis settings the property tests share."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

PROFILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
