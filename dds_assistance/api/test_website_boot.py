# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""What a website page costs (issue "Run it the way production runs it": the load):
the desk's app list of its boot data is not made, reading every workspace, for a
portal client or a guest, who cannot open the desk (``website_boot.py``); a desk
user's is Frappe's own."""

from unittest import mock

import frappe
import frappe.apps
import frappe.desk.desktop
import frappe.website.utils
from frappe.website.utils import get_boot_data

from dds_assistance import testing, website_boot

EMPTY = {"apps": [], "is_desk_apps": 1, "default_path": ""}


def frappes_apps_data() -> dict:
	"""The apps data as Frappe 15 makes it for the session's user."""
	apps = frappe.apps.get_apps() or []
	return {
		"apps": apps,
		"is_desk_apps": 1 if bool(frappe.apps.is_desk_apps(apps)) else 0,
		"default_path": frappe.apps.get_default_path(apps) or "",
	}


class TestWebsiteBoot(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixture = testing.portal_fixture()

	def setUp(self):
		super().setUp()
		self.assertIn("dds_assistance.website_boot.install", frappe.get_hooks("before_request"))
		website_boot.install()
		self.assertIs(frappe.website.utils.get_apps, website_boot.get_apps)

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def workspaces_read(self, user: str) -> tuple[dict, bool]:
		"""(apps data of a website page's boot, whether the workspaces were read) for ``user``."""
		frappe.set_user(user)
		with mock.patch.object(
			frappe.desk.desktop,
			"get_workspace_sidebar_items",
			wraps=frappe.desk.desktop.get_workspace_sidebar_items,
		) as workspaces:
			apps_data = get_boot_data()["apps_data"]
		return apps_data, workspaces.called

	def test_a_portal_client_and_a_guest_get_no_desk_app_without_reading_the_workspaces(self):
		for user in (self.fixture["user_a"], "Guest"):
			with self.subTest(user=user):
				apps_data, read = self.workspaces_read(user)
				self.assertEqual(apps_data, EMPTY)
				self.assertFalse(read)
				self.assertEqual(frappes_apps_data(), EMPTY)  # what Frappe would have said

	def test_a_desk_user_gets_frappes_apps(self):
		apps_data, read = self.workspaces_read("Administrator")
		self.assertTrue(read)
		self.assertEqual(apps_data, frappes_apps_data())
		self.assertIn("erpnext", [app["name"] for app in apps_data["apps"]])

	def test_an_app_with_a_home_outside_the_desk_is_decided_by_frappe(self):
		hooks = frappe.get_hooks

		def with_a_portal_app(hook=None, *args, **kwargs):
			found = hooks(hook, *args, **kwargs)
			if hook == "add_to_apps_screen" and not args and not kwargs:
				return [*found, {"name": "portail", "title": "Portail", "route": "/portail"}]
			return found

		with mock.patch.object(frappe, "get_hooks", side_effect=with_a_portal_app):
			apps_data, read = self.workspaces_read(self.fixture["user_a"])
			self.assertFalse(website_boot.outside_the_desk())
		self.assertTrue(read)
		self.assertEqual(apps_data, EMPTY)  # Frappe's answer on this site
