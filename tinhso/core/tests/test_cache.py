"""The production cache: with REDIS_URL the settings choose Django's Redis cache and cached
sessions; the client library is installed and talks to a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings


def _redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_redis_url_selects_the_redis_cache_and_cached_sessions() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND']); print(s.SESSION_ENGINE)"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["django.core.cache.backends.redis.RedisCache", "django.contrib.sessions.backends.cached_db"]


@pytest.mark.skipif(not _redis_listening(), reason="no Redis server on 127.0.0.1:6379")
def test_the_redis_cache_stores_and_counts() -> None:
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"tinhso-test-{os.getpid()}"})
    cache.set("lookup", 1, 30)
    assert cache.incr("lookup") == 2  # atomic on the server: the rate limit's counter
    assert cache.get("lookup") == 2
    cache.delete("lookup")
    assert cache.get("lookup") is None
