"""Reads of the contests app, used by its views, consumers and other apps."""

from __future__ import annotations

from django.db.models import QuerySet

# ---------------------------------------------------------------- live final


def live_session_get(*, session_id: int):  # noqa: ANN201
    """The live session with its round and contest (and the contest's audience unit), or None."""
    from contests.models_live import LiveSession

    return (LiveSession.objects.select_related("round__contest__audience_unit")
            .filter(pk=session_id).first())


def live_session_open_for_round(*, round_):  # noqa: ANN001, ANN201
    """The session of this round that is not finished yet, or None."""
    from contests.models_live import LivePhase, LiveSession

    return LiveSession.objects.filter(round=round_).exclude(phase=LivePhase.FINISHED).first()


def live_session_last_finished(*, round_):  # noqa: ANN001, ANN201
    from contests.models_live import LivePhase, LiveSession

    return LiveSession.objects.filter(round=round_, phase=LivePhase.FINISHED).order_by("-finished_at").first()


def live_participant_id_for(*, session_id: int, user) -> int | None:  # noqa: ANN001
    """The id of the signed-in officer's participation in this session, or None if they have not
    joined it (a contestant must join with the PIN first)."""
    from contests.models_live import LiveParticipant

    return (LiveParticipant.objects.filter(session_id=session_id, officer__user=user)
            .values_list("pk", flat=True).first())


def live_participant_get(*, participant_id: int):  # noqa: ANN201
    from contests.models_live import LiveParticipant

    return LiveParticipant.objects.filter(pk=participant_id).first()


def live_round_list_for_host(*, user) -> list:  # noqa: ANN001
    """Live rounds the user may host, newest contest first, each with `open_session` (or None)."""
    from contests.models import Round, RoundFormat
    from contests.models_live import LivePhase, LiveSession
    from contests.permissions import can_host_live_round

    rounds: QuerySet = (Round.objects.filter(format=RoundFormat.LIVE)
                        .select_related("contest__audience_unit", "quiz").order_by("-contest__created_at", "order"))
    allowed = [round_ for round_ in rounds if can_host_live_round(user, round_)]
    sessions = {s.round_id: s for s in LiveSession.objects.filter(round__in=allowed).exclude(phase=LivePhase.FINISHED)}
    for round_ in allowed:
        round_.open_session = sessions.get(round_.pk)
    return allowed
