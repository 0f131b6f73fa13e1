# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Bank Statement: one CAMT.053 file of the company's bank account,
imported into ERPNext Bank Transactions and matched with the open invoices
(R-TKT-4, R-ACC-2). The work is ``integrations.bank_statement``'s; this record
keeps the file, the state of its import and what came of it.

*Import* (``import_statement``) runs at once for a small file (at most
``limits.STATEMENT_INLINE_KB`` and ``INLINE_TRANSACTIONS``) and in the background for
a larger one — a web request never reads a large file; a file past
``limits.STATEMENT_MB`` is refused at once, with the bound. It can be run again at
any time: what was imported stays as it is, what failed is tried again. A file of
several statements (days, accounts) has each imported on its own
(``statements``: one row each).
"""

import os
from collections import Counter

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from dds_assistance.background.runner import enqueue_resumable
from dds_assistance.core import limits
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.field_guards import guard_fields
from dds_assistance.integrations import bank_statement as bank

DRAFT, QUEUED, IMPORTING, IMPORTED, FAILED = "Draft", "Queued", "Importing", "Imported", "Failed"
RESULT_FIELDS = (
	"transactions",
	"imported",
	"already_imported",
	"not_booked",
	"matched",
	"unmatched",
	"failed",
)
HEADER_FIELDS = ("statement_id", "from_date", "to_date", "opening_balance", "closing_balance")
ACTION_FIELDS = (
	"status",
	"imported_on",
	"imported_by",
	"error",
	"statements",
	*HEADER_FIELDS,
	*RESULT_FIELDS,
)
# a file of more transactions than this (or larger than limits.STATEMENT_INLINE_KB)
# is imported by a background worker
INLINE_TRANSACTIONS = 50
JOB = "dds_assistance.jobs.bank_statements.import_statement"


class AssistanceBankStatement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dds_assistance.dds_assistance.doctype.assistance_bank_statement_part.assistance_bank_statement_part import (
			AssistanceBankStatementPart,
		)

		already_imported: DF.Int
		bank_account: DF.Link
		closing_balance: DF.Currency
		error: DF.SmallText | None
		failed: DF.Int
		from_date: DF.Date | None
		imported: DF.Int
		imported_by: DF.Link | None
		imported_on: DF.Datetime | None
		matched: DF.Int
		not_booked: DF.Int
		opening_balance: DF.Currency
		statement_file: DF.Attach
		statement_id: DF.Data | None
		statements: DF.Table[AssistanceBankStatementPart]
		status: DF.Literal["Draft", "Queued", "Importing", "Imported", "Failed"]
		to_date: DF.Date | None
		transactions: DF.Int
		unmatched: DF.Int
	# end: auto-generated types

	def validate(self):
		guard_fields(self, action=ACTION_FIELDS, extra=self.file_changes)
		if not self.bank_account:
			self.bank_account = frappe.db.get_single_value("Assistance Settings", "bank_account")
		bank.bank_account_details(self.bank_account)
		if self.statement_file and not self.statement_file.startswith("/private/"):
			frappe.throw(
				_("Attach the statement as a private file: it shows your clients' payments."),
				title=_("Private File Required"),
			)

	def file_changes(self, before) -> list[str]:
		"""The file and its account are what was imported: changed only before an
		import, or after one that failed."""
		if before.status in (DRAFT, FAILED):
			return []
		return [f for f in ("bank_account", "statement_file") if before.get(f) != self.get(f)]

	# ------------------------------------------------------------------ the action
	def import_statement(self) -> dict:
		"""Check the file's size (a refusal is shown at once), then import it: now
		for a small file, in the background for a large one."""
		if self.status in (QUEUED, IMPORTING):
			frappe.throw(
				_("This statement is being imported: wait until it is done."), title=_("Import Under Way")
			)
		account = bank.bank_account_details(self.bank_account)
		try:
			size = os.path.getsize(self.file_path())
			limits.check_statement_size(size)
		except (bank.StatementRefused, RuleError) as error:
			self.refuse(error)
			return self.result()
		if size > limits.STATEMENT_INLINE_KB * 1024:
			return self.queue()
		statements = self.read(account)
		if statements is None:
			return self.result()
		if sum(len(statement.transactions) for statement, _account in statements) > INLINE_TRANSACTIONS:
			return self.queue()
		self.run_import(statements, account)
		return self.result()

	def queue(self) -> dict:
		self.set_state(QUEUED)
		enqueue_resumable(JOB, statement=self.name)
		return self.result()

	def run_import(self, statements=None, account=None):
		"""The import itself (inline, or the background job): each statement of the
		file on its own, each transaction committed on its own, then the counts."""
		account = account or bank.bank_account_details(self.bank_account)
		statements = statements or self.read(account)
		if statements is None:
			return
		self.set_state(IMPORTING, commit=True)
		counts, parts = Counter(), []
		for statement, statement_account in statements:
			done = bank.import_transactions(statement, statement_account, self.name)
			counts.update(done)
			parts.append(
				{
					"statement_id": statement.id[:140],
					"bank_account": statement_account.name,
					"account_iban": statement_account.iban,
					"from_date": statement.from_date,
					"to_date": statement.to_date,
					"opening_balance": statement.opening_balance,
					"closing_balance": statement.closing_balance,
					**{f: done.get(f, 0) for f in ("transactions", "imported", "matched", "unmatched")},
				}
			)
		self.flags.dds_action = True
		self.set("statements", parts)
		self.update(
			{
				"status": IMPORTED,
				"imported_on": now_datetime(),
				"imported_by": frappe.session.user,
				"error": None,
				**self.header(statements, account),
				**{field: counts.get(field, 0) for field in RESULT_FIELDS},
			}
		)
		self.save(ignore_permissions=True)
		frappe.db.commit()

	@staticmethod
	def header(statements, account) -> dict:
		"""The file as one statement of the chosen account: its ids, its first and
		last days; the opening balance of its first statement of that account and
		the closing balance of its last."""
		own = [statement for statement, of in statements if of.name == account.name]
		days = [d for statement, _of in statements for d in (statement.from_date, statement.to_date) if d]
		ids = ", ".join(dict.fromkeys(statement.id for statement, _of in statements if statement.id))
		return {
			"statement_id": ids if len(ids) <= 140 else ids[:139] + "…",
			"from_date": min(days) if days else None,
			"to_date": max(days) if days else None,
			"opening_balance": own[0].opening_balance if own else None,
			"closing_balance": own[-1].closing_balance if own else None,
		}

	def read(self, account):
		"""The statements of the file, each with its account — or, when the file is
		refused, the import marked failed with the reason, and None."""
		try:
			return bank.read_statements(self.file_content(), account)
		except (bank.StatementRefused, RuleError) as error:
			self.refuse(error)
			return None

	def refuse(self, error: Exception):
		"""The import marked failed, with the reason (in the accountant's language)."""
		frappe.clear_last_message()
		self.flags.dds_action = True
		self.status = FAILED
		self.error = bank.refusal(error) if isinstance(error, RuleError) else str(error)
		self.save(ignore_permissions=True)

	def file_path(self) -> str:
		"""Where the attached file is stored (refused when it cannot be found)."""
		files = frappe.get_all(
			"File",
			filters={"file_url": self.statement_file},
			fields=["name", "attached_to_doctype", "attached_to_name"],
		)
		ours = [f for f in files if (f.attached_to_doctype, f.attached_to_name) == (self.doctype, self.name)]
		path = frappe.get_doc("File", (ours or files)[0].name).get_full_path() if files else ""
		if not path or not os.path.isfile(path):
			frappe.throw(
				_("The statement file {0} cannot be found.").format(self.statement_file),
				exc=bank.StatementRefused,
			)
		return path

	def file_content(self) -> bytes:
		"""The bytes of the attached file (as stored: the XML declares its encoding),
		refused past ``limits.STATEMENT_MB`` before it is read."""
		path = self.file_path()
		limits.check_statement_size(os.path.getsize(path))
		with open(path, "rb") as handle:
			return handle.read()

	def set_state(self, status: str, commit: bool = False):
		self.flags.dds_action = True
		self.status = status
		if status in (QUEUED, IMPORTING):
			self.error = None
		self.save(ignore_permissions=True)
		if commit:
			frappe.db.commit()

	def result(self) -> dict:
		return {"status": self.status, "error": self.error, **{f: self.get(f) for f in RESULT_FIELDS}}
