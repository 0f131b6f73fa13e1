"""How much a person may write in one go: the subject of a request or complaint,
its description, a reply. Past the maximum the text is refused with a clear
message — never cut without a word, never stored to run off a page."""

from dds_assistance.core.errors import RuleError

MAXIMA = {
	"subject": 140,  # one line, as in the mail's subject
	"description": 20_000,  # some pages of text and pasted logs; files go as attachments
	"message": 20_000,
	"complaint": 20_000,
	"serial_no": 140,
	"equipment_reference": 140,
}


def check_lengths(**texts: str | None) -> None:
	"""Refuse the first text longer than its maximum (counted after trimming the
	blanks at both ends)."""
	for field, text in texts.items():
		length = len((text or "").strip())
		if length > MAXIMA[field]:
			raise RuleError(
				"too_long",
				"{0} is too long: {1} characters at most, {2} sent. Shorten it, or attach a file.",
				field,
				MAXIMA[field],
				length,
			)
