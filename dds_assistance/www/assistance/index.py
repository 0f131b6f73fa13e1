import frappe

from dds_assistance.web import portal_reads
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(
		context, "My Requests", "requests", portal_reads.my_overview, frappe.form_dict.get("start")
	)
