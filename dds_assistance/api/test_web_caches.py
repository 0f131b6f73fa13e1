# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""What a web worker keeps between requests (issue "Run it the way production runs
it": the load): the compiled Jinja templates (``template_cache.py``) — compiled once,
again when their source changes, templates made from a string included — the
website's route map (``route_cache.py``) — every path resolved exactly as Frappe's
own resolver resolves it, the map built once for the same rules — and the app's
pages rendered without trying the web forms' routes (``page_renderer.py``), with
Frappe's standard navbar and footer included, not parsed again as web blocks
(``www/assistance/_base.html``)."""

import re
from unittest import mock

import frappe
from bs4 import BeautifulSoup
from frappe.utils.jinja import get_jenv
from frappe.utils.jinja_globals import web_block
from frappe.website import path_resolver
from frappe.website.doctype.web_page import web_page
from frappe.website.page_renderers.template_page import TemplatePage
from frappe.website.page_renderers.web_form import WebFormPage
from frappe.website.path_resolver import PathResolver, get_website_rules
from jinja2 import DictLoader, Environment
from werkzeug.routing.exceptions import RequestRedirect
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from dds_assistance import page_renderer, route_cache, template_cache, testing


def markup(element) -> str:
	"""An element's HTML, without the blank space between its tags."""
	return re.sub(r">\s+<", "><", str(element))


def sample_path(route: str) -> str:
	"""A concrete path for a rule such as ``/orders/<path:name>``."""
	parts = []
	for part in route.strip("/").split("/"):
		parts.append("SAMPLE-1" if part.startswith("<") else part)
	return "/".join(parts)


class TestCompiledTemplates(testing.AssistanceTestCase):
	def new_request_environment(self):
		"""What a request begins with: a Jinja environment of its own, then the hook."""
		frappe.local.jenv = None
		self.assertIn(
			"dds_assistance.template_cache.share_compiled_templates", frappe.get_hooks("before_request")
		)
		template_cache.share_compiled_templates()
		return get_jenv()

	def tearDown(self):
		frappe.local.jenv = None
		super().tearDown()

	def test_a_template_is_compiled_once_for_all_the_requests_of_the_worker(self):
		template_cache.SHARED.clear()
		first = self.new_request_environment()
		with mock.patch.object(first, "compile", wraps=first.compile) as compiled:
			first.get_template("templates/web.html")
		self.assertTrue(compiled.called)
		kept = dict(template_cache.SHARED.entries)
		self.assertTrue(kept)

		second = self.new_request_environment()
		self.assertIsNot(second, first)
		with mock.patch.object(second, "compile", wraps=second.compile) as compiled:
			second.get_template("templates/web.html")
		self.assertFalse(compiled.called)
		self.assertEqual(template_cache.SHARED.entries, kept)

	def test_a_template_made_from_a_string_is_compiled_once_and_takes_its_requests_globals(self):
		template_cache.FROM_STRING.clear()
		source = "<p>{{ _('Subject') }} {{ city }} {{ marker }}</p>"
		first = self.new_request_environment()
		first.globals["marker"] = "first"
		with mock.patch.object(first, "compile", wraps=first.compile) as compiled:
			self.assertEqual(
				frappe.render_template(source, {"city": "Rouen"}), f"<p>{frappe._('Subject')} Rouen first</p>"
			)
		self.assertEqual(compiled.call_count, 1)

		second = self.new_request_environment()
		second.globals["marker"] = "second"
		with mock.patch.object(second, "compile", wraps=second.compile) as compiled:
			self.assertEqual(
				frappe.render_template(source, {"city": "Caen"}), f"<p>{frappe._('Subject')} Caen second</p>"
			)
			# another source, another compilation
			self.assertEqual(frappe.render_template("{{ city }}!", {"city": "Caen"}), "Caen!")
		self.assertEqual(compiled.call_count, 1)
		self.assertEqual(len(template_cache.FROM_STRING), 2)

	def test_an_edited_template_is_compiled_again(self):
		sources = {"page.html": "Bonjour {{ name }}"}
		cache = template_cache.ProcessBytecodeCache()

		def render():
			environment = Environment(loader=DictLoader(sources), bytecode_cache=cache)
			return environment.get_template("page.html").render(name="Rouen")

		self.assertEqual(render(), "Bonjour Rouen")
		self.assertEqual(render(), "Bonjour Rouen")
		self.assertEqual(len(cache.entries), 1)
		sources["page.html"] = "Au revoir {{ name }}"
		self.assertEqual(render(), "Au revoir Rouen")


class TestWebRoutes(testing.AssistanceTestCase):
	def request(self, path: str):
		frappe.local.request = Request(EnvironBuilder(path="/" + path, method="GET").get_environ())
		frappe.local.form_dict = frappe._dict()
		frappe.local.no_cache = 0
		frappe.flags.redirect_location = None

	def resolve_both(self, path: str):
		"""(endpoint, form) by Frappe's resolver, then by the app's."""
		answers = []
		for resolve in (path_resolver.resolve_path, route_cache.resolve_path):
			self.request(path)
			try:
				answers.append((resolve(path), dict(frappe.local.form_dict), frappe.local.no_cache))
			except RequestRedirect as redirect:  # Frappe's: its PathResolver turns it into a redirect
				answers.append(("redirect", redirect.code, redirect.new_url))
			except frappe.Redirect as redirect:  # the app's: Frappe's page server redirects
				answers.append(("redirect", redirect.http_status_code, frappe.flags.redirect_location))
		return answers

	def tearDown(self):
		frappe.local.request = None
		super().tearDown()

	def test_the_site_resolves_its_paths_through_the_kept_map(self):
		self.assertEqual(
			frappe.get_hooks("website_path_resolver"), ["dds_assistance.route_cache.resolve_path"]
		)
		self.request("assistance")
		self.assertEqual(PathResolver("assistance").resolve()[0], "assistance")

	def test_every_route_resolves_as_frappe_resolves_it(self):
		rules = get_website_rules()
		self.assertGreater(len(rules), 5)
		paths = [sample_path(rule["from_route"]) for rule in rules]
		paths += ["", "index", "index.html", "assistance", "assistance/ticket", "assistance/new.html"]
		paths += ["no/such/page", "login", "me"]
		for path in paths:
			with self.subTest(path=path):
				frappes, apps = self.resolve_both(path)
				self.assertEqual(apps, frappes)

	def test_the_map_is_built_once_for_the_same_rules_and_again_when_they_change(self):
		rules = get_website_rules()
		first = route_cache.route_map(rules)
		self.assertIs(route_cache.route_map(get_website_rules()), first)
		changed = [*rules, {"from_route": "/dds-sample/<name>", "to_route": "dds-sample"}]
		other = route_cache.route_map(changed)
		self.assertIsNot(other, first)
		self.request("dds-sample/X-1")
		self.assertEqual(
			other.bind_to_environ(frappe.local.request.environ).match("/dds-sample/X-1")[0], "dds-sample"
		)

	def test_the_defaults_of_a_rule_are_the_requests_own_copy(self):
		rules = [
			{
				"from_route": "/dds-orders/<path:name>",
				"to_route": "order",
				"defaults": {"parents": [{"route": "orders"}]},
			}
		]
		frappe.cache.set_value("website_route_rules", rules)
		try:
			self.request("dds-orders/SO-1")
			self.assertEqual(route_cache.resolve_path("dds-orders/SO-1"), "order")
			self.assertEqual(frappe.local.form_dict.name, "SO-1")
			frappe.local.form_dict.parents.append({"route": "changed"})
			kept = next(route_cache.route_map(rules).iter_rules())
			self.assertEqual(kept.defaults["parents"], [{"route": "orders"}])
		finally:
			frappe.cache.delete_value("website_route_rules")


class TestPortalPages(testing.AssistanceTestCase):
	def setUp(self):
		super().setUp()
		frappe.local.request = Request(EnvironBuilder(path="/", method="GET").get_environ())
		frappe.local.form_dict = frappe._dict()

	def tearDown(self):
		frappe.local.request = None
		super().tearDown()

	def test_the_apps_pages_are_rendered_as_frappe_would_without_trying_the_web_forms(self):
		self.assertEqual(frappe.get_hooks("page_renderer"), ["dds_assistance.page_renderer.PortalPage"])
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
