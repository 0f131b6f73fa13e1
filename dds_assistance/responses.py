"""Hooks on every HTTP response (``hooks.after_request``)."""

import os

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
