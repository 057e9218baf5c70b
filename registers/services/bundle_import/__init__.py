"""Importing a school bundle (data-exchange contract §1).

`csvfiles` reads and checks headers, `cells` and `parse` validate the small files,
`marks` streams marks.csv, `state` loads what is stored, `writes` plans and writes the
small tables, `staging` merges the marks set-based, and `service` ties them together.
"""

from .service import BundleImportResult, bundle_import

__all__ = ["BundleImportResult", "bundle_import"]
