"""E-mail intake, on Frappe's own pull (R-TKT-6, R-CPL-1, R-SAN-2, R-DATA-1).

The support Email Account appends incoming mail to Assistance Ticket, as Frappe
does for any doctype. This Email Account class (``hooks.override_doctype_class``)
hands each mail of such an account to :class:`AssistanceInboundMail`, which:

* makes no ticket and no acknowledgement for automatic replies, bounces and our
  own mail — the mail stays in the Communication list with the reason;
* files a complaint (CGU art. 10) instead of a ticket;
* records on a new ticket whether our mail server authenticated its sender — an
  unauthenticated one is held for an agent's confirmation before anything is sold;
* keeps the allowed attachments private on the ticket, and the others (with the
  reason) on the mail — nothing is dropped silently;
* reads a mail up to the bounds of ``core.limits`` (size, header fields,
  attachments, text): what is past them stays in the mailbox, and the mail's note
  says so to the agents;
* acknowledges a new ticket at once, once — reference, due time, what is missing,
  price or coverage — unless the mail may not be answered, or its sender is an
  unauthenticated stranger (``integrations.acknowledgement``);
* tells a client who writes to a closed ticket to open a new request (R-TKT-5).

Threading (In-Reply-To, "#TKT-…" in the subject) and the de-duplication of a mail
delivered twice (same Message-ID) are Frappe's own.
"""

from email.errors import HeaderParseError
from email.header import decode_header, make_header

import frappe
from frappe import _
from frappe.core.api.file import get_max_file_size
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.email.receive import InboundMail
from frappe.utils import sanitize_html

from dds_assistance.context.clients import client_emails
from dds_assistance.context.staff import is_staff
from dds_assistance.core import attachments as core_attachments
from dds_assistance.core import limits
from dds_assistance.core import mail_intake as core
from dds_assistance.core.errors import RuleError
from dds_assistance.core.tickets import FINAL_STATUSES
from dds_assistance.integrations.acknowledgement import acknowledge
from dds_assistance.integrations.files import allowed_types, max_bytes
from dds_assistance.integrations.mail import client_language, mail_client, own_addresses

TICKET, COMPLAINT = "Assistance Ticket", "Assistance Complaint"
NOTE_FIELD = "dds_intake_note"


class AssistanceEmailAccount(EmailAccount):
	def get_inbound_mails(self) -> list[InboundMail]:
		mails = super().get_inbound_mails()
		return [
			AssistanceInboundMail.of(mail) if appends_to_assistance(self, mail) else mail for mail in mails
		]


def appends_to_assistance(account, mail) -> bool:
	target = mail.append_to if account.use_imap else account.append_to
	return target in (TICKET, COMPLAINT)


class AssistanceInboundMail(InboundMail):
	@classmethod
	def of(cls, mail: InboundMail) -> "AssistanceInboundMail":
		return cls(mail.raw_message, mail.email_account, mail.uid, mail.seen_status, mail.append_to)

	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self.notes: list[str] = []
		self.keep_within_bounds()
		self.headers = core.Headers(self.mail.items()[: limits.MAIL_HEADERS])
		self.kind = core.classify(self.headers, own_addresses())

	def keep_within_bounds(self):
		"""A mail is read up to the bounds of ``core.limits`` (its size, its header
		fields, its attachments, its text); what is past them stays in the mailbox,
		and the mail's note says so to the agents — the mail is never dropped."""
		raw = self.raw_message or b""
		size = len(raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace"))
		content = self.content or ""
		passed = limits.mail_bounds(size, len(self.mail.items()), len(self.attachments), len(content))
		for error in passed:
			self.notes.append(_(error.message).format(*error.args_))
		codes = {error.code for error in passed}
		if "mail_too_large" in codes:
			self.attachments, self.cid_map = [], {}
		elif "mail_attachments" in codes:
			self.attachments = self.attachments[: limits.MAIL_ATTACHMENTS]
		if "mail_text" in codes:
			self.content = content[: limits.MAIL_TEXT_CHARACTERS]

	def set_subject(self):
		"""The whole subject: Frappe keeps only the first part of an encoded header,
		which cuts a French subject at its first accented word."""
		try:
			subject = str(make_header(decode_header(self.mail.get("Subject", "") or "")))
		except (UnicodeDecodeError, LookupError, HeaderParseError):
			return super().set_subject()
		self.subject = " ".join(subject.split())[:140] or "No Subject"

	def process_part(self, part):
		"""An attached web page is an attachment, not the mail's body (Frappe would
		merge it into the message)."""
		if part.get_content_type() == "text/html" and part.get_content_disposition() == "attachment":
			self.get_attachment(part)
		else:
			super().process_part(part)

	# ------------------------------------------------------------------ where it goes
	def reference_document(self):
		"""The record a mail threads onto: none for automatic mail (no loop through a
		ticket); otherwise the one its headers or "#NAME" point to — if it is the
		writer's own (R-TKT-11: a reference copied into another client's mail opens
		nothing of theirs)."""
		if not self.kind.is_request:
			return ""
		record = super().reference_document()
		if record and record.doctype in (TICKET, COMPLAINT) and not self.writes_about(record):
			self._reference_document = record = ""
		return record

	def writes_about(self, record) -> bool:
		sender = (self.from_email or "").lower()
		if sender == (record.get("raised_by") or "").lower() or is_staff(sender):
			return True
		return bool(record.get("customer")) and sender in {e.lower() for e in client_emails(record.customer)}

	def match_record_by_subject_and_sender(self, doctype):
		"""Only the reference our mail carries ("#TKT-…"): a new mail whose subject
		merely resembles an older request of the same client is a new request
		(R-TKT-5: one ticket, one incident)."""
		if "#" not in (self.subject or ""):
			return None
		return self.get_doc(doctype, self.get_reference_name_from_subject(), ignore_error=True)

	def target_doctype(self) -> str | None:
		if not self.kind.is_request:
			return None
		settings = frappe.get_cached_doc("Assistance Settings")
		recipients = [
			self.mail.get("To") or "",
			self.mail.get("Cc") or "",
			self.mail.get("Delivered-To") or "",
		]
		if core.is_complaint(self.subject, recipients, [settings.get("complaint_email")]):
			return COMPLAINT
		return self.append_to if self.email_account.use_imap else self.email_account.append_to

	def _build_communication_doc(self):
		data = self.as_dict()
		data["doctype"] = "Communication"
		if self.parent_communication():
			data["in_reply_to"] = self.parent_communication().name
		reference = self.reference_document()
		made = None
		if reference:
			data["reference_doctype"], data["reference_name"] = reference.doctype, reference.name
		elif doctype := self.target_doctype():
			made = doctype
			data["reference_doctype"], data["reference_name"] = doctype, self.make_record(doctype)
		else:
			self.notes.append(_("No ticket: {0} ({1}).").format(_(self.kind.kind), _(self.kind.reason)))
		communication = frappe.get_doc(data)
		communication.flags.in_receive = True
		communication.flags.dds_new_request = bool(made)  # the request itself, not a reply to it
		communication.insert(ignore_permissions=True)
		communication.reload()
		communication.flags.dds_new_request = bool(made)
		communication._attachments = self.save_attachments_in_doc(communication)
		communication.content = sanitize_html(self.replace_inline_images(communication._attachments))
		communication.set(NOTE_FIELD, "\n".join(self.notes) or None)
		communication.save(ignore_permissions=True)
		if made == TICKET:  # described by the mail now: acknowledged with what it lacks
			acknowledge(frappe.get_doc(TICKET, communication.reference_name), mail=self)
		if reference and reference.doctype == TICKET and reference.status in FINAL_STATUSES:
			tell_ticket_is_closed(reference, self.from_email)
		return communication

	def make_record(self, doctype: str) -> str:
		"""A new ticket or complaint for this mail; on a ticket, our mail server's
		verdict on the sender (R-SAN-2: a forged sender sells nothing)."""
		record = frappe.new_doc(doctype)
		record.subject = frappe.as_unicode(self.subject)[:140]
		record.raised_by = frappe.as_unicode(self.from_email)
		if doctype == TICKET:
			settings = frappe.get_cached_doc("Assistance Settings")
			verdict = core.authentication(self.headers, settings.get("trusted_mail_server"), self.from_email)
			record.sender_verified, record.sender_check = int(verdict.verified), verdict.detail
			record.flags.dds_action = True  # the intake sets these fields, and nothing else
		record.flags.ignore_mandatory = True
		record.insert(ignore_permissions=True)
		return record.name

	# ------------------------------------------------------------------ attachments
	def save_attachments_in_doc(self, doc):
		"""Allowed attachments go, private, on the ticket (or complaint); the others
		stay on the mail with the reason; one too large to store is noted."""
		record = (doc.reference_doctype, doc.reference_name) if doc.reference_name else None
		saved = []
		for attachment in self.attachments:
			name, content = attachment["fname"], attachment["fcontent"]
			if isinstance(content, str):
				content = content.encode()
			target = record
			try:
				name = core_attachments.check_attachment(name, content, allowed_types(), max_bytes())
			except RuleError as error:
				target = None
				self.notes.append(
					_("Attachment {0} kept on the mail only: {1}").format(
						name, _(error.message).format(*error.args_)
					)
				)
			if len(content) > get_max_file_size():
				self.notes.append(_("Attachment {0} not stored: larger than the site's limit.").format(name))
				continue
			doctype, docname = target or (doc.doctype, doc.name)
			file = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": core_attachments.safe_file_name(name),
					"attached_to_doctype": doctype,
					"attached_to_name": docname,
					"is_private": 1,
					"content": content,
				}
			)
			file.flags.ignore_permissions = True
			try:
				file.insert()
			except (frappe.FileAlreadyAttachedException, frappe.DuplicateEntryError):
				continue
			saved.append(file)
			if attachment["fname"] in self.cid_map:
				self.cid_map[file.name] = self.cid_map[attachment["fname"]]
		return saved


def tell_ticket_is_closed(ticket, sender: str | None):
	"""R-TKT-5: a closed ticket is not reopened by a mail; its writer is told to open
	a new request. Sent as an automatic reply, so that no auto-responder answers it."""
	if not sender:
		return
	with client_language(sender):
		mail_client(
			ticket,
			_("Your request {0} is closed (#{0})").format(ticket.name),
			_(
				"Your message was added to the request {0}, which is closed: a closed request is not reopened. "
				"For a new incident, please send a new request (by e-mail or on your client portal)."
			).format(ticket.name),
			[sender],
			email_headers={"X-Auto-Response-Suppress": "All", "X-Autoreply": "yes"},
		)
