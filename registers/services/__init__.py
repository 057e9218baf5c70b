"""Writes to the register. Each service is atomic, validates, and calls the pure rules."""
