"""A desk action that loses a deadlock in MariaDB is played again, whole, instead
of answering a server error (seen under load: two agents accepting requests while
the daily renewals make their invoices)."""

import frappe
from frappe.tests.utils import FrappeTestCase

from dds_assistance.api._common import DEADLOCK_ATTEMPTS, retry_on_deadlock
from dds_assistance.web.endpoints import endpoint

MARK = "dds-retry-on-deadlock"


class TestRetryOnDeadlock(FrappeTestCase):
	def todos(self) -> int:
		return frappe.db.count("ToDo", {"description": MARK})

	def test_a_lost_attempt_leaves_nothing_and_the_next_one_is_kept(self):
		attempts = []

		@retry_on_deadlock
		def action(label: str) -> str:
			attempts.append(label)
			frappe.get_doc({"doctype": "ToDo", "description": MARK}).insert(ignore_permissions=True)
			if len(attempts) < DEADLOCK_ATTEMPTS:
				raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
			return "done"

		self.assertEqual(action("accept"), "done")
		self.assertEqual(len(attempts), DEADLOCK_ATTEMPTS)
		self.assertEqual(self.todos(), 1)  # the lost attempts were rolled back

	def test_past_the_last_attempt_the_deadlock_is_raised(self):
		@retry_on_deadlock
		def action() -> None:
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")

		self.assertRaises(frappe.QueryDeadlockError, action)

	def test_the_arguments_are_still_checked(self):
		@endpoint(methods=["POST"])
		@retry_on_deadlock
		def action(ticket: str) -> str:
			return ticket

		self.assertRaises(frappe.FrappeTypeError, action, {"not": "a name"})
