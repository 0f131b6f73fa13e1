"""Browser tests of the customer portal: Playwright driving Debian's Chromium,
headless, against a served bench site.

    DDS_PORTAL_URL=http://127.0.0.1:8765 DDS_BENCH=~/frappe-bench DDS_TEST_SITE=<site> \\
        .venv/bin/python -m pytest browser_tests

The site is reached through the ``X-Frappe-Site-Name`` header, so the server may
listen on a loopback address only. The records come from
``dds_assistance.testing.portal_fixture`` (run on the site through ``bench execute``).
Each test saves a screenshot of each page under ``browser_tests/output/``.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest

OUTPUT = Path(__file__).resolve().parent / "output"
from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 (this folder is on the path)


def pytest_collection_modifyitems(config, items):
	missing = [name for name in ("DDS_PORTAL_URL", "DDS_BENCH", "DDS_TEST_SITE") if not os.environ.get(name)]
	if missing or not Path(CHROMIUM).exists():
		reason = f"browser tests need {', '.join(missing) or CHROMIUM}"
		for item in items:
			item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def data():
	bench = os.path.expanduser(os.environ["DDS_BENCH"])
	result = subprocess.run(
		["bench", "--site", os.environ["DDS_TEST_SITE"], "execute", "dds_assistance.testing.portal_fixture"],
		cwd=bench,
		capture_output=True,
		text=True,
		check=True,
	)
	return json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])


@pytest.fixture(scope="session")
def browser():
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
		yield browser
		browser.close()


class Portal:
	def __init__(self, browser, name: str):
		self.url = os.environ["DDS_PORTAL_URL"].rstrip("/")
		self.context = browser.new_context(
			viewport={"width": 390, "height": 844},  # a phone
			locale="fr-FR",
			extra_http_headers={"X-Frappe-Site-Name": os.environ["DDS_TEST_SITE"]},
		)
		self.page = self.context.new_page()
		self.name = name
		self.shots = 0

	def login(self, user: str, password: str):
		self.page.goto(f"{self.url}/login")
		self.page.fill("#login_email", user)
		self.page.fill("#login_password", password)
		self.page.click(".btn-login")
		self.page.wait_for_function("() => !window.location.pathname.startsWith('/login')", timeout=20_000)

	def goto(self, route: str):
		response = self.page.goto(self.url + route)
		self.page.wait_for_load_state("networkidle")
		return response

	def shot(self, label: str):
		OUTPUT.mkdir(exist_ok=True)
		self.shots += 1
		self.page.screenshot(path=str(OUTPUT / f"{self.name}-{self.shots:02d}-{label}.png"), full_page=True)


@pytest.fixture
def portal(browser, request):
	portal = Portal(browser, request.node.name)
	yield portal
	portal.context.close()
