"""Desk doors on an Assistance Complaint (R-CPL-2)."""

import frappe

from dds_assistance.api._common import locked_doc
from dds_assistance.web.endpoints import endpoint

COMPLAINT = "Assistance Complaint"


@endpoint(methods=["POST"])
def acknowledge_complaint(complaint: str) -> dict:
	"""Acknowledge receipt (stamps who and when, tells the client)."""
	return locked_doc(COMPLAINT, complaint).acknowledge()


@endpoint(methods=["POST"])
def answer_complaint(complaint: str, answer: str) -> dict:
	"""Answer (stamps who and when; an unacknowledged complaint is acknowledged too)."""
	return locked_doc(COMPLAINT, complaint).answer_client(answer)
