from dds_assistance import portal
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "Terms of Service", "terms", portal.terms_context)
