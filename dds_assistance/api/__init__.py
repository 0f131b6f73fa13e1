"""The app's endpoints (whitelisted functions), one module per concern: each
checks who may call it, then asks a controller. Every HTTP call of them first
goes through ``dds_assistance.web.endpoints`` (arguments checked, tracebacks hidden
from clients)."""
