# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Remote Session Log: the append-only connection history (R-RS-4, CGU 3.1).

An entry is written once, by the app, and never changed or deleted — by anyone,
Administrator included, through the desk, REST or code: ``validate`` refuses any
save of an existing entry, ``on_trash`` refuses every deletion, and ``db_set`` is
closed."""

import frappe
from frappe import _
from frappe.model.document import Document

from dds_assistance.guards.refusals import HistoryIsAppendOnly


def refuse():
	frappe.throw(
		_("The remote session history is kept as evidence: it cannot be changed or deleted."),
		exc=HistoryIsAppendOnly,
		title=_("Not Allowed"),
	)


class RemoteSessionLog(Document):
	def validate(self):
		if not self.is_new():
			refuse()

	def on_trash(self):
		refuse()

	def db_set(self, *args, **kwargs):
		refuse()
