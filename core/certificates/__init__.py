"""Certificates any app can issue: a Vietnamese administrative-document PDF, a per-year number register,
verification codes and the QR code to the public check on the configured site address.

Public API (an app issuing certificates — learning's course certificates, contests' awards — uses these):

- `IssuedCertificate` (abstract model): the fields a certificate stores at issue (number, holder's
  unit, issuing agency, signer, signature and seal files). Inherit it in the app's certificate model.
- `IssuerSnapshot`: the issuing agency and signer for a holder's unit; `org.selectors.
  certificate_issuer_for_unit(unit=…)` returns one (nearest unit up the tree with a signer set by an
  administrator). `snapshot.model_fields()` gives the fields to store.
- `certificate_number_next(issuer_key=, series=, year=) -> "007/2026/CN"`: the next number of the
  agency's register for that series and year (call inside the issuing transaction).
- `new_verification_code()`, `normalise_code(typed)`: codes printed on the certificate.
- `site_url(path)`: absolute address on THADS_SITE_URL (for the QR code and the printed address).
- `CertificateDocument`, `CertificateIssuer`, `certificate_pdf(document) -> bytes`: the PDF (pure);
  `issuer_from_stored(certificate)` rebuilds the printed issuer (with images) from the stored fields.
  `revoked_on=` stamps it "ĐÃ THU HỒI".
"""

from core.certificates.codes import VERIFICATION_ALPHABET, new_verification_code, normalise_code
from core.certificates.pdf import (
    FONT_PATH,
    CertificateDocument,
    CertificateIssuer,
    certificate_pdf,
    date_line,
    qr_png,
)
from core.site import site_url

__all__ = [
    "FONT_PATH", "VERIFICATION_ALPHABET", "CertificateDocument", "CertificateIssuer", "IssuedCertificate",
    "IssuerSnapshot", "certificate_number_next", "certificate_pdf", "date_line", "issuer_from_stored",
    "new_verification_code", "normalise_code", "qr_png", "site_url",
]


def __getattr__(name: str):  # noqa: ANN202
    # Model-backed names load lazily, so that the pure parts import before the app registry is ready.
    if name == "IssuedCertificate":
        from core.certificates.models import IssuedCertificate

        return IssuedCertificate
    if name == "certificate_number_next":
        from core.certificates.services import certificate_number_next

        return certificate_number_next
    if name in {"IssuerSnapshot", "issuer_from_stored"}:
        from core.certificates import stored

        return getattr(stored, name)
    raise AttributeError(name)
