import frappe

from dds_assistance import portal
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "Remote Session", "requests", portal.session_detail, frappe.form_dict.name)
