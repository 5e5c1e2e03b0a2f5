"""Shared test settings: a hypothesis profile that keeps the suite fast on 2 cores."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "chainrule",
    max_examples=int(os.environ.get("CHAINRULE_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("chainrule")
