# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class AssistanceCalendarChange(Document):
	"""A change of the business calendar, recorded in the transaction that makes it,
	and the recomputation of the deadlines it moves (``jobs.deadlines``): Pending
	until that is done — so a lost or killed job is resumed (``jobs.recovery``),
	never forgotten (R-TIME-5, R-AVAIL-2)."""
