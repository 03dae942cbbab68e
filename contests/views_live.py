"""Pages of the live final: the host's projector page, the join form and the contestant page.

They render a shell only; the current step (question, reveal, leaderboard) arrives over the
page's socket, so the page source never holds a question before it is shown or a right answer.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests import selectors
from contests.models import Round, RoundFormat
from contests.permissions import can_host_live_round, can_join_live, can_list_live_rounds
from contests.services.live import LiveError, live_join, live_session_open
from core.permissions import require
from org.selectors import officer_for_user


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]


def _live_round(request: HttpRequest, round_id: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("contest__audience_unit", "quiz"), pk=round_id,
                               format=RoundFormat.LIVE)
    if not can_host_live_round(request.user, round_):
        raise PermissionDenied
    return round_


@require(can_list_live_rounds)
def live_index(request: HttpRequest) -> HttpResponse:
    rounds = selectors.live_round_list_for_host(user=request.user)
    return render(request, "contests/live_index.html", {"rounds": rounds})


def live_host(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _live_round(request, round_id)
    session = selectors.live_session_open_for_round(round_=round_)
    context = {"round": round_, "session": session,
               "finished": selectors.live_session_last_finished(round_=round_) if session is None else None}
    if session is not None:
        join_url = request.build_absolute_uri(reverse("contests:live-join")) + f"?pin={session.pin}"
        context.update({"join_url": join_url, "qr": mark_safe(_qr_svg(join_url)),
                        "socket_path": f"/ws/contests/live/{session.pk}/host/"})
    return render(request, "contests/live_host.html", context)


@require_POST
def live_open(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _live_round(request, round_id)
    try:
        live_session_open(round_=round_, host=request.user)
    except LiveError as exc:
        messages.error(request, exc.message)
    return redirect("contests:live-host", round_id=round_.pk)


@require(can_join_live)
def live_join_page(request: HttpRequest) -> HttpResponse:
    officer = officer_for_user(request.user)
    pin = (request.POST.get("pin") if request.method == "POST" else request.GET.get("pin")) or ""
    error = ""
    if request.method == "POST":
        try:
            participant = live_join(pin=pin, officer=officer)
        except LiveError as exc:
            error = exc.message
        else:
            return redirect("contests:live-play", session_id=participant.session_id)
    status = 400 if error else 200
    return render(request, "contests/live_join.html", {"pin": pin[:12], "error": error}, status=status)


def live_play(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.live_session_get(session_id=session_id)
    if session is None:
        raise Http404
    participant_id = selectors.live_participant_id_for(session_id=session.pk, user=request.user)
    if participant_id is None:
        raise PermissionDenied
    return render(request, "contests/live_play.html", {
        "session": session, "contest": session.round.contest,
        "socket_path": f"/ws/contests/live/{session.pk}/play/"})
