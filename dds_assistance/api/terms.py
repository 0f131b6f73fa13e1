"""Desk door on a Terms Version (R-TERMS-3)."""

import frappe
from frappe import _

from dds_assistance.api._common import locked_doc
from dds_assistance.context.staff import require_manager
from dds_assistance.web.endpoints import endpoint


@endpoint(methods=["POST"])
def publish_terms(terms_version: str) -> dict:
	"""Inform every client of a new version (portal notice and e-mail), in the
	background: answers how many clients are to be informed, and how many are."""
	require_manager(_("Only an Assistance Manager can publish terms."))
	return locked_doc("Terms Version", terms_version).publish()
