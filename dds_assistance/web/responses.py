"""Hooks on every HTTP response (``hooks.after_request``): stored files never
served as something a browser runs; no Python traceback to a client of the
portal. ("Try again" while the database is unreachable is nginx's: README, "When
Frappe cannot answer".)"""

import json
import os
import re

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


def hide_tracebacks(response=None, request=None):
	"""An error answer carries no traceback: to anyone but a desk user, never (even
	when it failed before its endpoint could tell Frappe so); to a desk
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


def _is_desk_user() -> bool:
	try:
		return is_desk_user()
	except Exception:
		return False
