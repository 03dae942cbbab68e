"""From what a certificate stored at issue (core.certificates.models.IssuedCertificate) back to the printed issuer."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage

from core.certificates.pdf import CertificateIssuer


@dataclass(frozen=True)
class IssuerSnapshot:
    """The issuing agency and signer as they are at issue; `key` names the agency's number register.

    `signature_file` and `seal_file` are names in the default storage (MEDIA_ROOT), or "".
    """

    key: str
    agency: str
    parent_agency: str = ""
    place: str = ""
    signer_title: str = ""
    signer_name: str = ""
    signature_file: str = ""
    seal_file: str = ""

    def model_fields(self) -> dict[str, str]:
        """The IssuedCertificate fields to store (number and holder's unit are the caller's)."""
        return {
            "issuer_agency": self.agency, "issuer_parent_agency": self.parent_agency, "issuer_place": self.place,
            "signer_title": self.signer_title, "signer_name": self.signer_name,
            "signature_file": self.signature_file, "seal_file": self.seal_file,
        }


def _read(name: str) -> bytes | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None  # a removed image leaves its space empty rather than refusing the certificate


def issuer_from_stored(certificate) -> CertificateIssuer:  # noqa: ANN001
    """The issuer printed on a stored certificate (any model with the IssuedCertificate fields)."""
    return CertificateIssuer(
        agency=certificate.issuer_agency, parent_agency=certificate.issuer_parent_agency,
        place=certificate.issuer_place, signer_title=certificate.signer_title, signer_name=certificate.signer_name,
        signature_image=_read(certificate.signature_file), seal_image=_read(certificate.seal_file),
    )
