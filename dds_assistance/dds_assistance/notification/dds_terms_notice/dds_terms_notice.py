def get_context(context):
	"""R-TERMS-3: the notice carries its own subject and message."""
