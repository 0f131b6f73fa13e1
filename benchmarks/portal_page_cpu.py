"""The CPU a portal page costs a web worker, in-process on a bench site: each page of
``/assistance`` for a client (the bench tests' portal records), rendered by the app's
page renderer (templates compiled once per worker) and, for comparison, by Frappe's
own ``TemplatePage`` (a new Jinja environment, every template compiled again, as for
any page of Frappe 15). CPU time (``time.process_time``), not wall time: the figures
hold on a busy machine.

    cd ~/frappe-bench/sites && ../env/bin/python <app>/benchmarks/portal_page_cpu.py --site <site> [--pages 50]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import connect  # noqa: E402


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--pages", type=int, default=50)
	args = parser.parse_args()
	frappe = connect(args.site, args.sites_path)
	from frappe.website.page_renderers.template_page import TemplatePage
	from frappe.website.path_resolver import PathResolver
	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	from dds_assistance.samples import testing
	from dds_assistance.web import page_renderer

	data = testing.portal_fixture()
	frappe.db.commit()
	pages = {
		"list": "assistance",
		"request": f"assistance/tickets/{data['ticket']}",
		"new request": "assistance/new",
		"subscription": "assistance/subscription",
		"complaints": "assistance/complaints",
	}

	def request(path):
		frappe.local.request = Request(EnvironBuilder(path="/" + path, method="GET").get_environ())
		frappe.local.form_dict = frappe._dict()
		frappe.local.jenv = None  # each request: Frappe makes its environment again
		frappe.set_user(data["user_a"])

	def cost(path, frappes: bool) -> list[float]:
		samples = []
		for index in range(args.pages + 3):
			request(path)
			start = time.process_time()
			endpoint, renderer = PathResolver(path).resolve()
			if frappes:
				renderer = TemplatePage(endpoint, 200)
			response = renderer.render()
			spent = time.process_time() - start
			assert response.status_code == 200, (path, response.status_code)
			if index >= 3:  # the first ones fill the worker's caches
				samples.append(spent * 1000)
		return samples

	print(f"CPU per portal page, {args.pages} renderings each, client {data['client_a']}")
	print(f"{'page':<14}{'app renderer':>16}{'Frappe TemplatePage':>22}")
	for label, path in pages.items():
		ours = cost(path, frappes=False)
		frappes = cost(path, frappes=True)
		print(f"{label:<14}{statistics.median(ours):>13.1f} ms{statistics.median(frappes):>19.1f} ms")
	print(f"(worker environments kept: {len(page_renderer._WORKER)})")
	frappe.destroy()


if __name__ == "__main__":
	main()
