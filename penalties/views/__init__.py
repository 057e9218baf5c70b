"""Views of the penalties app, one module per area."""
