from core.testing import EVERYONE, Rule, roles

REQUESTER_AND_ADMIN = roles("officer", "admin")


def _request(world):  # noqa: ANN001, ANN202
    """A request by the plain officer (unit A); the test world names no focal person."""
    from support.models import HelpRequest
    from support.tests.factories import help_request

    existing = HelpRequest.objects.filter(requester=world.officers["officer"]).first()
    return {"pk": (existing or help_request(world.officers["officer"])).pk}


def _request_with_file(world):  # noqa: ANN001, ANN202
    from django.core.files.base import ContentFile

    from support.models import HelpRequest

    request = HelpRequest.objects.get(pk=_request(world)["pk"])
    if not request.attachment:
        request.attachment.save("anh.png", ContentFile(b"\x89PNG\r\n"))
    return {"pk": request.pk}


def _done_request(world):  # noqa: ANN001, ANN202
    from support import services
    from support.models import HelpRequest

    request = HelpRequest.objects.get(pk=_request(world)["pk"])
    services.help_request_set_status(request=request, status="done", by=world.user("admin"))
    return {"pk": request.pk}


def _helper_reply(world):  # noqa: ANN001, ANN202
    from support import services
    from support.models import HelpRequest

    request = HelpRequest.objects.get(pk=_request(world)["pk"])
    return {"pk": services.help_request_reply(request=request, body="Cài lại trình điều khiển USB token.",
                                              by=world.user("admin")).pk}


def _article(world):  # noqa: ANN001, ANN202
    from support.models import Article
    from support.tests.factories import article

    return {"pk": (Article.objects.first() or article()).pk}


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _picture(world):  # noqa: ANN001, ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"image": SimpleUploadedFile("buoc-1.png", PNG, content_type="image/png"), "alt": "Bước 1"}


def _article_image(world):  # noqa: ANN001, ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    from support import services
    from support.models import Article, ArticleImage

    existing = ArticleImage.objects.filter(article__is_published=True).first()
    if existing is None:
        article = Article.objects.get(pk=_article(world)["pk"])
        existing = services.article_image_add(article=article, image=SimpleUploadedFile("anh.png", PNG),
                                              by=world.user("admin"))
    return {"pk": existing.pk}


def _focal(world):  # noqa: ANN001, ANN202
    from support.tests.factories import focal

    return {"pk": focal(world.units["B"], world.officers["other_b"]).pk}


ACCESS = {
    "support:request-list": Rule(EVERYONE),
    "support:request-create": Rule(EVERYONE),
    "support:request-detail": Rule(REQUESTER_AND_ADMIN, kwargs=_request),
    "support:request-attachment": Rule(REQUESTER_AND_ADMIN, kwargs=_request_with_file),
    "support:request-reply": Rule(REQUESTER_AND_ADMIN, kwargs=_request, method="post",
                                  data=lambda world: {"body": "Vẫn chưa được."}),
    "support:request-status": Rule(REQUESTER_AND_ADMIN, kwargs=_request, method="post",
                                   data=lambda world: {"status": "done"}),
    "support:request-rate": Rule(REQUESTER_AND_ADMIN, kwargs=_done_request, method="post",
                                 data=lambda world: {"rating": "5"}),
    "support:reply-to-article": Rule(roles("admin"), kwargs=_helper_reply, method="post"),
    "support:article-list": Rule(EVERYONE),
    "support:article-create": Rule(roles("trainer", "admin")),
    "support:article-detail": Rule(EVERYONE, kwargs=_article),
    "support:article-edit": Rule(roles("trainer", "admin"), kwargs=_article),
    "support:article-image-upload": Rule(roles("trainer", "admin"), kwargs=_article, method="post", data=_picture),
    "support:article-image": Rule(EVERYONE, kwargs=_article_image),
    "support:article-vote": Rule(EVERYONE, kwargs=_article, method="post", data=lambda world: {"helpful": "yes"}),
    "support:focal-list": Rule(roles("admin")),
    "support:focal-remove": Rule(roles("admin"), kwargs=_focal, method="post"),
    "support:stats": Rule(roles("unit_manager", "provincial_leader", "admin")),
}
