"""Evidence files: checked by their content, not by their name or the browser's word."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gugus.core.errors import GugusError
from gugus.plans.config import rules


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str


PDF = FileKind("pdf", "application/pdf")
JPEG = FileKind("jpg", "image/jpeg")
PNG = FileKind("png", "image/png")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def sniff(head: bytes, data: bytes) -> FileKind | None:
    """The kind of a file from its first bytes (and, for XLSX, the parts of its zip)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return XLSX
    return None


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    kind: FileKind
    name: str
    sha256: str


def check_upload(upload) -> CheckedFile:
    """Reads an uploaded file (Django UploadedFile or any object with ``read``/``name``), refuses it when
    too large or not a PDF, JPEG, PNG or XLSX by content."""
    limit = rules().max_upload_bytes
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise GugusError(_("The file is larger than %(mb)s MB.") % {"mb": limit // 1_048_576}, field="evidence")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise GugusError(_("The file is larger than %(mb)s MB.") % {"mb": limit // 1_048_576}, field="evidence")
    if not data:
        raise GugusError(_("The file is empty."), field="evidence")
    kind = sniff(data[:16], data)
    if kind is None:
        raise GugusError(_("Attach a PDF, JPEG, PNG or XLSX file."), field="evidence")
    name = (getattr(upload, "name", "") or f"bukti.{kind.extension}").replace("/", "_").replace("\\", "_")[-150:]
    return CheckedFile(data, kind, name, hashlib.sha256(data).hexdigest())
