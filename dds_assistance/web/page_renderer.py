"""The app's portal pages found first (``hooks.page_renderer``).

For a path, Frappe 15 tries its page renderers in turn; before the one that serves
``www`` templates come the web forms, whose route map (five rules for each published
web form) it builds again on every request — a seventh of a portal page's time on
the 2-core machine of the load benchmark. The app's own pages (``/assistance/…``)
are not web forms: this renderer claims them first and renders them exactly as
Frappe's ``TemplatePage`` does. Any other path goes on to Frappe's renderers.

It renders them in the portal's language — the client's own, else French, whatever
the site's system language — and so does the error page Frappe renders when one of
them fails ("not found", "not permitted"): ``context.language.use_portal_language``."""

from frappe.website.page_renderers.template_page import TemplatePage

from dds_assistance.context.language import use_portal_language

APP = "dds_assistance"


class PortalPage(TemplatePage):
	"""Frappe's ``TemplatePage``, for the templates of this app's ``www`` only."""

	def can_render(self):
		# TemplatePage looks in the apps from the last installed: a page of another
		# app installed after this one, at the same path, stays that app's
		return getattr(self, "app", None) == APP and super().can_render()

	def render(self):
		use_portal_language()
		return super().render()
