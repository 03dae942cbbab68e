"""Writes of the certificate machinery: numbers from the per-year register."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core.certificates.models import CertificateRegister


def number_format(*, number: int, year: int, series: str) -> str:
    """"007/2026/CN": the number in its year's register, the year, the series."""
    return f"{number:03d}/{year}/{series}"


@transaction.atomic
def certificate_number_next(*, issuer_key: str, series: str, year: int) -> str:
    """Take the next number of the register (issuer_key, series, year) and return it formatted.

    Numbers start at 1 each calendar year and are never given twice: the register row is locked
    (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers). Call it inside the transaction
    that stores the certificate, so that a rolled-back issue gives its number back.
    """
    for _attempt in range(3):
        register = CertificateRegister.objects.select_for_update().filter(
            issuer_key=issuer_key, series=series, year=year).first()
        if register is None:
            try:
                with transaction.atomic():
                    register = CertificateRegister.objects.create(issuer_key=issuer_key, series=series, year=year)
            except IntegrityError:  # created by a concurrent issue: lock it and go on
                continue
        register.last_number += 1
        register.save(update_fields=["last_number"])
        return number_format(number=register.last_number, year=year, series=series)
    raise RuntimeError("certificate register could not be locked")
