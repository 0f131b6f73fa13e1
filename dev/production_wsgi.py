"""The app's WSGI application (``dds_assistance.wsgi``: Frappe's, answering "try again"
while the database cannot be reached) for one site, as a production web server runs
it, plus what nginx serves beside it in production: the bench's built assets
(/assets) and the site's public files (/files). Used by dev/serve-production-like:

    cd ~/frappe-bench/sites && DDS_SITE=<site> ../env/bin/gunicorn --pythonpath <app>/dev \
        -b 127.0.0.1:8000 -w 4 production_wsgi:application --preload

DDS_SITE: the site to serve, whatever the Host header says. SITES_PATH (or the working
directory): the bench's sites directory.
"""

# isort: skip_file
import os

# Imported before frappe.app: with gunicorn's --preload, importing frappe.app ends with
# gc.freeze(), and what is imported before it is shared by the forked workers.
from werkzeug.middleware.shared_data import SharedDataMiddleware

import frappe.app
import dds_assistance.wsgi

site = os.environ.get("DDS_SITE")
if not site:
	raise RuntimeError("DDS_SITE is not set: name the site to serve")
sites_path = os.path.abspath(os.environ.get("SITES_PATH") or os.getcwd())
if not os.path.isfile(os.path.join(sites_path, site, "site_config.json")):
	raise RuntimeError(f"no site {site!r} in {sites_path}")

frappe.app._site = site
frappe.app._sites_path = sites_path

application = SharedDataMiddleware(
	dds_assistance.wsgi.application,
	{
		"/assets": os.path.join(sites_path, "assets"),
		"/files": os.path.join(sites_path, site, "public", "files"),
	},
)
