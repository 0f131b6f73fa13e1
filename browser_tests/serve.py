"""Serve a bench site on a loopback address for the browser tests: the WSGI
application of ``dev/production_wsgi.py`` (Frappe's, plus the bench's built assets
and the site's public files) in Werkzeug's threaded development server.

    cd ~/frappe-bench/sites && ../env/bin/python <app>/browser_tests/serve.py <site> 8765
"""

import os
import sys
from pathlib import Path

from werkzeug.serving import run_simple


def main():
	site, port = sys.argv[1], int(sys.argv[2])
	os.environ["DDS_SITE"] = site
	os.environ.setdefault("SITES_PATH", os.getcwd())
	sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "dev"))
	from production_wsgi import application

	run_simple("127.0.0.1", port, application, use_reloader=False, use_debugger=False, threaded=True)


if __name__ == "__main__":
	main()
