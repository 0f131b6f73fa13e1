import frappe

from dds_assistance.web import portal_reads
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "Remote Session", "requests", portal_reads.session_detail, frappe.form_dict.name)
