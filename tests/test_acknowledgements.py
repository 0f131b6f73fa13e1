"""The acknowledgement of a new request (R-TKT-6, R-TKT-8, R-TKT-9, R-TKT-4, R-SAN-2):
one per request, where the client wrote alone, never to an address that may not
be answered, never to a forged stranger (no backscatter)."""

import pytest

from dds_assistance.core import acknowledgements as a
from dds_assistance.core import mail_intake as m

OURS = {"support@assistance.test", "reclamations@assistance.test"}


def decide(**values):
	facts = {
		"channel": "E-mail",
		"status": "Incomplete",
		"address": "client@example.com",
		"client_known": True,
		"sender_verified": True,
		"already_acknowledged": False,
	}
	facts.update(values)
	return a.decide(**facts)


def test_r_tkt_6_a_clients_new_request_by_mail_or_portal_is_acknowledged():
	for channel in ("E-mail", "Portal", "Web Form"):
		assert decide(channel=channel).kind == a.RECEIVED


def test_r_san_2_a_clients_address_is_answered_even_unauthenticated():
	# the answer goes to the client's own known address: no third party is written to
	assert decide(sender_verified=False).kind == a.RECEIVED


def test_r_san_2_an_authenticated_stranger_is_told_the_address_is_not_a_clients():
	assert decide(client_known=False, sender_verified=True).kind == a.NOT_A_CLIENT


def test_r_san_2_an_unauthenticated_stranger_gets_no_answer_no_backscatter():
	decision = decide(client_known=False, sender_verified=False)
	assert not decision.send and "not authenticated" in decision.reason


@pytest.mark.parametrize(
	"values, why",
	[
		({"already_acknowledged": True}, "already acknowledged"),
		({"channel": "Phone"}, "not a channel"),
		({"channel": None}, "not a channel"),
		({"address": " "}, "no address"),
		({"status": "Rejected"}, "refusal is sent instead"),
		({"answerable": False, "not_answerable_because": "a mailing list"}, "a mailing list"),
	],
)
def test_never_twice_never_where_it_may_not_go(values, why):
	decision = decide(**values)
	assert decision.kind is None and why in decision.reason


def test_r_tkt_8_r_tkt_4_what_the_message_says():
	on_demand = a.contents(missing=["serial_no"], coverage="On-demand", sender_held=True, late=True)
	assert on_demand.incomplete and on_demand.missing == ("serial_no",)
	assert on_demand.on_demand and not on_demand.covered
	assert on_demand.sender_to_confirm and on_demand.late
	covered = a.contents(missing=[], coverage="Premium", sender_held=False, late=True)
	assert not covered.incomplete and covered.covered and not covered.on_demand
	assert not covered.late  # the 24-hour window is the on-demand ticket's (CGV art. 5)


def headers(**values):
	return m.Headers([(name.replace("_", "-"), value) for name, value in values.items()])


@pytest.mark.parametrize(
	"values, kind",
	[
		({"From": "Labo <client@example.com>"}, m.REQUEST),
		({"From": "client@example.com", "Auto_Submitted": "auto-replied"}, m.AUTOMATIC),
		({"From": "client@example.com", "Precedence": "list"}, m.AUTOMATIC),
		({"From": "MAILER-DAEMON@example.com"}, m.BOUNCE),
		({"From": "client@example.com", "List_Id": "<labos.example.com>"}, m.LIST),
		({"From": "client@example.com", "List_Unsubscribe": "<mailto:u@example.com>"}, m.LIST),
		({"From": "no-reply@example.com"}, m.NO_ANSWER),
		({"From": "noreply+abc@example.com"}, m.NO_ANSWER),
		({"From": "labos-request@example.com"}, m.NO_ANSWER),
		({"From": "owner-labos@example.com"}, m.NO_ANSWER),
		({"From": "Support <Support@Assistance.test>"}, m.OWN),
		({"Subject": "no sender"}, m.NO_ANSWER),
	],
)
def test_rfc_3834_an_automatic_answer_goes_only_to_a_person(values, kind):
	assert m.may_answer(headers(**values), OURS).kind == kind


def test_an_address_that_merely_contains_reply_is_a_person():
	assert m.answerable_address("replyer@example.com", OURS).is_request
	assert m.answerable_address("donna.owner.lab@example.com", OURS).is_request
