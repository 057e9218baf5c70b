"""Subject access export: all the data held about one pupil at one school, as a zip."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from registers.models import AccessEvent, AccessKind, Pupil, School, User
from registers.subject_access import Entry, SubjectAccessSource, person, subject_access_sources

# Past this the zip moves from memory to a temporary file on disk.
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class SubjectAccessExport:
    filename: str
    file: IO[bytes]  # positioned at the start; the caller closes it
    files: int


def export_filename(*, pupil: Pupil, on: dt.date) -> str:
    return f"sar-{pupil.upn}-{on.isoformat()}.zip"


def _checked(source: SubjectAccessSource, entry: Entry, seen: set[str]) -> Entry:
    """A source writes only under its own folder, with plain relative paths, once each."""
    parts = entry.path.split("/")
    if parts[0] != source.key or len(parts) < 2 or "" in parts or ".." in parts:
        raise ValueError(f"{source.key}: bad path in the export: {entry.path!r}")
    if "\\" in entry.path or entry.path in seen:
        raise ValueError(f"{source.key}: bad or repeated path in the export: {entry.path!r}")
    seen.add(entry.path)
    return entry


def _collect(*, pupil: Pupil, school: School) -> list[Entry]:
    seen: set[str] = set()
    entries = [
        _checked(source, entry, seen)
        for source in subject_access_sources()
        for entry in source.collect(pupil=pupil, school=school)
    ]
    return sorted(entries, key=lambda e: e.path)


def _manifest(
    *, pupil: Pupil, school: School, user: User, at: dt.datetime, files: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "format": "attendance-subject-access/1",
        "school": {"urn": school.urn, "name": school.name},
        "pupil": {
            "id": pupil.pk,
            "upn": pupil.upn,
            "forename": pupil.forename,
            "surname": pupil.surname,
            "date_of_birth": pupil.date_of_birth.isoformat(),
        },
        "exported_by": {"name": person(user), "position": user.position},
        "exported_at": at.isoformat(),
        "sources": [
            {"folder": s.key, "holds": s.description, "not_included": dict(s.leaves_out)}
            for s in subject_access_sources()
        ],
        "files": files,
    }


def _readme(manifest: dict[str, Any]) -> str:
    pupil, school, by = manifest["pupil"], manifest["school"], manifest["exported_by"]
    lines = [
        "Subject access export",
        "=====================",
        "",
        f"Pupil: {pupil['forename']} {pupil['surname']}, UPN {pupil['upn']}, "
        f"born {pupil['date_of_birth']}",
        f"School: {school['name']} (URN {school['urn']})",
        f"Exported by: {by['name']}{', ' + by['position'] if by['position'] else ''}",
        f"Exported at: {manifest['exported_at']}",
        "",
        "Every record the attendance system holds about the pupil at this school, as JSON",
        "files (dates in ISO 8601, amounts as strings, coded values with their meaning) and",
        "the PDFs of letters as they were sent. manifest.json lists the same, for machines.",
        "",
    ]
    for source in manifest["sources"]:
        lines += [f"{source['folder']}/", f"  {source['holds']}"]
        lines += [
            f"  Not included: {model}: {why}." for model, why in source["not_included"].items()
        ]
        lines.append("")
    lines += ["SHA-256 of each file (check with `sha256sum -c` on these lines):", ""]
    lines += [f"{f['sha256']}  {f['path']}" for f in manifest["files"]]
    return "\n".join(lines) + "\n"


def _write(archive: zipfile.ZipFile, path: str, content: bytes, at: dt.datetime) -> None:
    info = zipfile.ZipInfo(path, date_time=at.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, content)


@transaction.atomic
def subject_access_export(
    *, pupil: Pupil, school: School, requested_by: User, path: str = ""
) -> SubjectAccessExport:
    """Write the export and record it in the access audit.

    1. Ask every registered source for its entries about the pupil at the school.
    2. Write them into a zip in path order, with the time of the export as each file's
       time, so two exports of unchanged data differ only in that time and the README.
    3. Add manifest.json and README.txt: who, what, when, and each file's SHA-256.
    4. Record an export event naming the file (`path`: the page it was asked from).
    """
    at = timezone.localtime()
    filename = export_filename(pupil=pupil, on=at.date())
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    files: list[dict[str, Any]] = []
    with zipfile.ZipFile(spool, "w") as archive:
        for entry in _collect(pupil=pupil, school=school):
            content = entry.payload()
            _write(archive, entry.path, content, at)
            files.append(
                {
                    "path": entry.path,
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "bytes": len(content),
                }
            )
        manifest = _manifest(pupil=pupil, school=school, user=requested_by, at=at, files=files)
        _write(archive, "manifest.json", Entry("manifest.json", manifest).payload(), at)
        _write(archive, "README.txt", _readme(manifest).encode(), at)
    spool.seek(0)
    AccessEvent.objects.create(
        user=requested_by,
        user_name=(person(requested_by) or "")[:200],
        school=school,
        pupil=pupil,
        kind=AccessKind.EXPORT,
        view_name="subject_access_export",
        path=path[:500],
        detail=f"Subject access export {filename}"[:200],
    )
    return SubjectAccessExport(filename=filename, file=spool, files=len(files) + 2)
