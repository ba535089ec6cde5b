"""Official document numbers: one gap-free sequence per issuer, type and year (or party term)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from danvan.core.models import DocumentSequence

if TYPE_CHECKING:
    from danvan.organisations.models import Organisation


@transaction.atomic
def next_document_number(*, issuer: Organisation, doc_type: str, period: str) -> int:
    """The next number for `issuer`'s documents of `doc_type` in `period`; never given twice.

    Call it inside the transaction that saves the numbered document: if that transaction rolls
    back, the number is handed out again, so the register keeps no gaps.
    """
    key = {"issuer": issuer, "doc_type": doc_type, "period": period}
    sequence = DocumentSequence.objects.select_for_update().filter(**key).first()
    if sequence is None:
        try:
            # A savepoint: losing the race to create the row must not spoil the caller's
            # transaction; the winner's row is then locked and counted on below.
            with transaction.atomic():
                DocumentSequence.objects.create(**key, last_number=1)
        except IntegrityError:
            sequence = DocumentSequence.objects.select_for_update().get(**key)
        else:
            return 1
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number
