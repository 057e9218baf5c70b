"""Keep the published OpenAPI schema the same whatever database generates it.

Django bounds positive integer fields by the database's column range (32767 or
2147483647 on PostgreSQL, 2**63 - 1 on SQLite), and drf-spectacular copies that bound
into the schema; the bound is storage detail, not part of the contract, so it is
dropped (with the `int64` format SQLite's range implies)."""

from __future__ import annotations

from typing import Any

STORAGE_BOUNDS = {32767, 2147483647, 9223372036854775807}


def _strip(node: Any) -> None:
    if isinstance(node, dict):
        bounded = node.get("type") == "integer" and node.get("maximum") in STORAGE_BOUNDS
        if bounded and node.pop("maximum") == 9223372036854775807 and node.get("format") == "int64":
            node.pop("format")
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


def drop_storage_bounds(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook (see SPECTACULAR_SETTINGS)."""
    _strip(result)
    return result
