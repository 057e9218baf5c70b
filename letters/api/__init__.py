"""The letters endpoints: letters' metadata and their stored PDFs."""
