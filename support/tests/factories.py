"""Builders for help-desk tests."""

from __future__ import annotations

from support import services
from support.models import Article, FocalPerson, HelpRequest


def software(code: str = "CKS", name: str = "Chữ ký số"):  # noqa: ANN201
    from django.apps import apps

    return apps.get_model("analytics", "Software").objects.get_or_create(code=code, defaults={"name": name})[0]


def help_request(officer, *, subject: str = "Không ký số được văn bản", **fields) -> HelpRequest:  # noqa: ANN001
    return services.help_request_create(requester=officer, subject=subject, software=fields.pop("software", software()),
                                        by=officer.user, **fields)


def focal(unit, officer, kind: str = "main") -> FocalPerson:  # noqa: ANN001
    return services.focal_person_set(unit=unit, officer=officer, kind=kind, by=officer.user)


def article(*, title: str = "Ký số văn bản bằng USB token", body: str = "1. Cắm USB token\n2. Chọn **Ký số**",
            by=None, published: bool = True) -> Article:  # noqa: ANN001
    return services.article_create(title=title, body=body, software=software(), by=by, is_published=published)
