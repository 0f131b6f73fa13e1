"""The one refusal of the domain core.

A rule that refuses something raises :class:`RuleError` with a stable ``code``,
the English message template (``{0}`` placeholders, the same string the French
translation file knows) and its arguments, so the Frappe side can translate it
(``dds_assistance.guards.refusals.throw_rule``).
"""


class RuleError(ValueError):
	"""A business rule refused something. ``message`` is an English template with
	``{0}``-style placeholders; ``args_`` fill them."""

	def __init__(self, code: str, message: str, *args):
		self.code, self.message, self.args_ = code, message, args
		super().__init__(message.format(*args))
