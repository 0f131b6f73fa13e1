"""Desk doors on an Assistance Sanction (R-SAN-2)."""

import frappe
from frappe import _

from dds_assistance.api._common import locked_doc
from dds_assistance.context.staff import require_manager
from dds_assistance.web.endpoints import endpoint


@endpoint(methods=["POST"])
def lift_sanction(sanction: str, reason: str) -> dict:
	"""A manager lifts a suspension (who, when, why); the sanction stays in history."""
	require_manager(_("Only an Assistance Manager can lift a sanction."))
	return locked_doc("Assistance Sanction", sanction).lift(reason)
