from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import require
from org.selectors import officer_for_user, officer_list_visible, unit_list_visible
from support import selectors, services
from support.forms import ArticleForm, ArticleImageForm, FocalPersonForm, attachment_limit_mb, HelpRequestForm, RatingForm, ReplyForm
from support.models import Article, ArticleImage, FocalPerson, HelpReply, RequestStatus
from support.permissions import (
    can_answer_request, can_name_focal_persons, can_rate_request, can_use_help_desk, can_view_support_stats,
    can_write_articles,
)


def _visible_request(request: HttpRequest, pk: int):  # noqa: ANN202
    help_request = selectors.help_request_get_visible(user=request.user, pk=pk)
    if help_request is None:
        raise Http404
    return help_request


@require(can_use_help_desk)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in {"open", "", *RequestStatus.values}:
        status = "open"
    requests = selectors.help_request_list_visible(user=request.user, status=status).order_by("due_at")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(request, "support/request_list.html",
                  {"page": page, "status": status, "statuses": RequestStatus.choices, "now": timezone.now()})


@require(can_use_help_desk)
def request_create(request: HttpRequest) -> HttpResponse:
    """"Cần hỗ trợ CNTT": opened from any page, which is attached to the request."""
    form = HelpRequestForm(request.POST or None, request.FILES or None,
                           initial={"page_url": request.GET.get("from", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        help_request = services.help_request_create(
            requester=officer_for_user(request.user), subject=data["subject"], description=data["description"],
            software=data["software"], page_url=data["page_url"], attachment=data["attachment"], by=request.user)
        focal = selectors.focal_person_list_for_unit(unit=help_request.unit)
        if focal:
            messages.success(request, _("Your request was sent to %(name)s. The answer is due by %(due)s.") % {
                "name": focal[0].officer.full_name, "due": timezone.localtime(help_request.due_at).strftime("%d/%m/%Y %H:%M")})
        else:
            messages.warning(request, _("Your request was saved. Your unit has no IT focal person yet, "
                                        "so an administrator will answer it."))
        return redirect("support:request-detail", help_request.pk)
    return render(request, "support/request_form.html", {"form": form})


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _visible_request(request, pk)
    helper = can_answer_request(request.user, help_request)
    is_requester = can_rate_request(request.user, help_request)
    reply_form = ReplyForm(helper=helper and not is_requester)
    return render(request, "support/request_detail.html", {
        "help_request": help_request, "replies": selectors.help_reply_list(request=help_request),
        "helper": helper, "is_requester": is_requester, "reply_form": reply_form,
        "rating_form": RatingForm(), "statuses": RequestStatus.choices,
        "focal": selectors.focal_person_list_for_unit(unit=help_request.unit),
    })


def request_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """The request's file, to those who may read the request, always as a download."""
    from learning.files import serve_file

    help_request = _visible_request(request, pk)
    if not help_request.attachment:
        raise Http404
    return serve_file(request, help_request.attachment, as_attachment=True)


@require_POST
def request_reply(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _visible_request(request, pk)
    helper = can_answer_request(request.user, help_request) and not can_rate_request(request.user, help_request)
    if not helper and not can_rate_request(request.user, help_request):
        raise Http404
    form = ReplyForm(request.POST, helper=helper)
    if form.is_valid():
        try:
            services.help_request_reply(request=help_request, body=form.cleaned_data["body"], by=request.user,
                                        article=form.cleaned_data.get("article"),
                                        status=form.cleaned_data.get("status") or "")
            messages.success(request, _("Reply sent."))
        except services.SupportError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Check the reply form."))
    return redirect("support:request-detail", help_request.pk)


@require_POST
def request_status(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _visible_request(request, pk)
    status = request.POST.get("status", "")
    is_requester = can_rate_request(request.user, help_request)
    # The requester may only close their own request; helpers may set any status.
    if not (can_answer_request(request.user, help_request) or (is_requester and status == RequestStatus.DONE)):
        raise Http404
    try:
        services.help_request_set_status(request=help_request, status=status, by=request.user)
        messages.success(request, _("Status changed."))
    except services.SupportError as exc:
        messages.error(request, str(exc))
    return redirect("support:request-detail", help_request.pk)


@require_POST
def request_rate(request: HttpRequest, pk: int) -> HttpResponse:
    help_request = _visible_request(request, pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rating: choose from 1 to 5."))
    else:
        try:
            services.help_request_rate(request=help_request, rating=form.cleaned_data["rating"],
                                       comment=form.cleaned_data["comment"], by=request.user)
            messages.success(request, _("Thank you for your rating."))
        except services.SupportError as exc:
            messages.error(request, str(exc))
    return redirect("support:request-detail", help_request.pk)


@require_POST
def reply_to_article(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: a helper's reply becomes an unpublished article, opened for editing."""
    reply = get_object_or_404(HelpReply.objects.select_related("request", "request__unit"), pk=pk)
    if not (can_write_articles(request.user) and can_answer_request(request.user, reply.request)):
        raise Http404
    article = services.article_from_reply(reply=reply, by=request.user)
    messages.info(request, _("The reply is now a draft article: edit it and publish it."))
    return redirect("support:article-edit", article.pk)


@require(can_use_help_desk)
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    software = request.GET.get("software", "")
    articles = selectors.article_search(query=query, software_id=int(software) if software.isdigit() else None,
                                        published_only=not can_write_articles(request.user))
    from support.forms import software_choices

    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    return render(request, "support/article_list.html", {
        "page": page, "q": query, "software": software, "software_list": software_choices(),
        "can_write": can_write_articles(request.user)})


@require(can_use_help_desk)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from learning.formats.markdown_text import render_markdown

    article = get_object_or_404(Article.objects.select_related("software"), pk=pk)
    if not article.is_published and not can_write_articles(request.user):
        raise Http404
    return render(request, "support/article_detail.html", {
        "article": article, "html": render_markdown(article.body), "can_write": can_write_articles(request.user)})


@require(can_use_help_desk)
@require_POST
def article_vote(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk, is_published=True)
    article = services.article_vote(article=article, user=request.user, helpful=request.POST.get("helpful") == "yes")
    if request.htmx:
        return render(request, "support/article_detail.html#votes", {"article": article, "voted": True})
    messages.success(request, _("Thank you: your answer helps us improve the article."))
    return redirect("support:article-detail", article.pk)


@require(can_write_articles)
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk) if pk else None
    initial = ({"title": article.title, "software": article.software, "body": article.body,
                "is_published": article.is_published} if article else {"is_published": True})
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if article:
            article = services.article_update(article=article, title=data["title"], body=data["body"],
                                              software=data["software"], is_published=data["is_published"])
        else:
            article = services.article_create(title=data["title"], body=data["body"], software=data["software"],
                                              is_published=data["is_published"], by=request.user)
        messages.success(request, _("Article saved."))
        return redirect("support:article-detail", article.pk)
    return render(request, "support/article_form.html", {
        "form": form, "article": article, "image_form": ArticleImageForm() if article else None,
        "image_limit_mb": attachment_limit_mb(),
        "images": article.images.all() if article else []})


@require(can_write_articles)
@require_POST
def article_image_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """A picture into the article: stored, then inserted at the end of its text as ![…](address)."""
    article = get_object_or_404(Article, pk=pk)
    form = ArticleImageForm(request.POST, request.FILES)
    if form.is_valid():
        services.article_image_add(article=article, image=form.cleaned_data["image"], alt=form.cleaned_data["alt"],
                                   by=request.user)
        messages.success(request, _("Picture added at the end of the text; move its line where it belongs."))
    else:
        messages.error(request, " ".join(form.errors.get("image", [])) or _("Choose a picture."))
    return redirect("support:article-edit", article.pk)


@require(can_use_help_desk)
def article_image(request: HttpRequest, pk: int) -> HttpResponse:
    """An article's picture, to whoever may read the article (a draft's: its writers only)."""
    from learning.files import serve_file

    picture = get_object_or_404(ArticleImage.objects.select_related("article"), pk=pk)
    if not picture.article.is_published and not can_write_articles(request.user):
        raise Http404
    return serve_file(request, picture.image)


@require(can_name_focal_persons)
def focal_list(request: HttpRequest) -> HttpResponse:
    form = FocalPersonForm(request.POST or None, units=unit_list_visible(user=request.user),
                           officers=officer_list_visible(user=request.user).filter(is_active=True))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.focal_person_set(unit=data["unit"], officer=data["officer"], kind=data["kind"],
                                      phone=data["phone"], by=request.user)
            messages.success(request, _("Focal person saved."))
            return redirect("support:focal-list")
        except services.SupportError as exc:
            form.add_error("officer", str(exc))
    units = unit_list_visible(user=request.user).prefetch_related("focal_persons__officer")
    return render(request, "support/focal_list.html", {"form": form, "units": units})


@require(can_name_focal_persons)
@require_POST
def focal_remove(request: HttpRequest, pk: int) -> HttpResponse:
    focal = get_object_or_404(FocalPerson.objects.select_related("officer"), pk=pk)
    services.focal_person_remove(focal=focal, by=request.user)
    messages.success(request, _("Focal person removed; the unit's requests stay with the unit."))
    return redirect("support:focal-list")


@require(can_view_support_stats)
def stats(request: HttpRequest) -> HttpResponse:
    months = request.GET.get("months", "6")
    months = int(months) if months.isdigit() and 1 <= int(months) <= 24 else 6
    figures = selectors.support_figures(user=request.user, since=timezone.now() - timedelta(days=31 * months))
    if request.GET.get("format") == "xlsx":
        return _stats_xlsx(figures, months)
    # The requests behind a question are linked only where the viewer may open them.
    shown = [item["pk"] for question in figures.top_questions for item in question.subjects]
    openable = set(selectors.help_request_list_visible(user=request.user).filter(pk__in=shown)
                   .values_list("pk", flat=True)) if shown else set()
    return render(request, "support/stats.html", {"figures": figures, "months": months, "openable": openable})


def _stats_xlsx(figures, months: int) -> HttpResponse:  # noqa: ANN001
    from core.exports import Sheet, xlsx_response
    from support.formats.stats_xlsx import stats_sheets

    sheets = [Sheet(title=title, headers=headers, rows=rows) for title, headers, rows in stats_sheets(figures)]
    return xlsx_response(sheets, filename=f"ho-tro-cntt-{months}-thang.xlsx")
