"""Serve a bench site on a loopback address for the browser tests: Frappe's own
WSGI application, with the bench's built assets and the site's public files.

    cd ~/frappe-bench/sites && ../env/bin/python <app>/browser_tests/serve.py <site> 8765
"""

import os
import sys

import frappe.app
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import run_simple


def main():
	site, port = sys.argv[1], int(sys.argv[2])
	sites = os.getcwd()
	frappe.app._site = site
	frappe.app._sites_path = sites
	application = SharedDataMiddleware(
		frappe.app.application,
		{
			"/assets": os.path.join(sites, "assets"),
			"/files": os.path.join(sites, site, "public", "files"),
		},
	)
	run_simple("127.0.0.1", port, application, use_reloader=False, use_debugger=False, threaded=True)


if __name__ == "__main__":
	main()
