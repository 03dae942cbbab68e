from core.testing import Rule, roles

MANAGE = roles("admin")
LISTERS = roles("admin", "provincial_leader", "unit_manager", "trainer", "contest_organiser")


def _import(world):  # noqa: ANN001, ANN202
    from org.models import StaffImport

    imp = StaffImport.objects.create(uploaded_by=world.user("admin"), file_name="x.csv", file_sha256="0",
                                     status=StaffImport.Status.INVALID, errors=[{"row": 2, "column": "Email",
                                                                                 "message": "x"}])
    return {"pk": imp.pk}


def _signatory(world):  # noqa: ANN001, ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.certificates import qr_png
    from org.models import UnitSignatory

    unit = world.units["A"]
    UnitSignatory.objects.update_or_create(unit=unit, defaults={
        "place": "Kiên Giang", "signer_title": "Chi cục trưởng", "signer_name": "Lê Văn Ký",
        "seal": SimpleUploadedFile("seal.png", qr_png("seal"), content_type="image/png")})
    return {"pk": unit.pk, "kind": "seal"}


ACCESS = {
    "org:officer-list": Rule(allowed=LISTERS),
    "org:officer-create": Rule(allowed=MANAGE),
    # An officer of division A1 (inside manager A's subtree, inside the province).
    "org:officer-detail@in-a": Rule(allowed=LISTERS, kwargs=lambda w: {"pk": w.officers["other_a1"].pk}),
    # An officer of branch B: outside manager A's subtree.
    "org:officer-detail@in-b": Rule(allowed=roles("admin", "provincial_leader", "trainer", "contest_organiser"),
                                    kwargs=lambda w: {"pk": w.officers["other_b"].pk}),
    # Every officer may open their own record.
    "org:officer-detail@self": Rule(allowed=roles("officer", "admin", "provincial_leader", "unit_manager", "trainer", "contest_organiser"),
                                    kwargs=lambda w: {"pk": w.officers["officer"].pk}),
    "org:officer-edit": Rule(allowed=MANAGE, kwargs=lambda w: {"pk": w.officers["other_b"].pk}),
    "org:unit-list": Rule(allowed=MANAGE),
    "org:unit-create": Rule(allowed=MANAGE),
    "org:unit-edit": Rule(allowed=MANAGE, kwargs=lambda w: {"pk": w.units["A"].pk}),
    "org:unit-kind-create": Rule(allowed=MANAGE),
    "org:position-create": Rule(allowed=MANAGE),
    "org:position-edit": Rule(allowed=MANAGE, kwargs=lambda w: {"pk": w.positions["clerk"].pk}),
    "org:signatory-list": Rule(allowed=MANAGE),
    "org:signatory-edit": Rule(allowed=MANAGE, kwargs=lambda w: {"pk": w.units["A"].pk}),
    "org:signatory-delete": Rule(allowed=MANAGE, kwargs=lambda w: {"pk": w.units["A"].pk}, method="post",
                                 data=lambda w: {}),
    "org:signatory-image": Rule(allowed=MANAGE, kwargs=_signatory),
    "org:import-start": Rule(allowed=MANAGE),
    "org:import-template": Rule(allowed=MANAGE),
    "org:import-detail": Rule(allowed=MANAGE, kwargs=_import),
    "org:import-apply": Rule(allowed=MANAGE, kwargs=_import, method="post", data=lambda w: {}),
}
