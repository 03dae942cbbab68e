from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

PATH_SEGMENT = 6  # digits per level in Unit.path: ids up to 999,999


class UnitKind(models.Model):
    """A level name of the unit tree (provincial agency, district branch, regional office, division…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and all its descendants, in one query at any depth (materialised path)."""
        return self.filter(path__startswith=unit.path)

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.ForeignKey(UnitKind, verbose_name=_("level"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "000001/000007/": the ids from the root, each zero-padded; maintained by org.services.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self) -> list[str]:
        """The paths of this unit and of every unit above it, root first (``path`` is one
        ``PATH_SEGMENT``-digit id and a slash per level)."""
        step = PATH_SEGMENT + 1
        return [self.path[:end] for end in range(step, len(self.path) + 1, step)]


class Position(models.Model):
    """A job title (chức danh); the list is data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.name


class ITLevel(models.TextChoices):
    NONE = "none", _("None")
    A = "a", _("Certificate A")
    B = "b", _("Certificate B")
    BASIC = "basic", _("Basic IT standard")
    ADVANCED = "advanced", _("Advanced IT standard")


class OfficerQuerySet(models.QuerySet):
    def active(self) -> OfficerQuerySet:
        return self.filter(is_active=True)

    def in_units(self, units: models.QuerySet[Unit]) -> OfficerQuerySet:
        return self.filter(unit__in=units)


class Officer(models.Model):
    """A staff member. The official e-mail is the key that joins every data source."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="officer"
    )
    email = models.EmailField(_("official e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="officers")
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="officers"
    )
    it_level = models.CharField(_("IT level"), max_length=10, choices=ITLevel.choices, default=ITLevel.NONE)
    is_it_focal = models.BooleanField(_("IT focal person"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Case-insensitive, accent-free copy of the name for search ("nguyen van a").
    search_name = models.CharField(max_length=150, db_index=True, editable=False, default="")

    objects = OfficerQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "full_name"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="org_officer_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name


class StaffImport(models.Model):
    """One uploaded staff list: previewed first, applied only when every row is valid and confirmed."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        INVALID = "invalid", _("Has errors")
        APPLIED = "applied", _("Applied")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    rows = models.JSONField(default=list)  # normalised rows, as validated
    errors = models.JSONField(default=list)  # [{"row", "column", "message"}]
    summary = models.JSONField(default=dict)  # {"create": n, "update": n, "unchanged": n}
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")

    def __str__(self) -> str:
        return self.file_name


def _signatory_upload(instance, filename: str) -> str:  # noqa: ANN001
    return f"org/signatories/{instance.unit_id}/{filename}"


class UnitSignatory(models.Model):
    """How a unit signs the certificates it issues (set by an administrator): the agency name as printed,
    the body above it, the place in the date line, the signer, and optional signature and seal images.

    A certificate is issued by the holder's unit or, failing a signatory there, the nearest unit above
    that has one (org.selectors.certificate_issuer_for_unit).
    """

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="signatory")
    agency_name = models.CharField(_("issuing agency (as printed)"), max_length=200, blank=True,
                                   help_text=_("Empty: the unit's name."))
    parent_agency = models.CharField(_("superior agency"), max_length=200, blank=True)
    place = models.CharField(_("place of issue"), max_length=100, help_text=_("As in “Kiên Giang, ngày … tháng … năm …”."))
    signer_title = models.CharField(_("signer's title"), max_length=120)
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signature = models.ImageField(_("signature image"), upload_to=_signatory_upload, blank=True)
    seal = models.ImageField(_("seal image"), upload_to=_signatory_upload, blank=True)

    class Meta:
        verbose_name = _("certificate signatory")
        verbose_name_plural = _("certificate signatories")

    def __str__(self) -> str:
        return f"{self.unit}: {self.signer_title} {self.signer_name}"
