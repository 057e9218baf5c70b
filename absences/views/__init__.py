"""Views of the absences app: the public form, the parent portal and the office's pages."""
