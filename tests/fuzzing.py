"""Hypothesis settings shared by the fuzz tests.

CI runs a fixed, small budget with a fixed seed (derandomized), so a failure is the
same on every machine and the run stays short. For a longer hunt:

    LOA_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests -k fuzz
    LOA_FUZZ_RANDOM=1 ...          # a new random sequence each run (Hypothesis prints
                                   # the seed of a failure: pytest --hypothesis-seed=N)
"""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings


def fuzz_settings(examples: int, seconds_per_case: float) -> settings:
    """`examples` unless LOA_FUZZ_EXAMPLES says otherwise; each case must end within
    `seconds_per_case` (a generous bound: it catches hangs, not slowness)."""
    return settings(
        max_examples=int(os.environ.get("LOA_FUZZ_EXAMPLES") or examples),
        derandomize=not os.environ.get("LOA_FUZZ_RANDOM"),
        database=None,  # nothing written to .hypothesis/; the seed makes runs repeatable
        deadline=timedelta(seconds=seconds_per_case),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            # A fuzzed server is started once per test, not per example, on purpose.
            HealthCheck.function_scoped_fixture,
        ],
        print_blob=True,
    )
