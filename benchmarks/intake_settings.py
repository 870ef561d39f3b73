"""Settings of the server that ``benchmarks/intake.py`` starts (benchmark only).

The platform's own settings (``config.settings``, read from the environment as in production)
with the benchmark's URLconf, :mod:`benchmarks.intake_urls`, which adds the baseline route.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.intake_urls"
