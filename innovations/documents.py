"""What an uploaded document may be: its size, and a type known by its name AND its content.

The extension alone is what a browser sends and anyone can rename; the first bytes (and, for
the zip-based office formats, the parts inside) say what the file really is. A file is
accepted only when both agree.
"""

from __future__ import annotations

import dataclasses
import zipfile
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A zip-based office file is judged from its central directory before any member is read:
# the declared sizes of all members and their number are capped (a zip bomb declares them).
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ZIP_MEMBERS = 5000
# The ODF ``mimetype`` member is the type's name, nothing more.
_MIMETYPE_MAX_BYTES = 200

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"

CONTENT_TYPES = {
    "pdf": PDF,
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
    "odt": ODT,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)

# The part each Office Open XML package must contain.
_OOXML_MAIN_PART = {
    DOCX: "word/document.xml",
    XLSX: "xl/workbook.xml",
    PPTX: "ppt/presentation.xml",
}


class DocumentRejected(ValueError):
    """The upload is not acceptable; the message says why, for the person uploading."""


@dataclasses.dataclass(frozen=True)
class AcceptedFile:
    name: str
    extension: str
    content_type: str
    size: int


def max_bytes() -> int:
    return int(getattr(settings, "SPOR_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "SPOR_DOCUMENT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES))


def max_zip_members() -> int:
    return int(getattr(settings, "SPOR_DOCUMENT_MAX_ZIP_MEMBERS", DEFAULT_MAX_ZIP_MEMBERS))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


def _sniff(handle: IO[bytes]) -> str | None:
    """The content type the bytes say, or None when they are none of the allowed kinds."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(handle) as archive:
                members = archive.infolist()
                _check_zip_directory(members)
                names = {member.filename for member in members}
                if "mimetype" in names:
                    mimetype = _read_small(archive, "mimetype")
                    if mimetype == ODT:
                        return ODT
                if "[Content_Types].xml" in names:
                    for content_type, part in _OOXML_MAIN_PART.items():
                        if part in names:
                            return content_type
        except DocumentRejected:
            raise
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return None
        finally:
            handle.seek(0)
    return None


def _check_zip_directory(members: list[zipfile.ZipInfo]) -> None:
    """Refuse from the central directory alone: too many members, or too much once unpacked."""
    most = max_zip_members()
    if len(members) > most:
        raise DocumentRejected(
            _("The file has more than %(count)s parts inside; it cannot be uploaded.")
            % {"count": most}
        )
    limit = max_unpacked_bytes()
    if sum(member.file_size for member in members) > limit:
        raise DocumentRejected(
            _("The file unpacks to more than %(limit)s; it cannot be uploaded.")
            % {"limit": human_size(limit)}
        )


def _read_small(archive: zipfile.ZipFile, name: str) -> str:
    """A short text member, read without trusting its declared size (never more than a few
    hundred bytes leave the decompressor)."""
    with archive.open(name) as member:
        return member.read(_MIMETYPE_MAX_BYTES).decode("ascii", "replace").strip()


def check_upload(name: str, size: int | None, handle: IO[bytes]) -> AcceptedFile:
    """Accept the file or raise ``DocumentRejected`` with a message that says what to do."""
    clean_name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    extension = clean_name.rsplit(".", 1)[-1].lower() if "." in clean_name else ""
    allowed = ", ".join(sorted({e for e in ALLOWED_EXTENSIONS if e != "jpeg"}))
    if extension not in CONTENT_TYPES:
        raise DocumentRejected(
            _("Files of type “%(ext)s” cannot be uploaded. Allowed types: %(allowed)s.")
            % {"ext": extension or _("none"), "allowed": allowed}
        )
    if size is None:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(0)
    if size == 0:
        raise DocumentRejected(_("The file is empty."))
    limit = max_bytes()
    if size > limit:
        raise DocumentRejected(
            _("The file is %(size)s; the largest file you can upload is %(limit)s.")
            % {"size": human_size(size), "limit": human_size(limit)}
        )
    expected = CONTENT_TYPES[extension]
    actual = _sniff(handle)
    if actual != expected:
        raise DocumentRejected(
            _(
                "The file is named .%(ext)s but its content is not a %(ext)s file. "
                "Save it again in that format, or upload it with its right name."
            )
            % {"ext": extension}
        )
    return AcceptedFile(
        name=clean_name[:255], extension=extension, content_type=expected, size=size
    )
