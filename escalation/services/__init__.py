"""Writes of the escalation engine: statuses, duties, cases."""
