"""E-mail intake decisions: loop and noise protection, complaints told apart, the
sender's authentication read from our own mail server (R-TKT-6, R-CPL-1, R-SAN-2)."""

import pytest

from dds_assistance.core import mail_intake as m

OURS = {"support@assistance.test", "reclamations@assistance.test"}
TRUSTED = "mail.assistance.test"


def headers(**values):
	items = []
	for name, value in values.items():
		for one in value if isinstance(value, list) else [value]:
			items.append((name.replace("_", "-"), one))
	return m.Headers(items)


def test_r_tkt_6_an_ordinary_mail_is_a_request():
	found = m.classify(headers(From="Labo Alpha <Client.Alpha@Example.com>", Subject="Export STL"), OURS)
	assert found.is_request and found.kind == m.REQUEST


@pytest.mark.parametrize(
	"extra, reason",
	[
		({"Auto_Submitted": "auto-replied"}, "Auto-Submitted"),
		({"Auto_Submitted": "auto-generated"}, "Auto-Submitted"),
		({"X_Autoreply": "yes"}, "x-autoreply"),
		({"X_Autorespond": "Absent"}, "x-autorespond"),
		({"Precedence": "bulk"}, "Precedence"),
		({"Precedence": "auto_reply"}, "Precedence"),
		({"Precedence": "junk"}, "Precedence"),
		({"X_Auto_Response_Suppress": "All"}, "X-Auto-Response-Suppress"),
	],
)
def test_automatic_replies_make_no_ticket(extra, reason):
	found = m.classify(headers(From="client@example.com", **extra), OURS)
	assert found.kind == m.AUTOMATIC and reason in found.reason


def test_auto_submitted_no_is_a_person_writing():
	assert m.classify(headers(From="client@example.com", Auto_Submitted="no"), OURS).is_request


@pytest.mark.parametrize(
	"values",
	[
		{"From": "MAILER-DAEMON@mail.example.com"},
		{"From": "postmaster@labo.example"},
		{"From": "x@example.com", "Return_Path": "<>"},
		{"From": "x@example.com", "X_Failed_Recipients": "support@assistance.test"},
		{
			"From": "x@example.com",
			"Content_Type": 'multipart/report; report-type=delivery-status; boundary="b"',
		},
	],
)
def test_bounces_make_no_ticket(values):
	assert m.classify(headers(**values), OURS).kind == m.BOUNCE


def test_our_own_mail_makes_no_ticket():
	assert m.classify(headers(From="Support <SUPPORT@assistance.test>"), OURS).kind == m.OWN


@pytest.mark.parametrize(
	"subject, recipients, expected",
	[
		("Réclamation : délai de réponse", ["support@assistance.test"], True),
		("RE: Fwd: reclamation ticket TKT-1", ["support@assistance.test"], True),
		("[Plainte] Technicien", ["support@assistance.test"], True),
		("Question", ["Réclamations <reclamations@assistance.test>"], True),
		("Question sur une réclamation d'un patient", ["support@assistance.test"], False),
		("Export STL impossible", ["support@assistance.test"], False),
		(None, [], False),
	],
)
def test_r_cpl_1_complaints_are_told_apart_from_requests(subject, recipients, expected):
	assert m.is_complaint(subject, recipients, ["reclamations@assistance.test"]) is expected


def auth(*values, sender="client.alpha@example.com", trusted=TRUSTED):
	return m.authentication(headers(Authentication_Results=list(values)), trusted, sender)


def test_smtp_auth_as_the_from_address_is_a_verified_sender():
	verdict = auth("mail.assistance.test; auth=pass smtp.auth=client.alpha@example.com")
	assert verdict.verified and "auth=pass" in verdict.detail


@pytest.mark.parametrize(
	"value",
	[
		"mail.assistance.test; dmarc=pass (p=reject) header.from=example.com",
		"mail.assistance.test; dkim=pass header.d=example.com header.s=s1; spf=fail",
		"mail.assistance.test; spf=pass smtp.mailfrom=bounce@mail.example.com",
		"Mail.Assistance.Test 1; dkim=pass (2048-bit key) header.i=@example.com",
	],
)
def test_aligned_dmarc_dkim_or_spf_pass_verifies(value):
	assert auth(value, sender="Client <client.alpha@mail.example.com>").verified is True


@pytest.mark.parametrize(
	"values, why",
	[
		([], "no authentication result from mail.assistance.test"),
		(["evil.example; dmarc=pass header.from=example.com"], "no authentication result"),  # another server
		(["mail.assistance.test; auth=pass smtp.auth=client.beta@example.com"], "not the sender's"),
		(["mail.assistance.test; dkim=pass header.d=other.example"], "not the sender's"),  # not aligned
		(["mail.assistance.test; dmarc=fail header.from=example.com"], "dmarc=fail"),
		(["mail.assistance.test; spf=softfail smtp.mailfrom=example.com"], "spf=softfail"),
	],
)
def test_r_san_2_forged_or_unauthenticated_senders_are_not_verified(values, why):
	verdict = auth(*values)
	assert verdict.verified is False and why in verdict.detail


def test_no_trusted_server_means_no_verified_sender():
	assert (
		auth("mail.assistance.test; auth=pass smtp.auth=client.alpha@example.com", trusted="").verified
		is False
	)
