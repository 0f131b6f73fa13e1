"""The website's dynamic routes matched with a rule map kept for the life of a worker
(``hooks.website_path_resolver``).

Frappe 15 builds a werkzeug ``Map`` of every route rule of the site (the apps'
``website_route_rules`` and the doctypes with a web view) again on each page request —
30 to 60 ms of CPU on the 2-core machine of the load benchmark, a fifth of a portal
page. The rules change only with the apps and the doctypes: they are the key of the
map kept here, so a change of rules builds a new one. Everything else is Frappe's
``path_resolver.resolve_path``, step for step."""

import copy
import json

import frappe
from frappe.website.path_resolver import get_website_rules
from frappe.website.utils import get_home_page
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule
from werkzeug.routing.exceptions import RequestRedirect


def resolve_path(path: str) -> str:
	"""The endpoint of ``path``, as Frappe's ``resolve_path`` finds it."""
	if not path:
		path = "index"
	if path.endswith(".html"):
		path = path[:-5]
	if path == "index":
		path = get_home_page()
	frappe.local.path = path
	if path != "index":
		path = resolve_from_map(path) or path
	return path


def resolve_from_map(path: str) -> str | None:
	"""The endpoint of a dynamic route matching ``path`` (its arguments put in the
	request's form), or None; a route that wants another URL (a missing trailing
	slash) redirects there, as Frappe's resolver does."""
	request = getattr(frappe.local, "request", None)
	if not (request and request.environ):
		return None
	urls = route_map(get_website_rules()).bind_to_environ(request.environ)
	try:
		endpoint, arguments = urls.match("/" + path)
	except NotFound:
		return None
	except RequestRedirect as redirect:
		frappe.flags.redirect_location = redirect.new_url
		raise frappe.Redirect(redirect.code) from redirect
	if arguments:
		# don't cache when there's a query string (Frappe's own rule)
		frappe.local.no_cache = 1
		# a copy: the rule's defaults (lists, dicts) belong to the kept map
		frappe.local.form_dict.update(copy.deepcopy(arguments))
	return endpoint


_MAPS: dict[str, Map] = {}
KEPT = 8


def route_map(rules: list[dict]) -> Map:
	"""The map of ``rules``, built once per worker for the same rules."""
	key = json.dumps(rules, sort_keys=True, default=str)
	found = _MAPS.get(key)
	if found is None:
		if len(_MAPS) >= KEPT:
			_MAPS.clear()
		found = _MAPS[key] = Map(
			[
				Rule(rule["from_route"], endpoint=rule["to_route"], defaults=rule.get("defaults"))
				for rule in rules
			]
		)
	return found
