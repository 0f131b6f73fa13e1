"""Hooks on every HTTP response (``hooks.after_request``): stored files never
served as something a browser runs; no Python traceback to a client of the
portal; a clear "try again" answer while the database is unreachable."""

import html
import json
import os
import re
import sys

import frappe
from frappe import _

from dds_assistance.context.language import portal_language
from dds_assistance.web.endpoints import is_desk_user

ACTIVE_TYPES = frozenset(
	{
		"text/html",
		"application/xhtml+xml",
		"image/svg+xml",
		"text/xml",
		"application/xml",
		"text/javascript",
		"application/javascript",
		"application/x-shockwave-flash",
	}
)
FILE_PATHS = ("/private/files/", "/files/")


def harden_file_download(response=None, request=None):
	"""No stored file is ever served as something a browser runs: a web page,
	SVG, XML or script goes out as a download of opaque bytes, and the browser
	may not guess another type (issue "Close what a client can write", finding 1)."""
	if response is None or request is None or not request.path.startswith(FILE_PATHS):
		return
	response.headers["X-Content-Type-Options"] = "nosniff"
	if (response.mimetype or "").lower() in ACTIVE_TYPES:
		response.mimetype = "application/octet-stream"
		name = os.path.basename(request.path).encode("ascii", "ignore").decode().replace('"', "") or "file"
		response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
		response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"


# what Frappe may add to an error answer that shows the code (a traceback, its source)
TRACE_KEYS = ("exc", "exception", "_exc_source", "_debug_messages")
TRACEBACK_BLOCK = re.compile(r"<pre>\s*(?:<code>)?\s*Traceback \(most recent call last\).*?</pre>", re.S)
RETRY_AFTER_SECONDS = 30


def hide_tracebacks(response=None, request=None):
	"""An error answer carries no traceback: to anyone but a desk user, never (even
	when it failed before ``endpoints.check_call`` could tell Frappe so); to a desk
	user, not with a refusal (4xx) — the message says it all, and the desk would print
	the traceback of an expected refusal as an error in the browser's console. A
	server error (5xx) keeps it for the desk, where it helps to report the fault."""
	if response is None or response.status_code < 400:
		return
	if response.status_code >= 500 and _is_desk_user():
		return
	if response.mimetype == "application/json":
		try:
			data = json.loads(response.get_data(as_text=True))
		except ValueError:
			return
		if not isinstance(data, dict):
			return
		changed = [data.pop(key) for key in TRACE_KEYS if key in data]
		for error in data.get("errors") or []:
			if isinstance(error, dict) and error.pop("exception", None) is not None:
				changed.append(True)
		if changed:
			response.set_data(json.dumps(data))
	elif response.mimetype == "text/html":
		body = response.get_data(as_text=True)
		if "Traceback (most recent call last)" in body:
			response.set_data(TRACEBACK_BLOCK.sub("", body))


# the MariaDB client's "cannot connect", "server gone away", "connection lost"
CONNECTION_ERRORS = frozenset({2002, 2003, 2005, 2006, 2013, 2055})
# the database client's errors that carry those codes (their names, as Frappe's JSON
# error gives them too)
DATABASE_ERROR_TYPES = frozenset({"OperationalError", "InterfaceError"})
# what the database client raises on a connection it has already closed — a lost one:
# Frappe's rollback at the end of a write meets it after the server went away
CLOSED_CONNECTION_ERROR = "InterfaceError"
# a database server up for less than this was restarting while such a call failed
RESTART_WINDOW_SECONDS = 60


def database_unreachable(error: BaseException) -> bool:
	"""Whether ``error``, or one it was raised while handling, says the database
	could not be reached (not an error of a query: a refused or lost connection)."""
	seen = set()
	while error is not None and id(error) not in seen:
		seen.add(id(error))
		if isinstance(error, ConnectionError):
			return True
		code = error.args[0] if error.args else None
		if type(error).__name__ in DATABASE_ERROR_TYPES and code in CONNECTION_ERRORS:
			return True
		if type(error).__name__ == CLOSED_CONNECTION_ERROR and code == 0:
			return True
		error = error.__cause__ or error.__context__
	return False


def note_lost_database(context=None):
	"""update_website_context: Frappe renders its error page while it handles the
	failure of a page; a failure that was the database being out of reach is noted for
	``answer_unavailable`` — the database may be back by the time the page is made."""
	error = sys.exc_info()[1]
	if error is not None and database_unreachable(error):
		frappe.local.flags.database_was_unreachable = True


def answer_unavailable(response=None, request=None):
	"""A server error while the database cannot be reached (a restart, a failover)
	becomes the 503 "try again" answer — whether it is still out of reach, or was when
	the request failed: a page's failure noted as such, or a call's that Frappe reports
	as an error of the database client while the server has just started. What
	fails before Frappe can make a response — its error page and its rollback need the
	database too — is answered the same by the app's web entry point,
	``dds_assistance.wsgi``."""
	if response is None or response.status_code < 500:
		return
	if not (
		frappe.local.flags.get("database_was_unreachable")
		or not _database_reachable()
		or (_database_error_reported() and _database_just_started())
	):
		return
	language = _answer_language(request)
	fill_unavailable(
		response,
		as_json=response.mimetype == "application/json" or wants_json(request),
		translate=lambda text: _(text, lang=language),
		lang=language,
	)


def _database_error_reported() -> bool:
	"""Whether Frappe's JSON error names an error of the database client (tracebacks
	are not shown to clients, so its type is all a call's answer says)."""
	response = getattr(frappe.local, "response", None) or {}
	types = {response.get("exc_type")}
	types.update(error.get("type") for error in response.get("errors") or [] if isinstance(error, dict))
	return bool(types & DATABASE_ERROR_TYPES)


def _database_just_started() -> bool:
	uptime = _database_uptime()
	return uptime is not None and uptime < RESTART_WINDOW_SECONDS


def _database_uptime() -> int | None:
	"""Seconds since the database server started."""
	try:
		return int(frappe.db.sql("show global status like 'Uptime'")[0][1])
	except Exception:
		return None


def wants_json(request) -> bool:
	return request is not None and request.path.startswith("/api/")


def fill_unavailable(response, as_json: bool, translate, lang: str) -> None:
	"""Make ``response`` a 503 "try again in a minute" — JSON for calls, a page for
	browsers — with ``Retry-After``; the client's action was not recorded and they are
	told so, in ``lang`` through ``translate``."""
	title = translate("Service briefly unavailable")
	message = translate(
		"The assistance service is briefly unavailable and your last action was not recorded. Please try again in a minute."
	)
	response.status_code = 503
	response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
	if as_json:
		response.mimetype = "application/json"
		response.set_data(
			json.dumps(
				{
					"exc_type": "ServiceUnavailable",
					"message": message,
					"_server_messages": json.dumps(
						[json.dumps({"title": title, "message": message, "indicator": "orange"})]
					),
				}
			)
		)
	else:
		response.mimetype = "text/html"
		response.set_data(
			UNAVAILABLE_PAGE.format(
				lang=lang,
				title=html.escape(title),
				message=html.escape(message),
				again=html.escape(translate("Try again")),
				seconds=RETRY_AFTER_SECONDS,
			)
		)


UNAVAILABLE_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{seconds}"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f272e}}a{{color:#2490ef}}</style>
</head><body><h1>{title}</h1><p>{message}</p><p><a href="">{again}</a></p></body></html>"""


def _database_reachable() -> bool:
	try:
		frappe.db.sql("select 1")
		return True
	except Exception:
		return False


def _answer_language(request) -> str:
	"""The language of the "try again" answer: a desk user's own; a client's as the
	portal speaks it — theirs, else French, never the site's system language. When
	the user cannot be read (the database is out of reach), French unless the
	browser asks for English, as ``dds_assistance.wsgi`` answers."""
	try:
		if is_desk_user():
			return frappe.local.lang or "fr"
		return portal_language()
	except Exception:
		if request is not None:
			return request.accept_languages.best_match(("fr", "en"), default="fr")
		return "fr"


def _is_desk_user() -> bool:
	try:
		return is_desk_user()
	except Exception:
		return False
