"""The app's portal pages (``hooks.page_renderer``): found first, and rendered with
templates compiled once per worker.

For a path, Frappe 15 tries its page renderers in turn; before the one that serves
``www`` templates come the web forms, whose route map (five rules for each published
web form) it builds again on every request. The app's own pages (``/assistance/…``)
are not web forms: :class:`PortalPage` claims them first and prepares them exactly
as Frappe's ``TemplatePage`` does — context, page module, website settings.

It renders them in the portal's language — the client's own, else French, whatever
the site's system language — and so does the error page Frappe renders when one of
them fails ("not found", "not permitted"): ``context.language.use_portal_language``.

Frappe 15 also makes a new Jinja environment for every request, so every page
compiles again every template it uses: Frappe's base, navbar and footer, the app's
own — about half of a portal page's time. :class:`PortalPage` renders the app's
pages with an environment of the app's own, made once per worker and per set of
installed apps (the templates they find), configured as Frappe configures its
(the same sandbox class, loader, filters and ``jinja`` hooks): compiled templates
are kept, an edited file is compiled again. The request's globals (Frappe's safe
globals, the ``jinja`` hooks' methods) are given with each rendering, so nothing of
one request is kept for the next. Frappe's own environment and pages are left as
they are; other sites of the bench, without the app, never reach this code.
"""

import hashlib
from types import CodeType

import frappe
from frappe.utils.jinja import get_jenv, get_jinja_hooks, get_jloader, set_filters
from frappe.utils.safe_exec import get_safe_globals
from frappe.website.page_renderers.template_page import TemplatePage

from dds_assistance.context.language import use_portal_language
from dds_assistance.web.endpoints import is_desk_user

APP = "dds_assistance"
# the page templates themselves (the source Frappe hands to ``from_string``), by hash
KEPT_SOURCES = 64


class PortalPage(TemplatePage):
	"""Frappe's ``TemplatePage``, for the templates of this app's ``www`` only."""

	def can_render(self):
		# TemplatePage looks in the apps from the last installed: a page of another
		# app installed after this one, at the same path, stays that app's
		return getattr(self, "app", None) == APP and super().can_render()

	def render(self):
		# a client of the portal never reads a traceback on an error page (request state,
		# read by Frappe's own error handling)
		if not is_desk_user():
			frappe.local.flags.disable_traceback = True
		use_portal_language()
		return super().render()

	def render_template(self):
		if self.context.safe_render is not False and ".__" in self.source:
			frappe.throw(frappe._("Illegal template"))
		templates = worker_templates()
		context = request_globals()
		context.update(self.context)
		return templates.page(self.source).render(context)


class WorkerTemplates:
	"""A Jinja environment of the app's, with its compiled templates."""

	def __init__(self):
		frappes = get_jenv()  # this request's: its class is Frappe's sandbox
		self.environment = type(frappes)(
			loader=get_jloader(), undefined=frappes.undefined, auto_reload=True, cache_size=400
		)
		set_filters(self.environment)
		self.environment.filters.update(get_jinja_hooks()[1] or {})
		self.sources: dict[str, CodeType] = {}

	def page(self, source: str):
		key = hashlib.sha256(source.encode()).hexdigest()
		code = self.sources.get(key)
		if code is None:
			if len(self.sources) >= KEPT_SOURCES:
				self.sources.clear()
			code = self.sources[key] = self.environment.compile(source)
		environment = self.environment
		return environment.template_class.from_code(environment, code, environment.make_globals(None), None)


_WORKER: dict[tuple, WorkerTemplates] = {}


def worker_templates() -> WorkerTemplates:
	"""This worker's environment for the apps of this site (their templates and hooks)."""
	key = (tuple(frappe.get_installed_apps()), tuple(frappe.get_hooks("template_apps") or ()))
	templates = _WORKER.get(key)
	if templates is None:
		templates = _WORKER[key] = WorkerTemplates()
	return templates


def request_globals() -> dict:
	"""What Frappe's environment holds for this request: its safe globals and the
	``jinja`` hooks' methods."""
	values = get_safe_globals()
	values.update(get_jinja_hooks()[0] or {})
	return values
