"""The desk's app list in a website page's boot data, for who cannot open the desk.

Frappe 15 adds to every website page, for any visitor, the apps the user may open
from the desk (``frappe.website.utils.get_boot_data`` → ``frappe.apps.get_apps``,
twice when the list is empty): it loads and checks every Workspace of the site —
about a third of a portal page's time on the 2-core machine of the load benchmark.
A portal client (a Website User) or a guest cannot open the desk, so an app whose
home is in the desk (``/app…``) is not theirs and Frappe's own permission check of
ERPNext says so too. When every app offered on the apps screen lives in the desk,
their list is empty and the workspaces are not read; when one offers a home outside
the desk (a portal of its own), Frappe decides as it always does. Desk users get
Frappe's answer, unchanged.

Frappe 15 has no hook here: ``install`` (a ``before_request`` hook, once per
process) puts the two functions below in place of the names ``get_boot_data`` looks
up in ``frappe.website.utils``."""

import re

import frappe
import frappe.apps
import frappe.website.utils

DESK_ROUTE = re.compile(r"^/app(/.*)?$")  # as frappe.apps.is_desk_apps reads a route


def install() -> None:
	"""``before_request``: the website's boot data made with ``get_apps`` and
	``get_default_path`` below (idempotent)."""
	utils = frappe.website.utils
	if utils.get_apps is not get_apps:
		utils.get_apps = get_apps
		utils.get_default_path = get_default_path


def get_apps() -> list[dict]:
	"""``frappe.apps.get_apps`` for the website's boot data."""
	if outside_the_desk():
		return []
	return frappe.apps.get_apps()


def get_default_path(apps=None) -> str | None:
	"""``frappe.apps.get_default_path`` for the website's boot data."""
	if outside_the_desk():
		return None
	return frappe.apps.get_default_path(apps)


def outside_the_desk() -> bool:
	"""Whether the session's user cannot open the desk and no app offers them a home
	elsewhere — their list of apps is empty."""
	# Administrator is a System User; Guest, a Website User
	if frappe.get_cached_value("User", frappe.session.user, "user_type") == "System User":
		return False
	return all(
		DESK_ROUTE.match((entry or {}).get("route") or "/apps")
		for entry in frappe.get_hooks("add_to_apps_screen")
	)
