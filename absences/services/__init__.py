"""Writes of the absences app: reports, leave requests, sign-in links, calls, emails."""
