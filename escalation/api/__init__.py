"""The engine's endpoints: pupil status and flags, cases and their history."""
