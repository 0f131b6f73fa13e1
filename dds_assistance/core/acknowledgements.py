"""The acknowledgement of a new request, as a good helpdesk sends it at once
(R-TKT-6, R-TKT-8, R-TKT-9, R-TKT-4, R-SAN-2): whether a new request is answered,
with which message, and what that message must say.

* ``decide``: one acknowledgement per request, for the channels where the client is
  not talking with an agent (e-mail, the portal, the web form); never to an address
  that may not be answered (automatic mail, bounces, lists, our own addresses —
  ``mail_intake.may_answer``); a request refused at receipt gets its refusal
  instead. A client's request gets "request received"; a sender who is not a client
  gets "not a client's address" — only if our mail server authenticated them: an
  unauthenticated sender may be forged, and answering would send our mail to
  whoever the forger named (backscatter).
* ``contents``: what the "request received" message says besides the reference, the
  receipt and the first-response due time: what is missing and how to complete it
  (R-TKT-8), the price and payment before any work for an on-demand ticket (R-TKT-4),
  the Premium coverage for a covered one (R-TKT-1), the sender to be confirmed
  (R-SAN-2), a late request to be reviewed (R-TKT-7).

Pure functions over plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dds_assistance.core.tickets import ON_DEMAND, PREMIUM, REJECTED, late_window_applies

RECEIVED = "Request Received"
NOT_A_CLIENT = "Not a Client"
KINDS = (RECEIVED, NOT_A_CLIENT)

# where the client sent the request alone; on the phone the agent speaks with them
ACKNOWLEDGED_CHANNELS = frozenset({"E-mail", "Portal", "Web Form"})

# why a new request gets no acknowledgement
ALREADY = "already acknowledged"
OTHER_CHANNEL = "not a channel acknowledged automatically"
NO_ADDRESS = "no address to answer"
REFUSED = "refused at receipt: the refusal is sent instead"
NOT_ANSWERABLE = "an address that may not be answered"
UNVERIFIED_STRANGER = "not a client's address, and the sender is not authenticated: no answer"


@dataclass(frozen=True)
class Decision:
	kind: str | None  # RECEIVED, NOT_A_CLIENT, or None: no acknowledgement
	reason: str = ""  # why none (for the agent and the logs)

	@property
	def send(self) -> bool:
		return self.kind is not None


def decide(
	*,
	channel: str | None,
	status: str | None,
	address: str | None,
	client_known: bool,
	sender_verified: bool,
	already_acknowledged: bool,
	answerable: bool = True,
	not_answerable_because: str = "",
) -> Decision:
	"""Whether (and how) a new request is acknowledged. ``answerable`` is the verdict
	on the address and, for a mail, its headers (``mail_intake.may_answer``), and
	``not_answerable_because`` what it found (the reason of the decision)."""
	if already_acknowledged:
		return Decision(None, ALREADY)
	if channel not in ACKNOWLEDGED_CHANNELS:
		return Decision(None, OTHER_CHANNEL)
	if not (address or "").strip():
		return Decision(None, NO_ADDRESS)
	if status == REJECTED:
		return Decision(None, REFUSED)
	if not answerable:
		return Decision(None, not_answerable_because or NOT_ANSWERABLE)
	if client_known:
		return Decision(RECEIVED)
	if sender_verified:
		return Decision(NOT_A_CLIENT)
	return Decision(None, UNVERIFIED_STRANGER)


@dataclass(frozen=True)
class Contents:
	"""The paragraphs of the "request received" message that apply."""

	missing: tuple[str, ...]  # R-TKT-8: the keys of what the request lacks
	on_demand: bool  # R-TKT-4: invoiced, paid before any work
	covered: bool  # R-TKT-1: covered by the client's Premium plan
	sender_to_confirm: bool  # R-SAN-2: the e-mail's sender is confirmed before anything is sold
	late: bool  # R-TKT-7: reviewed by an agent before it is accepted

	@property
	def incomplete(self) -> bool:
		return bool(self.missing)


def contents(*, missing: Sequence[str], coverage: str | None, sender_held: bool, late: bool) -> Contents:
	return Contents(
		missing=tuple(missing),
		on_demand=coverage == ON_DEMAND,
		covered=coverage == PREMIUM,
		sender_to_confirm=bool(sender_held),
		late=bool(late) and late_window_applies(coverage),
	)
