"""Tests of the stack as production serves it — nginx with bench's configuration and
README's lines, in front of gunicorn running Frappe's application, with the RQ workers
and the scheduler under supervisor: what ``dev/serve-production-like`` starts.

    dev/serve-production-like start --site <site> --port 8180
    DDS_PORTAL_URL=http://127.0.0.1:8180 DDS_BENCH=~/frappe-bench DDS_TEST_SITE=<site> \\
        .venv/bin/python -m pytest served_tests

They act on the machine as its administrator would (root): the database made
unreachable (``DDS_DB_OUTAGE``: ``server`` stops MariaDB with ``service mariadb stop``;
``site`` points the site's database address at a port where nothing listens, for when
other benches use the same MariaDB; ``auto``, the default: ``server`` unless MariaDB
serves other benches' sites at that moment), the bench's web workers restarted
(supervisorctl), a second site made on the bench if it has none (``DDS_SECOND_SITE``,
default ``stock.localhost``, served on port ``DDS_SECOND_SITE_PORT``, default the
portal's + 1; MariaDB's root password from ``DDS_DB_ROOT_PASSWORD`` or the file
dev/setup keeps). The records come from ``dds_assistance.samples.testing`` (``bench execute``).
"""

import os

import pytest

from served_tests.stack import execute

ENVIRONMENT = ("DDS_PORTAL_URL", "DDS_BENCH", "DDS_TEST_SITE")


def pytest_collection_modifyitems(config, items):
	missing = [name for name in ENVIRONMENT if not os.environ.get(name)]
	if missing:
		for item in items:
			item.add_marker(pytest.mark.skip(reason=f"served tests need {', '.join(missing)}"))


@pytest.fixture(scope="session")
def url() -> str:
	return os.environ["DDS_PORTAL_URL"].rstrip("/")


@pytest.fixture(scope="session")
def site() -> str:
	return os.environ["DDS_TEST_SITE"]


@pytest.fixture(scope="session")
def data(site):
	"""Two portal clients and their records (``testing.portal_fixture``)."""
	return execute(site, "dds_assistance.samples.testing.portal_fixture")


@pytest.fixture(scope="session")
def desk(site):
	"""The desk's staff, with their password (``testing.desk_fixture``)."""
	return execute(site, "dds_assistance.samples.testing.desk_fixture")
