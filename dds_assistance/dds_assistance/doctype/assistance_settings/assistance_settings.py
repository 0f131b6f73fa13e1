# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Settings: opening windows, service levels, tariff and contact facts.

The settings are checked here; the business calendar they feed is built in
``dds_assistance.context.business_calendar`` (saving the settings drops its cache).
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.model.document import Document

from dds_assistance.context.business_calendar import calendar_changed, clear_calendar_cache
from dds_assistance.core import sepa_debit
from dds_assistance.core.business_time import WEEKDAY_NAMES, normalise_windows
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.refusals import throw_rule
from dds_assistance.integrations.payment_means import check_bank_details


class AssistanceSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dds_assistance.dds_assistance.doctype.assistance_opening_window.assistance_opening_window import (
			AssistanceOpeningWindow,
		)

		abuse_threshold: DF.Int
		abuse_window_days: DF.Int
		bank_account: DF.Link | None
		cgu_version: DF.Data
		cgv_reference: DF.Data
		company: DF.Link | None
		complaint_ack_days: DF.Int
		complaint_answer_days: DF.Int
		first_response_hours: DF.Float
		holiday_list: DF.Link | None
		opening_windows: DF.Table[AssistanceOpeningWindow]
		request_window_hours: DF.Float
		retention_days: DF.Int
		sales_taxes_template: DF.Link | None
		session_default_minutes: DF.Int
		session_max_minutes: DF.Int
		sla_warning_hours: DF.Float
		subscription_reminder_days: DF.Int
		support_address: DF.SmallText | None
		support_company_name: DF.Data | None
		support_email: DF.Data | None
		support_phone: DF.Data | None
		ticket_item: DF.Link | None
		ticket_price: DF.Currency
		time_zone: DF.Autocomplete
	# end: auto-generated types

	def validate(self):
		self.validate_time_zone()
		self.validate_opening_windows()
		self.validate_service_levels()
		self.validate_tax_template()
		self.validate_bank_account()
		self.validate_direct_debit()

	def on_update(self):
		"""R-TIME-5: a change to what the deadlines are made of moves the pending ones."""
		before = self.get_doc_before_save()
		if before is None or self.calendar_inputs(before) != self.calendar_inputs(self):
			calendar_changed(_("The business hours or service levels changed."), self.doctype, self.name)
		else:
			clear_calendar_cache()

	@staticmethod
	def calendar_inputs(doc) -> tuple:
		return (
			tuple(doc.window_triples()),
			(doc.time_zone or "").strip(),
			doc.holiday_list,
			float(doc.first_response_hours or 0),
			int(doc.complaint_ack_days or 0),
			int(doc.complaint_answer_days or 0),
		)

	def validate_time_zone(self):
		try:
			ZoneInfo((self.time_zone or "").strip())
		except Exception:
			frappe.throw(
				_("Unknown time zone: {0}").format(frappe.bold(self.time_zone or "")),
				title=_("Invalid Time Zone"),
			)

	def validate_opening_windows(self):
		if not self.opening_windows:
			frappe.throw(_("Add at least one opening window."), title=_("Invalid Opening Windows"))
		spans = []
		for row in self.opening_windows:
			start, end = _seconds(row.start_time), _seconds(row.end_time)
			if end is not None and end == 0:
				end = 86400  # 00:00 as a closing time is midnight
			if start is None or end is None or end <= start:
				frappe.throw(
					_("Row #{0}: the window must close after it opens.").format(row.idx),
					title=_("Invalid Opening Windows"),
				)
			for other in spans:
				if other[0] == row.weekday and start < other[2] and other[1] < end:
					frappe.throw(
						_("Row #{0}: the window overlaps row #{1} on {2}.").format(
							row.idx, other[3], _(row.weekday)
						),
						title=_("Invalid Opening Windows"),
					)
			spans.append((row.weekday, start, end, row.idx))
		normalise_windows(self.window_triples())  # the core's own check, same rules

	def validate_service_levels(self):
		for fieldname in ("first_response_hours", "request_window_hours"):
			if (self.get(fieldname) or 0) <= 0:
				frappe.throw(
					_("{0} must be greater than zero.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid Service Level"),
				)
		for fieldname in ("complaint_ack_days", "complaint_answer_days"):
			if (self.get(fieldname) or 0) < 1:
				frappe.throw(
					_("{0} must be at least one business day.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid Service Level"),
				)
		if (self.sla_warning_hours or 0) < 0:
			frappe.throw(_("The warning threshold cannot be negative."), title=_("Invalid Service Level"))
		if (self.ticket_price or 0) <= 0:
			frappe.throw(_("The ticket price must be greater than zero."), title=_("Invalid Tariff"))

	def validate_tax_template(self):
		"""R-TKT-3: the ticket price is VAT included (100 € TTC = 83.33 + 16.67): a
		template whose taxes come on top of the price would invoice 120 €."""
		if not self.sales_taxes_template:
			return
		rows = frappe.get_all(
			"Sales Taxes and Charges",
			filters={"parent": self.sales_taxes_template, "parenttype": "Sales Taxes and Charges Template"},
			fields=["idx", "charge_type", "included_in_print_rate"],
		)
		added = [
			row.idx for row in rows if not row.included_in_print_rate or row.charge_type != "On Net Total"
		]
		if not rows or added:
			frappe.throw(
				_(
					"The ticket price includes VAT: every tax of the template {0} must be on the net total "
					'and included in the price ("Is this Tax included in Basic Rate?").'
				).format(frappe.bold(self.sales_taxes_template)),
				title=_("Invalid Tax Template"),
			)

	def validate_bank_account(self):
		"""R-TKT-4: the account clients pay into is one of the company's, with a valid
		IBAN (and BIC) — what the portal, the e-mails and the QR code give them."""
		if not self.bank_account:
			return
		account = frappe.db.get_value(
			"Bank Account", self.bank_account, ["is_company_account", "company", "iban", "bank"], as_dict=True
		)
		if (
			not account
			or not account.is_company_account
			or (self.company and account.company != self.company)
		):
			frappe.throw(
				_("The bank account {0} is not an account of the company {1}.").format(
					frappe.bold(self.bank_account), frappe.bold(self.company or "")
				),
				title=_("Invalid Bank Account"),
			)
		if not account.iban:
			frappe.throw(
				_("The bank account {0} has no IBAN: clients could not pay into it.").format(
					frappe.bold(self.bank_account)
				),
				title=_("Invalid Bank Account"),
			)
		bic = frappe.db.get_value("Bank", account.bank, "swift_number") if account.bank else None
		check_bank_details(account.iban, bic)

	def validate_direct_debit(self):
		"""#29: the company's SEPA creditor identifier (ICS) is checked (country, check
		digits, national identifier) and kept in its compact form; the pre-notification
		period is between 1 and 60 days."""
		try:
			if (self.get("sepa_creditor_id") or "").strip():
				self.sepa_creditor_id = sepa_debit.check_creditor_id(self.sepa_creditor_id)
			if self.get("sepa_prenotice_days") not in (None, ""):
				sepa_debit.check_prenotice_days(self.sepa_prenotice_days)
		except RuleError as error:
			throw_rule(error, title=_("SEPA Direct Debit"))

	def window_triples(self) -> list[tuple[int, str, str]]:
		triples = []
		for row in self.opening_windows:
			start, end = _seconds(row.start_time), _seconds(row.end_time)
			triples.append((WEEKDAY_NAMES.index(row.weekday), _hhmmss(start), _hhmmss(end or 86400)))
		return triples


def _seconds(value) -> int | None:
	if value in (None, ""):
		return None
	if isinstance(value, timedelta):
		return int(value.total_seconds())
	try:
		parts = str(value).split(".")[0].split(":")
		hours, minutes = int(parts[0]), int(parts[1])
		seconds = int(parts[2]) if len(parts) > 2 else 0
	except (ValueError, IndexError):
		return None
	return hours * 3600 + minutes * 60 + seconds


def _hhmmss(seconds: int) -> str:
	return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
