def get_context(context):
	"""The message uses the document's own fields."""
