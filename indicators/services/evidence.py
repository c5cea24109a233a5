"""Medios de verificación: adding a file (checked by content, hashed) and withdrawing it (kept, never
deleted)."""

from __future__ import annotations

import contextlib
import datetime
import errno
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, Stage
from evaluation.services import submission_get_locked
from indicators import evidence as evidence_rules
from indicators.models import (
    Evidence,
    Indicator,
)
from indicators.services.guards import authorize_edit, authorize_shared_edit, check_window, locked_error

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed the checks: its kind by content, a safe name and its SHA-256."""

    kind: evidence_rules.FileKind
    name: str
    sha256: str


def checked_upload(upload: UploadedFile) -> CheckedUpload:
    """Check an uploaded file's size and its content's type (pdf, xlsx, docx, png, jpg, whatever its name
    says) and hash it; raises ValidationError with the reason. Every file pbr keeps passes here."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("El archivo pesa %(size)s MB; el máximo es %(limit)s MB.")
            % {"size": round(upload.size / 2**20, 1), "limit": limit // 2**20}
        )
    kind = evidence_rules.detect(upload)
    if kind is None:
        raise ValidationError(_("El contenido del archivo no es PDF, XLSX, DOCX, PNG ni JPG; no se guardó."))
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind, evidence_rules.safe_name(upload.name or "archivo", kind), digest.hexdigest())


def evidence_add(
    *,
    user: AbstractBaseUser,
    indicator: Indicator,
    cycle: EvaluationCycle,
    year: int,
    upload: UploadedFile,
    description: str = "",
) -> Evidence:
    """Store a medio de verificación after checking its size and its content's type: its file and its row,
    both or neither.

    Raises ValidationError with the reason when the file is too large, empty, or not one of the allowed
    types (pdf, xlsx, docx, png, jpg), whatever its name says, or when the storage cannot keep it (a full disk,
    a folder it may not write). The file is written only after every check passed, whole or not at all
    (core/storage.py), and removed again if its row is not committed with it.
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _evidence_add(
                user=user,
                indicator=indicator,
                cycle=cycle,
                year=year,
                upload=upload,
                description=description,
                into=stored,
            )
    except BaseException:
        for name in stored:  # the row was not committed: leave no file without it
            with contextlib.suppress(Exception):
                default_storage.delete(name)
        raise


def _evidence_add(*, user, indicator, cycle, year, upload, description, into: list[str]) -> Evidence:
    authorize_edit(user=user, region=indicator.region, cycle=cycle)
    check_window(cycle=cycle, year=year)
    checked = checked_upload(upload)
    evidence = Evidence(
        indicator=indicator,
        year=year,
        original_name=checked.name,
        content_type=checked.kind.content_type,
        size=upload.size,
        sha256=checked.sha256,
        description=description.strip(),
        uploaded_by=user,
    )
    evidence.full_clean(exclude=["file"])
    try:
        evidence.file.save(evidence.original_name, upload, save=False)
    except Exception as error:
        logger.error("evidence not stored (%s of %s, %s bytes): %s", indicator.code, year, upload.size, error)
        raise ValidationError(
            _(
                "El servidor no pudo guardar el archivo (%(reason)s); no se registró nada. Intente de nuevo más "
                "tarde y, si vuelve a ocurrir, avise al administrador."
            )
            % {"reason": _storage_failure(error)}
        ) from error
    into.append(evidence.file.name)
    evidence._history_user = user
    evidence.save()
    return evidence


def _storage_failure(error: Exception) -> str:
    """Return what went wrong with the storage, in the person's words."""
    number = getattr(error, "errno", None)
    if number in (errno.ENOSPC, errno.EDQUOT):
        return _("no queda espacio en el disco")
    if number in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("la carpeta de archivos no admite escritura")
    return _("el almacenamiento de archivos no respondió")


@transaction.atomic
def evidence_withdraw(*, user: AbstractBaseUser, evidence: Evidence, cycle: EvaluationCycle) -> Evidence:
    """Withdraw a file from the indicator's evidence; it is kept, never deleted.

    Refused while any open cycle that covers the file's year has the region's data sent or approved.
    """
    region = evidence.indicator.region
    check_window(cycle=cycle, year=evidence.year)
    locked = authorize_shared_edit(user=user, region=region, cycle=cycle, keys=set())
    for other in EvaluationCycle.objects.exclude(stage=Stage.CLOSED).filter(year__gte=evidence.year).order_by("year"):
        if other.pk in locked or other.first_year > evidence.year:
            continue
        submission = submission_get_locked(region=region, cycle=other)
        if not submission.is_editable:
            raise locked_error(region, other, submission)
    evidence.withdrawn = True
    evidence._history_user = user
    evidence.save()
    return evidence


@dataclass(frozen=True)
class StorageAudit:
    """What the evidence storage and the Evidence rows disagree on."""

    orphans: list[str]  # files no row names, old enough not to be an upload under way
    missing: list[str]  # files rows name that the storage lacks


def evidence_storage_audit(*, older_than: datetime.timedelta, delete_orphans: bool = False) -> StorageAudit:
    """Compare the evidence folder with the Evidence rows; remove the orphan files when asked.

    An orphan is left when a process dies between writing a file and committing its row (evidence_add removes
    the file on every other failure); a missing file means the storage lost it (restore it from a backup).
    """
    named = set(Evidence.objects.values_list("file", flat=True))
    limit = timezone.now() - older_than
    found = set(_files_under(default_storage, "evidencia"))
    orphans = sorted(name for name in found - named if default_storage.get_modified_time(name) < limit)
    if delete_orphans:
        for name in orphans:
            default_storage.delete(name)
            logger.warning("orphan evidence file removed: %s", name)
    return StorageAudit(orphans, sorted(named - found))


def _files_under(storage, folder: str):
    folders, files = storage.listdir(folder) if storage.exists(folder) else ([], [])
    for name in files:
        yield f"{folder}/{name}"
    for inner in folders:
        yield from _files_under(storage, f"{folder}/{inner}")
