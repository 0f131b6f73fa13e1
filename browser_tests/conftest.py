"""Browser tests of the customer portal: Playwright driving Debian's Chromium,
headless, against the site ``dev/serve-production-like`` serves (nginx on its port).

    dev/serve-production-like start --site <site> --port 8180
    DDS_PORTAL_URL=http://127.0.0.1:8180 DDS_BENCH=~/frappe-bench DDS_TEST_SITE=<site> \\
        .venv/bin/python -m pytest browser_tests

Each request also names the site (``X-Frappe-Site-Name``, which nginx sets for the
site of its port anyway). The records come from
``dds_assistance.samples.testing.portal_fixture`` (run on the site through ``bench execute``).
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


def site_records(fixture: str) -> dict:
	"""What ``dds_assistance.samples.testing.<fixture>`` made on the test site (``bench execute``)."""
	bench = os.path.expanduser(os.environ["DDS_BENCH"])
	result = subprocess.run(
		[
			"bench",
			"--site",
			os.environ["DDS_TEST_SITE"],
			"execute",
			f"dds_assistance.samples.testing.{fixture}",
		],
		cwd=bench,
		capture_output=True,
		text=True,
		check=True,
	)
	return json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])


@pytest.fixture(scope="session")
def data():
	return site_records("portal_fixture")


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


@pytest.fixture(scope="session")
def desk_data():
	return site_records("desk_fixture")


@pytest.fixture(scope="session")
def language_data():
	return site_records("portal_language_fixture")


# What the console may say that is not an error of the pages: a refusal the test
# provokes (a 4xx answer), and the realtime server, which the served stack does not
# reach (dev/serve-production-like: socket.io listens on no port, nginx answers its
# path with the "try again" page).
BENIGN_CONSOLE = (
	"Failed to load resource: the server responded with a status of 4",
	"socket.io",
	"WebSocket connection",
	"ERR_CONNECTION_REFUSED",
)
REALTIME_PATH = "/socket.io/"


def benign(message) -> bool:
	return any(text in message.text for text in BENIGN_CONSOLE) or REALTIME_PATH in (
		message.location or {}
	).get("url", "")


class Desk(Portal):
	"""Frappe's desk at a desk's width, for a French back-office user."""

	def __init__(self, browser, name: str):
		self.url = os.environ["DDS_PORTAL_URL"].rstrip("/")
		self.context = browser.new_context(
			viewport={"width": 1440, "height": 900},
			locale="fr-FR",
			accept_downloads=True,
			extra_http_headers={"X-Frappe-Site-Name": os.environ["DDS_TEST_SITE"]},
		)
		self.page = self.context.new_page()
		self.page.set_default_timeout(30_000)
		self.name = name
		self.shots = 0
		self.errors = []
		self.page.on(
			"pageerror",
			lambda error: self.errors.append(f"page error: {error} {getattr(error, 'stack', '')}"),
		)
		self.page.on(
			"console",
			lambda message: (
				message.type == "error"
				and not benign(message)
				and self.errors.append(f"console: {message.text} ({(message.location or {}).get('url')})")
			),
		)

	def login(self, user: str, password: str):
		super().login(user, password)
		self.page.wait_for_function(
			"() => window.frappe && frappe.boot && frappe.boot.user && window.cur_page"
		)
		assert self.page.evaluate("() => frappe.boot.lang") == "fr"
		# the landing workspace finishes loading before the test goes elsewhere (Frappe's
		# workspace page fails if the route changes while it still loads its pages)
		self.page.wait_for_selector(".desk-page .ce-block, .layout-main-section", timeout=30_000)
		self.settle()

	def goto(self, route: str):
		self.page.goto(self.url + route)
		self.page.wait_for_function("() => window.frappe && frappe.boot && window.cur_page")
		self.settle()

	def settle(self):
		self.page.wait_for_load_state("networkidle")
		self.page.wait_for_function(
			"() => !frappe.dom.freeze_count && !(frappe.request && frappe.request.ajax_count)"
		)

	def open_form(self, doctype: str, name: str):
		self.page.evaluate("([d, n]) => frappe.set_route('Form', d, n)", [doctype, name])
		self.page.wait_for_function(
			"([d, n]) => window.cur_frm && cur_frm.doctype === d && cur_frm.doc.name === n && cur_frm.fields_dict",
			arg=[doctype, name],
		)
		self.settle()
		self.page.wait_for_timeout(500)

	def doc(self, field: str):
		return self.page.evaluate("(f) => cur_frm.doc[f]", field)

	def wait_doc(self, field: str, value):
		self.page.wait_for_function("([f, v]) => cur_frm && cur_frm.doc[f] === v", arg=[field, value])
		self.settle()

	def reload(self):
		self.page.evaluate("() => cur_frm.reload_doc()")
		self.settle()

	def assert_clean(self):
		"""The form as opened, untouched: not marked as changed ("Not Saved")."""
		self.page.wait_for_timeout(1000)
		assert not self.page.evaluate("() => cur_frm.doc.__unsaved"), "the form marks itself unsaved on load"
		indicator = self.page.locator(".page-head .indicator-pill:visible").first.inner_text()
		assert indicator.strip() != "Non enregistré", indicator

	def dashboard_text(self) -> str:
		return self.page.evaluate(
			"() => [...cur_frm.$wrapper[0].querySelectorAll('.form-message, .form-dashboard')].map((e) => e.innerText).join('\\n')"
		)

	def click_button(self, label: str):
		self.page.locator(".page-actions button:visible", has_text=label).first.click()
		self.settle()

	def click_menu_item(self, group: str | None, label: str):
		if group:
			self.page.locator(
				".page-actions .inner-group-button button:visible", has_text=group
			).first.click()
		else:
			self.page.locator(".page-actions .menu-btn-group > button:visible").first.click()
		self.page.locator(".dropdown-menu.show .dropdown-item:visible", has_text=label).first.click()
		self.settle()

	def fill_dialog(self, values: dict, primary: str | None = None):
		"""Fill the open dialog through its fields, then press its primary button."""
		self.page.wait_for_selector(".modal.show .modal-dialog")
		self.page.wait_for_function("() => window.cur_dialog && cur_dialog.display")
		self.page.wait_for_timeout(300)  # the dialog's fade-in
		self.page.evaluate("(values) => cur_dialog.set_values(values)", values)
		self.page.wait_for_timeout(300)
		button = self.page.locator(".modal.show .btn-primary:visible")
		if primary:
			button = button.filter(has_text=primary)
		button.first.click()
		self.settle()

	def confirm(self, settle: bool = True):
		"""Answer "Oui" to the open confirmation, once it is shown."""
		self.page.wait_for_function("() => window.cur_dialog && cur_dialog.display")
		self.page.wait_for_timeout(500)  # the dialog's fade-in
		self.page.locator(".modal.show .btn-primary:visible", has_text="Oui").first.click()
		if settle:
			self.settle()

	def close_dialog(self):
		"""Close the open dialog as a person would: Escape once it has finished
		appearing (Bootstrap ignores the key while the dialog fades in), else its
		close button."""
		from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

		self.page.wait_for_timeout(500)  # the dialog's fade-in
		self.page.keyboard.press("Escape")
		try:
			self.page.wait_for_selector(".modal.show", state="detached", timeout=2_000)
		except PlaywrightTimeoutError:
			self.page.locator(".modal.show .btn-modal-close:visible").first.click()
			self.page.wait_for_selector(".modal.show", state="detached", timeout=5_000)

	def set_values(self, values: dict):
		self.page.evaluate("(values) => cur_frm.set_value(values)", values)
		self.settle()

	def save(self):
		self.page.keyboard.press("Control+s")
		self.settle()

	def assert_no_errors(self):
		assert not self.errors, "\n".join(error[-1500:] for error in self.errors)
