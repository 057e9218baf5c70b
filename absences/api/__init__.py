"""The absences endpoints: parents' absence reports from a parent app, and the queue."""
