"""Every Playwright test of the project lives here, so that ``pytest -m "not browser"`` and
``pytest tests/browser`` are the suite's two halves. The ``browser``, ``page`` and ``log_in``
fixtures are in the root conftest; the apps' fixtures these tests share with the unit tests are
imported below (a conftest only sees the fixtures of the folders above it)."""

from tinhso.onestop.conftest import media, signing_data_dir, svc  # noqa: F401 - fixtures
from tinhso.org.accounts.tests.conftest import oidc, oidc_server, texts  # noqa: F401 - fixtures
from tinhso.programme.cascade.tests.conftest import cascade  # noqa: F401 - fixture
from tinhso.programme.tests.conftest import scheme  # noqa: F401 - fixture
