"""The WSGI application (gunicorn ``config.wsgi:application``).

Once the project is loaded (apps, models, every URL pattern and view), the objects made so far
are frozen out of the garbage collector (``gc.freeze``): they live as long as the process, and
every full collection would otherwise walk all of them again, about 0.2 ms per request under
load. Each worker loads this module itself, so each freezes its own objects.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  import every view now, not on the first request
gc.collect()
gc.freeze()
