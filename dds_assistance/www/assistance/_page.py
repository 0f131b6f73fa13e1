"""What every portal page does first: a guest goes to the login page; the data
comes from ``dds_assistance.web.portal_reads``, which derives the client from the session user;
what is not the client's is Frappe's "not found" page (404)."""

import frappe
from frappe import _

from dds_assistance.core.limits import MAXIMA
from dds_assistance.web import portal_reads


def prepare(context, title: str, nav: str, loader, *args):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=" + frappe.utils.quote(
			frappe.request.path if frappe.request else "/assistance"
		)
		raise frappe.Redirect
	context.no_cache = 1
	context.show_sidebar = False
	context.title = _(title)
	context.nav = nav
	context.support = frappe.get_cached_doc("Assistance Settings")
	context.interruptions = portal_reads.interruptions_to_show()
	context.limits = MAXIMA
	try:
		context.update(loader(*args))
	except portal_reads.NotYours as error:  # Frappe's own "not found" page, not an error page
		raise frappe.PageDoesNotExistError(str(error)) from error
	context.client_choices = portal_reads.client_choices()  # a user of several Customers chooses
	return context
