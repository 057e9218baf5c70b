"""Reading a page's form the way a browser submits it (kept apart from the locustfile,
whose import of locust patches the standard library for gevent)."""

from __future__ import annotations

import re
from html import unescape

_INPUT_RE = re.compile(r"<input\b[^>]*>", re.I)
_ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')
_SELECT_RE = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.I | re.S)
_SELECTED_RE = re.compile(r"<option\b[^>]*\bvalue=\"([^\"]*)\"[^>]*\bselected\b", re.I)


def form_fields(html: str) -> dict[str, str]:
    """Every named text, hidden and checked input and every select of the page, with
    the value a browser would send."""
    fields: dict[str, str] = {}
    for tag in _INPUT_RE.findall(html):
        attrs = {k.lower(): unescape(v) for k, v in _ATTR_RE.findall(tag)}
        kind = attrs.get("type", "text").lower()
        if "name" not in attrs or kind in ("submit", "button", "file"):
            continue
        if kind in ("radio", "checkbox") and "checked" not in tag.lower():
            continue
        fields[attrs["name"]] = attrs.get("value", "")
    for tag, options in _SELECT_RE.findall(html):
        name = dict(_ATTR_RE.findall(tag)).get("name")
        if name:
            selected = _SELECTED_RE.search(options)
            fields[name] = unescape(selected.group(1)) if selected else ""
    return fields
