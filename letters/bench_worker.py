"""The worker processes of the letters benchmark (letters/bench.py).

Kept apart from bench.py, which imports models at the top: a freshly spawned process
imports this module before Django is set up, so it imports Django's parts only inside
the functions, after `django.setup()`.
"""

from __future__ import annotations

import resource


def start(database: dict, media_root: str) -> None:
    """Set Django up in a fresh worker, on the benchmark's database and files."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    connections["default"].settings_dict.update(database)
    settings.MEDIA_ROOT = media_root


def render_chunk(ids: list[int]) -> tuple[int, int, int]:
    """Render one chunk; returns (rendered, failed, peak RSS of this process in kB)."""
    from letters.services import letters_render

    rendered, failed = letters_render(letter_ids=ids)
    return rendered, failed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
