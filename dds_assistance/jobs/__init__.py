"""Scheduled work (``hooks.scheduler_events``): one module per job.

Every job selects its candidates from the current state — so running it twice,
or twice at once, changes nothing more — and works on each document in a
transaction of its own through :func:`dds_assistance.background.runner.for_each`.
"""
