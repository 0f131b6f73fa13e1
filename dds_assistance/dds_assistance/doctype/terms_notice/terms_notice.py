# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Terms Notice: one client informed of one new terms version (R-TERMS-3); the
standard Notification "DDS Terms Notice" mails it."""

from frappe.model.document import Document


class TermsNotice(Document):
	pass
