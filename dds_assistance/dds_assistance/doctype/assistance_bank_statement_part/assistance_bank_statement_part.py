# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""One statement (``Stmt``) of an Assistance Bank Statement's file: a day, or an
account, of a bank's download — what it holds and what its import gave."""

from frappe.model.document import Document


class AssistanceBankStatementPart(Document):
	pass
