"""Reads of the contests app: contests an officer may enter, entries, judging sheets, results.

Setup, registration and judging reads are grouped first; the live final's reads follow them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from contests.models import Award, Contest, Registration, RegistrationKind, Round
from contests.models_judging import Criterion, JudgeAssignment, JudgeScore, Task
from core.models import User
from core.roles import Role, has_role
from org.models import Officer, Unit
from org.selectors import scope_for

# ---------------------------------------------------------------- contests and registration


def contest_registration_open(*, contest: Contest, now: datetime | None = None) -> bool:
    """Registration is open: the contest is published and `now` is inside its window (an open end
    means no limit on that side)."""
    now = now or timezone.now()
    if not contest.is_published:
        return False
    if contest.registration_opens_at and now < contest.registration_opens_at:
        return False
    return not (contest.registration_closes_at and now >= contest.registration_closes_at)


def officer_eligibility_problem(*, contest: Contest, officer: Officer) -> str | None:
    """Why `officer` may not enter `contest` (a Vietnamese sentence), or None when they may: an active
    officer of the audience unit's subtree holding one of the audience positions (none = all)."""
    if not officer.is_active:
        return "Tài khoản cán bộ đã ngừng hoạt động."
    if contest.audience_unit_id and not officer.unit.path.startswith(contest.audience_unit.path):
        return f"Hội thi chỉ dành cho cán bộ thuộc {contest.audience_unit.name}."
    positions = [position.pk for position in contest.audience_positions.all()]
    if positions and officer.position_id not in positions:
        names = ", ".join(position.name for position in contest.audience_positions.all())
        return f"Hội thi chỉ dành cho các chức danh: {names}."
    return None


def registration_for_officer(*, contest: Contest, officer: Officer) -> Registration | None:
    """The officer's active entry in the contest: their individual entry, or the team they are in."""
    return (Registration.objects.filter(contest=contest, withdrawn_at__isnull=True)
            .filter(Q(officer=officer) | Q(members=officer)).select_related("officer", "team_unit").first())


def contest_list_manageable(*, user: User) -> QuerySet[Contest]:
    """Contests the user may manage (see permissions.can_manage_contest), with entry and round counts."""
    contests = Contest.objects.select_related("audience_unit")
    if not has_role(user, Role.ADMIN):
        if not has_role(user, Role.CONTEST_ORGANISER):
            return contests.none()
        scope = scope_for(user)
        if not scope.everything:
            mine = Q(created_by=user)
            if scope.unit_path:
                mine |= Q(audience_unit__path__startswith=scope.unit_path)
            contests = contests.filter(mine)
    return contests.annotate(
        entry_count=Count("registrations", filter=Q(registrations__withdrawn_at__isnull=True), distinct=True),
        round_count=Count("rounds", distinct=True),
    ).order_by("-created_at", "-id")


def audience_filter(officer: Officer) -> Q:
    """Contests whose audience includes the officer (unit subtree and positions; none set = all)."""
    ancestors = [officer.unit.path[:end] for end in range(1, len(officer.unit.path) + 1)
                 if officer.unit.path[end - 1] == "/"]
    return ((Q(audience_unit__isnull=True) | Q(audience_unit__path__in=ancestors))
            & (Q(audience_positions__isnull=True) | Q(audience_positions=officer.position_id)))


def contest_list_for_officer(*, officer: Officer) -> list[Contest]:
    """Published contests the officer may enter or has entered, newest first; each carries
    `my_registration` (their active entry or None). Two queries."""
    entered = Registration.objects.filter(withdrawn_at__isnull=True).filter(
        Q(officer=officer) | Q(members=officer)).values("contest_id")
    contests = list(Contest.objects.filter(is_published=True)
                    .filter(audience_filter(officer) | Q(pk__in=entered))
                    .select_related("audience_unit").distinct().order_by("-created_at", "-id"))
    registrations = {registration.contest_id: registration for registration in Registration.objects.filter(
        contest__in=contests, withdrawn_at__isnull=True).filter(Q(officer=officer) | Q(members=officer))
        .select_related("team_unit")}
    for contest in contests:
        contest.my_registration = registrations.get(contest.pk)
    return contests


def contest_is_visible(*, contest: Contest, user: User) -> bool:
    """A contest page is shown to those who manage it, and once published to any officer."""
    from contests.permissions import can_enter_contests, can_manage_contest

    return can_manage_contest(user, contest) or (contest.is_published and can_enter_contests(user))


def round_list(*, contest: Contest) -> list[Round]:
    return list(contest.rounds.select_related("quiz").order_by("order"))


def registration_list(*, contest: Contest) -> QuerySet[Registration]:
    """Active entries with their officer or team unit and members loaded (three queries)."""
    return (contest.registrations.filter(withdrawn_at__isnull=True)
            .select_related("officer__unit", "officer__position", "team_unit")
            .prefetch_related(Prefetch("members", queryset=Officer.objects.select_related("unit")))
            .order_by("kind", "created_at", "id"))


def entry_name(registration: Registration) -> str:
    """How an entry is named on boards: the officer's name, or the team's unit name."""
    if registration.kind == RegistrationKind.TEAM:
        return f"Đội {registration.team_unit.name}"
    return registration.officer.full_name


def entry_unit(registration: Registration) -> Unit:
    return registration.team_unit if registration.kind == RegistrationKind.TEAM else registration.officer.unit


def entry_officer_ids(registration: Registration) -> list[int]:
    """The officers who compete in an entry (the prefetched members of a team)."""
    if registration.kind == RegistrationKind.TEAM:
        return [member.pk for member in registration.members.all()]
    return [registration.officer_id]


def team_candidates(*, contest: Contest, unit: Unit) -> QuerySet[Officer]:
    """Active officers of the unit's subtree, for a manager choosing team members."""
    return (Officer.objects.filter(unit__path__startswith=unit.path, is_active=True)
            .select_related("unit", "position").order_by("full_name"))


# ---------------------------------------------------------------- judging


def judged_round_rubric(*, round_: Round) -> list[Task]:
    """The round's tasks, each with `criteria` loaded in order (two queries)."""
    return list(round_.tasks.prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("order", "id"))))


def assignment_list_for_judge(*, user: User) -> QuerySet[JudgeAssignment]:
    """The sheets assigned to this judge, open ones first."""
    return (JudgeAssignment.objects.filter(judge=user)
            .select_related("round__contest", "registration__officer__unit", "registration__team_unit")
            .annotate(score_count=Count("scores"))
            .order_by(F("submitted_at").asc(nulls_first=True), "round__contest_id", "round__order", "id"))


def assignment_list_for_round(*, round_: Round) -> QuerySet[JudgeAssignment]:
    """Every sheet of a judged round, for its organiser (entry, judge, flags, submitted)."""
    return (round_.judge_assignments.select_related("registration__officer__unit", "registration__team_unit",
                                                    "judge__officer")
            .annotate(total=Sum("scores__points"), score_count=Count("scores")).order_by("registration_id", "id"))


def score_map(*, assignment: JudgeAssignment) -> dict[int, JudgeScore]:
    """The sheet's scores by criterion id."""
    return {score.criterion_id: score for score in assignment.scores.all()}


def judge_candidates() -> QuerySet[User]:
    """Accounts holding the judge role, by name."""
    return (User.objects.filter(groups__name=Role.JUDGE, is_active=True).select_related("officer__unit")
            .order_by("last_name", "first_name", "username").distinct())


def judge_unit(*, judge: User) -> Unit | None:
    officer = Officer.objects.filter(user=judge).select_related("unit").first()
    return officer.unit if officer else None


# ---------------------------------------------------------------- results


UNTIMED = 10**12  # an entry that never finished a timed round (see contests.formats.online.NEVER)


@dataclass
class ResultRow:
    """One entry's line of the overall ranking."""

    registration: Registration
    name: str
    unit: Unit
    total: Decimal
    by_round: dict[int, Decimal] = field(default_factory=dict)
    cells: list[Decimal | None] = field(default_factory=list)  # by_round in round order, for tables
    time_seconds: int | None = None
    last_submission: datetime | None = None
    rank: int = 0
    award: str = ""
    award_code: str = ""

    @property
    def time(self) -> timedelta | None:
        return timedelta(seconds=self.time_seconds) if self.time_seconds is not None else None


@dataclass
class UnitRow:
    unit: Unit
    entries: int
    mean: Decimal
    best: Decimal
    rank: int = 0


@dataclass
class Results:
    rows: list[ResultRow]
    units: list[UnitRow]
    rounds: list[Round]
    awards: dict[int, Award] = field(default_factory=dict)


def round_standings(*, round_: Round) -> list[dict]:
    """Any round's entries ranked by its format's points (DMOJ shared ranks), for a format whose own
    scoreboard has another shape (the live final's podium): rank, name, unit, points."""
    from contests.formats import format_for
    from contests.formats.base import shared_ranks

    entries = {registration.pk: registration for registration in registration_list(contest=round_.contest)}
    rows = sorted((row for row in format_for(round_).scores() if row.registration_id in entries),
                  key=lambda row: (-row.points, row.tie_breaks))
    return [{"rank": rank, "name": entry_name(entries[row.registration_id]),
             "unit": entry_unit(entries[row.registration_id]).name, "points": row.points,
             "registration_id": row.registration_id}
            for rank, row in zip(shared_ranks([(row.points, row.tie_breaks) for row in rows]), rows, strict=True)]


def award_list(*, contest: Contest) -> QuerySet[Award]:
    return contest.awards.select_related("registration").order_by("rank", "id")


def award_for_registration(*, registration: Registration) -> Award | None:
    """The entry's award once the contest's results are published, else None."""
    if not registration.contest.results_published_at:
        return None
    return Award.objects.filter(registration=registration).first()


def award_by_code(*, code: str) -> Award | None:
    from core.certificates import normalise_code

    return Award.objects.select_related("contest").filter(code=normalise_code(code)).first()


def results_compute(*, contest: Contest, live: bool = True) -> Results:
    """The overall ranking and the unit ranking.

    Each round's points are put on a 0–100 scale (its format's maximum, or its best entry when the
    format has none) and weighted; the total is the sum. Ties are broken, in order, by higher points
    in the later rounds (the final first), then less total time in the timed rounds, then the
    earlier last submission; entries equal on all of these share a rank. A unit's line is the mean of
    its entries' totals. `live=False` gives what contestants may see (frozen boards stay frozen).
    """
    from contests.formats import registered_formats
    from contests.formats.base import shared_ranks

    rounds = round_list(contest=contest)
    registrations = list(registration_list(contest=contest))
    rows = {registration.pk: ResultRow(registration=registration, name=entry_name(registration),
                                       unit=entry_unit(registration), total=Decimal(0))
            for registration in registrations}
    formats = registered_formats()
    times: dict[int, list[int]] = {pk: [] for pk in rows}
    lasts: dict[int, list[int]] = {pk: [] for pk in rows}
    for round_ in rounds:
        format_class = formats.get(round_.format)
        if format_class is None:
            continue
        strategy = format_class(round_)
        scores = [score for score in strategy.scores(live=live) if score.registration_id in rows]
        scale = strategy.max_points() or max((score.points for score in scores), default=Decimal(0))
        for score in scores:
            normalised = (score.points * 100 / scale).quantize(Decimal("0.001")) if scale else Decimal(0)
            row = rows[score.registration_id]
            row.by_round[round_.pk] = normalised
            row.total += normalised * round_.weight
            if len(score.tie_breaks) == 2:  # timed rounds: (seconds used, last finish)
                times[score.registration_id].append(score.tie_breaks[0])
                lasts[score.registration_id].append(score.tie_breaks[1])
    for pk, row in rows.items():
        row.total = row.total.quantize(Decimal("0.001"))
        row.cells = [row.by_round.get(round_.pk) for round_ in rounds]
        if times[pk] and max(times[pk]) < UNTIMED:
            row.time_seconds = sum(times[pk])
            row.last_submission = datetime.fromtimestamp(max(lasts[pk]), tz=UTC)

    def key(row: ResultRow) -> tuple:
        later = tuple(-row.by_round.get(round_.pk, Decimal(0)) for round_ in reversed(rounds))
        return (-row.total, later, sum(times[row.registration.pk]), max(lasts[row.registration.pk], default=0))

    ordered = sorted(rows.values(), key=key)
    for rank, row in zip(shared_ranks([key(row) for row in ordered]), ordered, strict=True):
        row.rank = rank
    awards = {award.registration_id: award for award in contest.awards.all()}
    for row in ordered:
        award = awards.get(row.registration.pk)
        row.award = award.get_level_display() if award else ""
        row.award_code = award.code if award else ""
    by_unit: dict[int, list[ResultRow]] = {}
    for row in ordered:
        by_unit.setdefault(row.unit.pk, []).append(row)
    units = [UnitRow(unit=members[0].unit, entries=len(members),
                     mean=(sum((member.total for member in members), Decimal(0)) / len(members)).quantize(Decimal("0.001")),
                     best=members[0].total) for members in by_unit.values()]
    units.sort(key=lambda line: (-line.mean, -line.best, line.unit.name))
    for rank, line in zip(shared_ranks([(line.mean, line.best) for line in units]), units, strict=True):
        line.rank = rank
    return Results(rows=ordered, units=units, rounds=rounds, awards=awards)


def contest_results_published_at(*, contest_id: int) -> datetime | None:
    """When the contest's results were published, as stored (None: not published, or no such contest)."""
    return Contest.objects.filter(pk=contest_id).values_list("results_published_at", flat=True).first()


def entry_results_by_officer_day(*, start, end) -> QuerySet:  # noqa: ANN001
    """Contest results per officer and day, for contests whose results were published from `start`
    to `end` (local dates of publication): rows `{"o_id", "d", "n", "awarded_n"}` — the entries the
    officer competed in (on their own or as a member of a unit team; withdrawn entries left out) and,
    of those, the ones that won an award (any level). A lazy query (individual entries UNION ALL team
    members, each grouped by officer and day; an officer may have a row in both), usable as the
    SELECT of a set-based INSERT whose outer GROUP BY adds them up."""
    from django.db.models.functions import TruncDate

    published = Q(withdrawn_at__isnull=True, contest__results_published_at__isnull=False)
    individual = (Registration.objects.filter(published, kind=RegistrationKind.INDIVIDUAL)
                  .annotate(d=TruncDate("contest__results_published_at")).filter(d__gte=start, d__lte=end)
                  .values("d", o_id=F("officer_id"))
                  .annotate(n=Count("id"), awarded_n=Count("awards__id")).order_by())
    members = Registration.members.through
    team = (members.objects.filter(registration__withdrawn_at__isnull=True,
                                   registration__contest__results_published_at__isnull=False,
                                   registration__kind=RegistrationKind.TEAM)
            .annotate(d=TruncDate("registration__contest__results_published_at")).filter(d__gte=start, d__lte=end)
            .values("d", o_id=F("officer_id"))
            .annotate(n=Count("id"), awarded_n=Count("registration__awards__id")).order_by())
    return individual.union(team, all=True)


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
