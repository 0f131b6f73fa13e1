"""Screenshots of the desk for README: the Assistance workspace, a ticket form and
the reconciliation report, from a headless Chromium (Debian's, driven by Playwright).

    bench --site <site> serve --port 8000 &        # a site with the demo data
    python docs/screenshots.py --url http://127.0.0.1:8000 --password <admin password>
"""

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "browser_tests"))

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = Path(__file__).resolve().parent / "screenshots"


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--url", default="http://127.0.0.1:8080")
	parser.add_argument("--user", default="Administrator")
	parser.add_argument("--password", required=True)
	parser.add_argument("--lang", default="fr")
	args = parser.parse_args()
	OUT.mkdir(exist_ok=True)
	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
		page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
		page.goto(f"{args.url}/login")
		page.fill("#login_email", args.user)
		page.fill("#login_password", args.password)
		page.click(".btn-login")
		page.wait_for_url("**/app**")
		page.evaluate(
			f"frappe.call('frappe.client.set_value', {{doctype: 'User', name: frappe.session.user, fieldname: 'language', value: '{args.lang}'}})"
		)
		page.wait_for_timeout(1000)
		ticket = page.evaluate(
			"""() => frappe.db.get_list('Assistance Ticket', {filters: {status: 'In Progress'}, limit: 1}).then(r => r[0] && r[0].name)"""
		)
		shots = [
			("workspace", "/app/assistance"),
			("ticket", f"/app/assistance-ticket/{ticket}" if ticket else "/app/assistance-ticket"),
			("report", "/app/query-report/Assistance Ticket Reconciliation?anomaly=Any anomaly"),
		]
		for name, route in shots:
			page.goto(args.url + route)
			page.wait_for_timeout(3500)
			page.screenshot(path=str(OUT / f"{name}.png"))
			print(f"docs/screenshots/{name}.png")
		browser.close()


if __name__ == "__main__":
	main()
