"""The web application to serve: Frappe's, answering "try again" (503, French,
``Retry-After``) at any point of a request where the database cannot be reached.

Frappe answers a failure with an error page it renders from the database, and rolls
a write back on the database before it answers: while the database restarts, both
fail too, and the web server sends its bare "Internal Server Error" (500) — for the
portal's pages, for every write, and for any request of a worker that has not yet
cached what Frappe reads when a request begins. The app's ``after_request`` hook
(``responses.answer_unavailable``) turns the 500s Frappe does make into the 503;
this entry point answers the failures that escape Frappe.

Serve it in place of ``frappe.app:application`` — in the bench's supervisor
configuration, the gunicorn line of the web process::

    gunicorn ... dds_assistance.wsgi:application

(``bench setup supervisor`` writes Frappe's again: change it back after.)
``dev/serve-production-like`` and the browser tests serve this application.
"""

import functools
import sys
import traceback
from pathlib import Path

import frappe
import frappe.app
from frappe.translate import get_translation_dict_from_file
from werkzeug.wrappers import Request, Response

from dds_assistance.web.responses import database_unreachable, fill_unavailable, wants_json

LANGUAGES = ("fr", "en")


def application(environ, start_response):
	try:
		return frappe.app.application(environ, start_response)
	except Exception as error:
		if not database_unreachable(error):
			raise
		# logged as the web server would have logged it, then answered
		traceback.print_exc(file=sys.stderr)
		request = Request(environ)
		language = _language(request)
		response = Response()
		fill_unavailable(
			response,
			as_json=wants_json(request) or request.accept_mimetypes.best == "application/json",
			translate=functools.partial(_translate, language),
			lang=language,
		)
		_release_request()
		return response(environ, start_response)


def _language(request: Request) -> str:
	"""French — the service's language — unless the browser asks for English (the
	site's and the user's settings are in the database)."""
	return request.accept_languages.best_match(LANGUAGES, default="fr")


def _translate(language: str, text: str) -> str:
	"""The app's own translation, read from its file (the database cannot be)."""
	return _translations(language).get(text, text)


@functools.cache
def _translations(language: str) -> dict[str, str]:
	path = Path(__file__).parent / "translations" / f"{language}.csv"
	return get_translation_dict_from_file(str(path), language, "dds_assistance")


def _release_request() -> None:
	"""What Frappe would have released at the end of the request."""
	try:
		frappe.destroy()
	except Exception:
		pass
