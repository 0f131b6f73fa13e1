# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class AssistanceDeadlineChange(Document):
	"""One recomputation of a deadline, with its cause (R-TIME-5, R-AVAIL-2): never silent."""
