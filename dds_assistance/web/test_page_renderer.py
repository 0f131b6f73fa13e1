# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The app's portal pages are rendered by its own page renderer (``page_renderer.py``,
the ``page_renderer`` hook) without trying the web forms' routes, exactly as
Frappe's ``TemplatePage`` renders them, with Frappe's standard navbar and footer
included, not parsed again as web blocks (``www/assistance/_base.html``)."""

import re
from unittest import mock

import frappe
from bs4 import BeautifulSoup
from frappe.utils.jinja_globals import web_block
from frappe.website.doctype.web_page import web_page
from frappe.website.page_renderers.template_page import TemplatePage
from frappe.website.page_renderers.web_form import WebFormPage
from frappe.website.path_resolver import PathResolver
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from dds_assistance.samples import testing
from dds_assistance.web import page_renderer


def markup(element) -> str:
	"""An element's HTML, without the blank space between its tags."""
	return re.sub(r">\s+<", "><", str(element))


class TestPortalPages(testing.AssistanceTestCase):
	def setUp(self):
		super().setUp()
		frappe.local.request = Request(EnvironBuilder(path="/", method="GET").get_environ())
		frappe.local.form_dict = frappe._dict()

	def tearDown(self):
		frappe.local.request = None
		super().tearDown()

	def test_the_apps_pages_are_rendered_as_frappe_would_without_trying_the_web_forms(self):
		self.assertEqual(frappe.get_hooks("page_renderer"), ["dds_assistance.web.page_renderer.PortalPage"])
		pages = ["assistance", "assistance/new", "assistance/ticket", "assistance/complaints"]
		pages += ["assistance/session", "assistance/subscription", "assistance/terms"]
		for path in pages:
			with self.subTest(path=path), mock.patch.object(WebFormPage, "can_render") as web_form:
				endpoint, renderer = PathResolver(path).resolve()
				self.assertIsInstance(renderer, page_renderer.PortalPage)
				web_form.assert_not_called()
				frappes = TemplatePage(endpoint)
				self.assertTrue(frappes.can_render())
				self.assertEqual(renderer.template_path, frappes.template_path)
				self.assertEqual(renderer.basepath, frappes.basepath)

	def test_other_paths_go_to_frappes_renderers(self):
		self.assertIn(
			"address", [form.route for form in frappe.get_all("Web Form", ["route"], {"published": 1})]
		)
		for path, expected in (("address", WebFormPage), ("login", TemplatePage), ("me", TemplatePage)):
			with self.subTest(path=path):
				_endpoint, renderer = PathResolver(path).resolve()
				self.assertIs(type(renderer), expected)
		self.assertFalse(page_renderer.PortalPage("login").can_render())
		self.assertFalse(page_renderer.PortalPage("no/such/page").can_render())

	def render_list_page(self):
		"""(page, its context): the portal's list page as its client sees it."""
		frappe.set_user(testing.portal_fixture()["user_a"])
		try:
			_endpoint, renderer = PathResolver("assistance").resolve()
			with mock.patch.object(
				web_page, "get_web_blocks_html", wraps=web_page.get_web_blocks_html
			) as blocks:
				html = renderer.render().get_data(as_text=True)
			return html, renderer.context, blocks.called
		finally:
			frappe.set_user("Administrator")

	def test_the_standard_navbar_and_footer_are_frappes_without_parsing_web_blocks(self):
		html, context, parsed = self.render_list_page()
		self.assertFalse(parsed)
		page = BeautifulSoup(html, "html.parser")
		for template, tag in (("Standard Navbar", "nav"), ("Standard Footer", "footer")):
			with self.subTest(template=template):
				frappes = BeautifulSoup(
					web_block(
						template, values=context, add_container=0, add_top_padding=0, add_bottom_padding=0
					),
					"html.parser",
				)
				# the same markup; a script of the block (ERPNext's newsletter form in the
				# footer) stays where it is written, where Frappe moves it after the block
				scripts = [script.extract().string for script in page.find(tag).find_all("script")]
				self.assertEqual(scripts, [script.string for script in frappes.find_all("script")])
				self.assertIsNotNone(frappes.find(tag))
				self.assertEqual(markup(page.find(tag)), markup(frappes.find(tag)))

	def test_a_navbar_chosen_in_the_website_settings_is_kept(self):
		frappe.db.set_single_value("Website Settings", "navbar_template", "Primary Navbar")
		frappe.clear_document_cache("Website Settings", "Website Settings")
		try:
			html, _context, parsed = self.render_list_page()
		finally:
			frappe.db.set_single_value("Website Settings", "navbar_template", None)
			frappe.clear_document_cache("Website Settings", "Website Settings")
		self.assertTrue(parsed)
		self.assertIn('<nav class="navbar navbar-primary', html)


class TestWorkerTemplates(testing.AssistanceTestCase):
	"""The app's pages are rendered from templates compiled once per worker, with each
	request's own globals; Frappe's environment is left as Frappe made it."""

	def setUp(self):
		super().setUp()
		self.data = testing.portal_fixture()
		page_renderer._WORKER.clear()

	def tearDown(self):
		frappe.local.request = None
		frappe.set_user("Administrator")
		super().tearDown()

	def render(self, user: str, path: str = "assistance") -> str:
		frappe.local.request = Request(EnvironBuilder(path="/" + path, method="GET").get_environ())
		frappe.local.form_dict = frappe._dict()
		frappe.local.jenv = None  # a new request: Frappe makes a new environment
		frappe.set_user(user)
		_endpoint, renderer = PathResolver(path).resolve()
		self.assertIsInstance(renderer, page_renderer.PortalPage)
		return renderer.render().get_data(as_text=True)

	def test_a_page_compiles_its_templates_once_per_worker(self):
		from jinja2 import Environment

		self.render(self.data["user_a"])
		with mock.patch.object(
			Environment, "compile", autospec=True, side_effect=Environment.compile
		) as compile:
			for _ in range(3):
				self.render(self.data["user_a"])
		self.assertEqual(compile.call_count, 0)
		# Frappe's own environment of the request is Frappe's: nothing of the app's in it
		frappes = frappe.get_jenv()
		self.assertIsNone(frappes.bytecode_cache)
		self.assertNotIn(frappes, [t.environment for t in page_renderer._WORKER.values()])

	def test_each_request_renders_with_its_own_globals(self):
		subject = f"Demande du client A {frappe.generate_hash(length=8)}"
		frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"customer": self.data["client_a"],
				"subject": subject,
				"channel": "Phone",
				"description": testing.DESCRIPTION,
			}
		).insert(ignore_permissions=True)
		a = self.render(self.data["user_a"])
		b = self.render(self.data["user_b"])
		again = self.render(self.data["user_a"])
		self.assertIn(subject, a)  # client A's newest request, on A's page only
		self.assertNotIn(subject, b)
		self.assertIn(subject, again)

	def test_a_changed_page_is_compiled_again(self):
		templates = page_renderer.worker_templates()
		first = templates.page("<p>{{ 1 + 1 }}</p>").render({})
		second = templates.page("<p>{{ 2 + 2 }}</p>").render({})
		self.assertEqual((first, second), ("<p>2</p>", "<p>4</p>"))

	def test_the_sandbox_is_frappes(self):
		templates = page_renderer.worker_templates()
		self.assertIs(type(templates.environment).__mro__[1], type(frappe.get_jenv()).__mro__[1])
		with self.assertRaises(Exception):
			templates.page("{{ ''.__class__.__mro__ }}").render({})
