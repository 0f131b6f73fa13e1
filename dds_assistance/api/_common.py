"""What every action endpoint starts with: the document locked and checked; for
the portal's writes, a rate limit."""

import functools
import time

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit


def locked_doc(doctype: str, name: str, ptype: str = "write"):
	"""The document as last committed, its row locked for this transaction (a
	locking read: never an older snapshot of the transaction), after a permission
	check."""
	if not isinstance(name, str) or not frappe.db.get_value(doctype, name, "name", for_update=True):
		raise frappe.DoesNotExistError(_("{0} {1} not found").format(_(doctype), name))
	doc = frappe.get_doc(doctype, name, for_update=True)
	doc.check_permission(ptype)
	return doc


DEADLOCK_ATTEMPTS = 3


def retry_on_deadlock(function):
	"""An action that writes invoices and ledger entries may meet another one doing
	the same (two agents, the daily renewals) and lose a deadlock in MariaDB: the
	whole action is rolled back and played again — at most ``DEADLOCK_ATTEMPTS``
	times — instead of answering a server error. Nothing of a lost attempt remains:
	its rows, mails and queued jobs go with the rollback."""

	@functools.wraps(function)
	def wrapper(*args, **kwargs):
		for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
			try:
				return function(*args, **kwargs)
			except frappe.QueryDeadlockError:
				if attempt == DEADLOCK_ATTEMPTS:
					raise
				frappe.db.rollback()
				frappe.clear_messages()
				time.sleep(0.05 * attempt)

	return wrapper


RATE_KEY = "_dds_rate_identity"
PORTAL_WRITE_WINDOW = 3600  # seconds


def portal_write(function):
	"""A write of the customer portal, rate-limited by Frappe's own limiter: at most
	``Assistance Settings.portal_writes_per_hour`` calls of this endpoint per portal
	account and hour (0: no limit), counted in Redis; past it, a 429 with a clear
	French message. Calls that are not HTTP requests (jobs, tests) are not counted."""
	limited = rate_limit(
		key=RATE_KEY, limit=_writes_per_hour, seconds=PORTAL_WRITE_WINDOW, methods=["POST"], ip_based=False
	)(function)

	@functools.wraps(function)
	def wrapper(*args, **kwargs):
		if not frappe.request or not _writes_per_hour():
			return function(*args, **kwargs)
		frappe.form_dict[RATE_KEY] = frappe.session.user  # counted per account, not per address
		try:
			return limited(*args, **kwargs)
		except frappe.RateLimitExceededError:
			frappe.clear_last_message()
			frappe.throw(
				_(
					"Too many sendings in one hour: at most {0} of this kind per hour. Please try again later, or write to {1} if it is urgent."
				).format(_writes_per_hour(), _support_email()),
				exc=frappe.RateLimitExceededError,
				title=_("Too Many Requests"),
			)

	return wrapper


def _writes_per_hour() -> int:
	return frappe.utils.cint(frappe.db.get_single_value("Assistance Settings", "portal_writes_per_hour"))


def _support_email() -> str:
	return frappe.db.get_single_value("Assistance Settings", "support_email") or "support@3ddentalstore.fr"
