"""The per-year certificate register and the fields every issued certificate keeps (an abstract model)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateRegister(models.Model):
    """The last number given in one register: one per issuing agency, series and calendar year."""

    issuer_key = models.CharField(_("issuing agency"), max_length=40)
    series = models.CharField(_("series"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        app_label = "core"
        verbose_name = _("certificate register")
        verbose_name_plural = _("certificate registers")
        constraints = [
            models.UniqueConstraint(fields=["issuer_key", "series", "year"], name="core_certificate_register_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year} ({self.issuer_key}): {self.last_number}"


class IssuedCertificate(models.Model):
    """What a certificate prints, copied at issue so that a reprint never changes: the number, the
    holder's unit, the issuing agency and its signer, and the signature and seal files used."""

    number = models.CharField(_("number"), max_length=40, blank=True)
    holder_unit_name = models.CharField(_("unit at issue"), max_length=200, blank=True)
    issuer_agency = models.CharField(_("issuing agency"), max_length=200, blank=True)
    issuer_parent_agency = models.CharField(_("superior agency"), max_length=200, blank=True)
    issuer_place = models.CharField(_("place of issue"), max_length=100, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    signature_file = models.CharField(max_length=255, blank=True)
    seal_file = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True
