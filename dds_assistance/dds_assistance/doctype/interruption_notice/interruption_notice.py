# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from dds_assistance import indexes


class InterruptionNotice(Document):
	"""What one client was told of a planned interruption, and when (R-AVAIL-1)."""


def on_doctype_update():
	indexes.ensure("Interruption Notice")
