"""Live final: the host opens a lobby, registered officers join with the PIN, the host paces the
questions; answers are stamped and scored by the server on receipt.

Every state change is one short transaction on `LiveSession` / `LiveParticipant` / `LiveAnswer`;
broadcasts (`contests.events`) go out only after commit. Nothing is kept in a process's memory, so
any server process, or a restarted one, carries the round on.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contests import events, live_questions, selectors
from contests.formats.base import format_for
from contests.models import RoundFormat
from contests.models_live import LiveAnswer, LiveParticipant, LivePhase, LiveSession

TOP = 10
STREAK_STEP = 100
STREAK_CAP = 500
FULL_POINTS_MS = 500


class LiveError(Exception):
    """A refused live action. `code` is stable for programs, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------- scoring (pure)

def live_points(*, elapsed_ms: int, answer_ms: int, base: int, fraction: float = 1.0) -> int:
    """Kahoot's speed rule: round((1 − t/T/2) × base), full points under 0.5 s, scaled by the
    fraction the question engine gives (a wrong answer gets 0). 2 s into 30 s at 1,000 → 967."""
    if fraction <= 0:
        return 0
    if elapsed_ms < FULL_POINTS_MS:
        speed = 1.0
    else:
        speed = 1 - min(elapsed_ms, answer_ms) / answer_ms / 2
    return _round_half_up(speed * base * fraction)


def _round_half_up(value: float) -> int:
    # Python's round() sends halves to even; points round halves up, as people expect.
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def live_streak_bonus(*, streak_before: int, enabled: bool) -> int:
    """+100 for each right answer in a row before this one (the second right answer in a row
    earns +100, the third +200...), capped at +500; 0 when the round has no streak bonus."""
    return min(STREAK_STEP * max(streak_before, 0), STREAK_CAP) if enabled else 0


# ---------------------------------------------------------------- lobby and joining

def _new_pin() -> str:
    for _attempt in range(50):
        pin = f"{secrets.randbelow(900000) + 100000}"
        if not LiveSession.objects.filter(pin=pin).exclude(phase=LivePhase.FINISHED).exists():
            return pin
    raise LiveError("pin", _("No free PIN was found; try again."))


def live_session_open(*, round_, host, now: datetime | None = None) -> LiveSession:  # noqa: ANN001
    """Open the lobby of a live round (or return the session already open for it).

    Checks that the round is a live round with a quiz whose questions are all fixed single choice,
    multiple choice, true/false or numerical; snapshots those questions and the round's options
    (read time, countdown, base points, streak bonus). Raises LiveError otherwise. The caller
    checks that `host` may host the round."""
    now = now or timezone.now()
    if round_.format != RoundFormat.LIVE:
        raise LiveError("format", _("This round is not a live final."))
    current = LiveSession.objects.filter(round=round_).exclude(phase=LivePhase.FINISHED).first()
    if current is not None:
        return current
    if round_.quiz_id is None:
        raise LiveError("quiz", _("Choose the round's quiz before opening the lobby."))
    options = format_for(round_).clean_options(round_.options or {})
    seed = hashlib.sha256(f"{round_.pk}-{now.isoformat()}".encode()).hexdigest()
    try:
        questions = live_questions.questions_snapshot(quiz=round_.quiz, seed=seed)
    except live_questions.LiveQuestionError as exc:
        raise LiveError("questions", str(exc)) from exc
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return LiveSession.objects.create(round=round_, pin=_new_pin(), options=options,
                                                  questions=questions, host=host)
        except IntegrityError:
            current = LiveSession.objects.filter(round=round_).exclude(phase=LivePhase.FINISHED).first()
            if current is not None:
                return current
    raise LiveError("pin", _("No free PIN was found; try again."))


@transaction.atomic
def live_join(*, pin: str, officer, now: datetime | None = None) -> LiveParticipant:  # noqa: ANN001
    """Join the open session with this PIN as `officer`, or come back to it (same officer, same
    score: joining again changes nothing). The officer must hold an individual registration of the
    contest or be a member of a registered team. Emits `round.lobby` to the host on a first join.
    Raises LiveError("pin") for an unknown PIN and LiveError("not_registered")."""
    now = now or timezone.now()
    pin = "".join(str(pin or "").split())
    session = None
    if len(pin) == 6 and pin.isdigit():
        session = (LiveSession.objects.filter(pin=pin).exclude(phase=LivePhase.FINISHED)
                   .select_related("round__contest").first())
    if session is None:
        raise LiveError("pin", _("PIN %(pin)s does not match any open live round. Check the PIN on the projector.")
                        % {"pin": pin[:12] or "—"})
    existing = LiveParticipant.objects.filter(session=session, officer=officer).first()
    if existing is not None:
        return existing
    registration = selectors.registration_for_officer(contest=session.round.contest, officer=officer)
    if registration is None:
        raise LiveError("not_registered", _("You are not registered for this contest, so you cannot join its live "
                                            "final. Ask the organisers."))
    unit_id = registration.team_unit_id or officer.unit_id
    try:
        with transaction.atomic():
            participant = LiveParticipant.objects.create(
                session=session, officer=officer, registration=registration, unit_id=unit_id,
                display_name=officer.full_name, joined_at=now)
    except IntegrityError:
        return LiveParticipant.objects.get(session=session, officer=officer)
    count = LiveParticipant.objects.filter(session=session).count()
    events.broadcast(session_id=session.pk, event="round.lobby", host_only=True, payload={
        "participant": {"id": participant.pk, "name": participant.display_name}, "count": count})
    return participant


# ---------------------------------------------------------------- pacing

def _stored_phase(phase: str) -> str:
    return LivePhase.READING if phase == LivePhase.ANSWERING else phase


def _show_question(session: LiveSession, index: int, now: datetime) -> dict[str, Any]:
    read = timedelta(seconds=session.options["read_seconds"])
    answer = timedelta(seconds=session.options["answer_seconds"])
    return {"phase": LivePhase.READING, "question_index": index, "shown_at": now, "opened_at": now + read,
            "closes_at": now + read + answer}


def live_advance(*, session_id: int, expected_phase: str, expected_index: int,
                 now: datetime | None = None) -> LiveSession:
    """The host's "next": lobby → first question (read time, then countdown); a question →
    reveal (ending the countdown early if it still runs); reveal → leaderboard; leaderboard → next
    question, or the end (podium) after the last one.

    The host says which step it is looking at (`expected_phase`, `expected_index`); if the session
    has already moved (a double press, a second host screen) nothing changes and LiveError("stale")
    is raised. Emits `round.question`, `round.reveal`, `round.leaderboard` or `round.finished`
    after commit. The caller checks that the user may host the session."""
    now = now or timezone.now()
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        if (session.phase != _stored_phase(expected_phase) or session.question_index != expected_index
                or session.phase == LivePhase.FINISHED):
            raise LiveError("stale", _("The round has already moved on; nothing was changed."))
        last = len(session.questions) - 1
        if session.phase in (LivePhase.LOBBY, LivePhase.LEADERBOARD) and session.question_index < last:
            changes = _show_question(session, session.question_index + 1, now)
        elif session.phase == LivePhase.READING:
            changes = {"phase": LivePhase.REVEAL, "closes_at": min(session.closes_at, now)}
            if session.opened_at > now:
                changes["opened_at"] = now
        elif session.phase == LivePhase.REVEAL:
            changes = {"phase": LivePhase.LEADERBOARD}
        else:
            changes = {"phase": LivePhase.FINISHED, "finished_at": now}
        updated = LiveSession.objects.filter(pk=session.pk, phase=session.phase,
                                             question_index=session.question_index).update(**changes)
        if not updated:
            raise LiveError("stale", _("The round has already moved on; nothing was changed."))
        for name, value in changes.items():
            setattr(session, name, value)
        _emit_step(session, now)
    return session


def _emit_step(session: LiveSession, now: datetime) -> None:
    if session.phase == LivePhase.READING:
        events.broadcast(session_id=session.pk, event="round.question", payload=question_payload(session, now))
        return
    standings = live_standings(session=session)
    compact = compact_standings(standings)
    if session.phase == LivePhase.REVEAL:
        events.broadcast(session_id=session.pk, event="round.reveal", payload={
            **reveal_payload(session), "_standings": compact,
            "_results": _question_results(session, session.question_index)})
    elif session.phase == LivePhase.LEADERBOARD:
        events.broadcast(session_id=session.pk, event="round.leaderboard", payload={
            "index": session.question_index, "total": len(session.questions),
            "top": [row.as_public() for row in standings[:TOP]], "_standings": compact})
    else:
        events.broadcast(session_id=session.pk, event="round.finished", payload={
            **finish_payload(session, standings), "_standings": compact})


# ---------------------------------------------------------------- answering

@dataclass(frozen=True)
class AnswerReceipt:
    index: int
    received_at: datetime


def live_answer_submit(*, session_id: int, participant_id: int, index: int, raw: Any,  # noqa: ANN401
                       now: datetime | None = None) -> AnswerReceipt:
    """Store a participant's answer to question `index`, stamped with the server's clock on receipt.

    Refused (LiveError, nothing written) when the question is not the one shown ("not_current"),
    still in its read time ("not_open"), past its countdown ("late"), already answered by this
    participant ("duplicate": the first answer stays) or not a valid answer ("invalid"). Points are
    computed at once (speed rule and streak) but shown only at the reveal. Emits `round.answered`
    (the count) to the host after commit, at most every half second unless everyone has answered."""
    now = now or timezone.now()
    session = LiveSession.objects.only("pin", "phase", "question_index", "opened_at", "closes_at", "options",
                                       "questions").get(pk=session_id)
    if session.phase != LivePhase.READING or session.question_index != index:
        if session.question_index == index and session.phase in (LivePhase.REVEAL, LivePhase.LEADERBOARD):
            raise LiveError("late", _("Time is up for question %(number)s; your answer was not counted.")
                            % {"number": index + 1})
        raise LiveError("not_current", _("Question %(number)s is not open for answers.") % {"number": index + 1})
    if now < session.opened_at:
        raise LiveError("not_open", _("Wait for the countdown to start before answering."))
    if now >= session.closes_at:
        raise LiveError("late", _("Time is up for question %(number)s; your answer was not counted.")
                        % {"number": index + 1})
    question = session.questions[index]
    try:
        response = live_questions.response_from(question, raw)
    except live_questions.LiveQuestionError as exc:
        raise LiveError("invalid", str(exc)) from exc
    fraction = live_questions.grade(question, response)
    right = fraction >= 0.999999
    answer_ms = int(session.options["answer_seconds"]) * 1000
    elapsed_ms = int((now - session.opened_at).total_seconds() * 1000)
    with transaction.atomic():
        participant = LiveParticipant.objects.select_for_update().only(
            "streak", "last_streak_index").get(pk=participant_id, session_id=session_id)
        streak_before = participant.streak if participant.last_streak_index == index - 1 else 0
        points = live_points(elapsed_ms=elapsed_ms, answer_ms=answer_ms, base=int(session.options["base_points"]),
                             fraction=fraction)
        if right:
            points += live_streak_bonus(streak_before=streak_before, enabled=bool(session.options["streak_bonus"]))
        try:
            with transaction.atomic():
                LiveAnswer.objects.create(session_id=session_id, participant_id=participant_id, question_index=index,
                                          response=response, received_at=now, elapsed_ms=elapsed_ms,
                                          fraction=fraction, is_right=right, points=points)
        except IntegrityError:
            raise LiveError("duplicate", _("You have already answered question %(number)s; your first answer "
                                           "stays.") % {"number": index + 1}) from None
        LiveParticipant.objects.filter(pk=participant_id).update(
            score=F("score") + points, streak=(streak_before + 1) if right else 0, last_streak_index=index)
        _answer_count_broadcast(session_id=session_id, pin=session.pin, index=index)
    return AnswerReceipt(index=index, received_at=now)


ANSWER_COUNT_EVERY = 0.5  # seconds
_answer_count_sent: dict[tuple[int, str], float] = {}


def _answer_count_broadcast(*, session_id: int, pin: str, index: int) -> None:
    """Tell the projector how many have answered: at most every half second per process (a hall
    answering at once would otherwise send it a thousand messages), and always when everyone has."""
    now = time.monotonic()
    count = LiveAnswer.objects.filter(session_id=session_id, question_index=index).count()
    key = (session_id, pin)
    if now - _answer_count_sent.get(key, 0.0) < ANSWER_COUNT_EVERY:
        if count < LiveParticipant.objects.filter(session_id=session_id).count():
            return
    _answer_count_sent[key] = now
    events.broadcast(session_id=session_id, event="round.answered", host_only=True,
                     payload={"index": index, "count": count})


# ---------------------------------------------------------------- reads used by the steps above

@dataclass(frozen=True)
class Standing:
    participant_id: int
    name: str
    unit_name: str
    score: int
    rank: int  # competition ranking: equal scores share a rank (1, 2, 2, 4)
    gap: int  # points behind the next better score (0 for the leaders)
    above: int  # the rank of that next better score (0 for the leaders)

    def as_public(self) -> dict[str, Any]:
        return {"rank": self.rank, "name": self.name, "unit": self.unit_name, "score": self.score}


def live_standings(*, session: LiveSession) -> list[Standing]:
    """Every participant ranked by score (then by who joined first, for display only)."""
    rows = (LiveParticipant.objects.filter(session=session).order_by("-score", "joined_at", "pk")
            .values_list("pk", "display_name", "unit__name", "score"))
    standings: list[Standing] = []
    rank, previous, better, better_rank = 0, None, None, 0
    for position, (pk, name, unit_name, score) in enumerate(rows, start=1):
        if score != previous:
            better, better_rank = previous, rank
            rank, previous = position, score
        standings.append(Standing(pk, name, unit_name, score, rank, 0 if better is None else better - score,
                                  better_rank))
    return standings


def compact_standings(standings: list[Standing]) -> str:
    """The standings as a JSON text {participant id: [score, rank, gap, rank above]} for step events:
    a text is passed to a thousand sockets without being copied a thousand times."""
    return json.dumps({str(row.participant_id): [row.score, row.rank, row.gap, row.above] for row in standings},
                      separators=(",", ":"))


def live_unit_standings(*, session: LiveSession) -> list[dict[str, Any]]:
    """Units ranked by the mean score of their participants (team unit for team entries)."""
    units: dict[int, dict[str, Any]] = {}
    for unit_id, unit_name, score in (LiveParticipant.objects.filter(session=session)
                                      .values_list("unit_id", "unit__name", "score")):
        entry = units.setdefault(unit_id, {"unit": unit_name, "total": 0, "members": 0})
        entry["total"] += score
        entry["members"] += 1
    rows = [{"unit": e["unit"], "members": e["members"], "mean": round(e["total"] / e["members"], 1)}
            for e in units.values()]
    rows.sort(key=lambda row: (-row["mean"], row["unit"]))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
    return rows


def _question_results(session: LiveSession, index: int) -> str:
    """{participant id: [points, right]} for one question, as a JSON text (see compact_standings)."""
    return json.dumps({str(pk): [points, right] for pk, points, right in LiveAnswer.objects.filter(
        session=session, question_index=index).values_list("participant_id", "points", "is_right")},
        separators=(",", ":"))


def _time_left_ms(when: datetime | None, now: datetime) -> int:
    return max(0, int((when - now).total_seconds() * 1000)) if when else 0


def question_payload(session: LiveSession, now: datetime) -> dict[str, Any]:
    """The shown question as every device may see it, with the server's clock as times left."""
    question = session.questions[session.question_index]
    return {"index": session.question_index, "total": len(session.questions),
            "question": live_questions.public_view(question),
            "read_ms": _time_left_ms(session.opened_at, now), "answer_ms": _time_left_ms(session.closes_at, now),
            "answer_seconds": session.options["answer_seconds"]}


def reveal_payload(session: LiveSession) -> dict[str, Any]:
    """The right answer and how many devices picked each choice."""
    question = session.questions[session.question_index]
    responses = list(LiveAnswer.objects.filter(session=session, question_index=session.question_index)
                     .values_list("response", flat=True))
    return {"index": session.question_index, "total": len(session.questions),
            "question": live_questions.public_view(question), "right": live_questions.right_answer(question),
            "distribution": live_questions.distribution(question, responses), "answers": len(responses)}


def finish_payload(session: LiveSession, standings: list[Standing] | None = None) -> dict[str, Any]:
    standings = standings if standings is not None else live_standings(session=session)
    return {"podium": [row.as_public() for row in standings[:3]], "top": [row.as_public() for row in standings[:TOP]],
            "units": live_unit_standings(session=session)}


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> dict[str, Any]:
    # A step event reaches every socket of the process with the same text: parse it once, not a
    # thousand times. Callers only read the result.
    return json.loads(text)


def personal_line(*, standings: str, participant_id: int, results: str | None = None) -> dict[str, Any]:
    """One device's own part of a reveal or leaderboard: its score, rank, gap to the one above
    and (at a reveal) its points for the question. `standings` and `results` are the JSON texts a
    step event carries (compact_standings, _question_results); nothing about others is returned."""
    mine = _parsed(standings).get(str(participant_id)) if standings else None
    if mine is None:
        return {}
    score, rank, gap, above = mine
    line: dict[str, Any] = {"score": score, "rank": rank, "gap": gap}
    if results is not None:
        result = _parsed(results).get(str(participant_id))
        line.update({"answered": result is not None, "points": result[0] if result else 0,
                     "right": bool(result and result[1])})
    if rank == 1:
        line["text"] = _("You are number 1 with %(score)s points.") % {"score": score}
    else:
        line["text"] = _("You are number %(rank)s, %(gap)s points behind number %(above)s.") % {
            "rank": rank, "gap": gap, "above": above}
    return line


def live_state(*, session: LiveSession, participant: LiveParticipant | None = None,
               now: datetime | None = None, host: bool = False) -> dict[str, Any]:
    """Everything a socket needs on (re)connect to draw the current step: the phase, the shown
    question (never before it is shown, right answer only from the reveal on), times left, and for
    a participant whether they already answered and, after a reveal, their own line; for the
    host, who joined and how many answered."""
    now = now or timezone.now()
    phase = session.phase_at(now)
    state: dict[str, Any] = {"type": "round.state", "phase": phase, "index": session.question_index,
                             "total": len(session.questions), "pin": session.pin}
    if phase in (LivePhase.READING, LivePhase.ANSWERING):
        state.update(question_payload(session, now))
        state["answers"] = LiveAnswer.objects.filter(session=session, question_index=session.question_index).count()
    if phase == LivePhase.REVEAL:
        state.update(reveal_payload(session))
    if phase in (LivePhase.REVEAL, LivePhase.LEADERBOARD, LivePhase.FINISHED):
        standings = live_standings(session=session)
        if phase == LivePhase.FINISHED:
            state.update(finish_payload(session, standings))
        elif host:
            state["top"] = [row.as_public() for row in standings[:TOP]]
        if participant is not None:
            results = _question_results(session, session.question_index) if phase == LivePhase.REVEAL else None
            state["you"] = personal_line(standings=compact_standings(standings), participant_id=participant.pk,
                                         results=results)
    if participant is not None:
        state["name"] = participant.display_name
        if session.question_index >= 0 and phase in (LivePhase.READING, LivePhase.ANSWERING):
            state["answered"] = LiveAnswer.objects.filter(participant=participant,
                                                          question_index=session.question_index).exists()
    if host:
        state["participants"] = list(LiveParticipant.objects.filter(session=session).order_by("joined_at")
                                     .values("id", "display_name"))
    return state
