# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Terms Notice: one client informed of one new terms version (R-TERMS-3); the
standard Notification "DDS Terms Notice" mails it."""

import frappe
from frappe.model.document import Document


class TermsNotice(Document):
	pass


def on_doctype_update():
	# one notice per version and client: two batches meeting on a client mail it once
	# (a site that already holds a duplicate keeps it, and goes without the key)
	duplicated = frappe.db.sql(
		"""select 1 from `tabTerms Notice` group by terms_version, customer having count(*) > 1 limit 1"""
	)
	if not duplicated:
		frappe.db.add_unique(
			"Terms Notice", ["terms_version", "customer"], constraint_name="terms_version_customer"
		)
