from core.testing import EVERYONE, PUBLIC, Rule, roles

ORGANISERS = roles("contest_organiser", "admin")


def _contest(world, **fields):  # noqa: ANN001, ANN003, ANN202
    from contests.models import Contest
    from contests.tests import factories

    title = fields.pop("title", "Hội thi ma trận")
    return Contest.objects.filter(title=title).first() or factories.contest(world, title=title, **fields)


def _pk(world):  # noqa: ANN001, ANN202
    return {"pk": _contest(world).pk}


def _team_contest(world):  # noqa: ANN001, ANN202
    return {"pk": _contest(world, title="Hội thi đội", allow_teams=True).pk}


def _entered(world):  # noqa: ANN001, ANN202
    """A contest in which only the plain officer has entered."""
    from contests.tests import factories

    contest = _contest(world, title="Hội thi đã đăng ký")
    factories.enter(contest, world.officers["officer"])
    return {"pk": contest.pk}


def _online_round(world):  # noqa: ANN001, ANN202
    from contests.tests import factories

    contest = _contest(world)
    return {"pk": (contest.rounds.first() or factories.online_round(contest)).pk}


def _judged_round(world):  # noqa: ANN001, ANN202
    from contests.tests import factories

    return {"pk": factories.judged_round(_contest(world)).pk}


def _sheet(world):  # noqa: ANN001, ANN202
    from contests import services
    from contests.tests import factories

    contest = _contest(world)
    round_ = factories.judged_round(contest)
    registration = factories.enter(contest, world.officers["other_b"])
    return {"pk": services.judge_assign(round_=round_, registration=registration, judge=world.user("judge")).pk}


def _published_results(world):  # noqa: ANN001, ANN202
    from django.utils import timezone

    contest = _contest(world)
    type(contest).objects.filter(pk=contest.pk).update(results_published_at=timezone.now())
    return contest


def _award(world):  # noqa: ANN001, ANN202
    from decimal import Decimal

    from contests.models import Award
    from contests.tests import factories

    contest = _published_results(world)
    registration = factories.enter(contest, world.officers["officer"])
    Award.objects.create(contest=contest, registration=registration, level="first", rank=1, points=Decimal(90),
                         holder_name="Nguyễn Văn Á", unit_name="Chi cục A", code="MATRIXAWARD1")
    return {"code": "MATRIXAWARD1"}


ACCESS = {
    "contests:contest-list": Rule(allowed=EVERYONE),
    "contests:contest-detail": Rule(allowed=EVERYONE, kwargs=_pk),
    "contests:register": Rule(allowed=EVERYONE, kwargs=_pk, method="post", data=lambda w: {}),
    "contests:withdraw": Rule(allowed=roles("officer"), kwargs=_entered, method="post", data=lambda w: {}),
    "contests:team": Rule(allowed=roles("unit_manager"), kwargs=_team_contest),
    "contests:round-start": Rule(allowed=EVERYONE, kwargs=_online_round, method="post", data=lambda w: {}),
    "contests:scoreboard": Rule(allowed=EVERYONE, kwargs=_online_round),
    "contests:manage-list": Rule(allowed=ORGANISERS),
    "contests:contest-create": Rule(allowed=ORGANISERS),
    "contests:contest-manage": Rule(allowed=ORGANISERS, kwargs=_pk),
    "contests:contest-edit": Rule(allowed=ORGANISERS, kwargs=_pk),
    "contests:contest-publish": Rule(allowed=ORGANISERS, kwargs=_pk, method="post", data=lambda w: {"published": "1"}),
    "contests:round-create": Rule(allowed=ORGANISERS, kwargs=_pk),
    "contests:results-manage": Rule(allowed=ORGANISERS, kwargs=_pk),
    "contests:results-export": Rule(allowed=ORGANISERS, kwargs=_pk),
    "contests:round-edit": Rule(allowed=ORGANISERS, kwargs=_online_round),
    "contests:round-judging": Rule(allowed=ORGANISERS, kwargs=_judged_round),
    "contests:judge-list": Rule(allowed=roles("judge")),
    "contests:sheet": Rule(allowed=roles("judge"), kwargs=_sheet),
    "contests:public-results": Rule(allowed=PUBLIC, kwargs=lambda w: {"pk": _published_results(w).pk}),
    "contests:award-verify": Rule(allowed=PUBLIC, kwargs=_award),
    # The holder (the plain officer's entry) and those who manage the contest.
    "contests:award-pdf": Rule(allowed=roles("officer", "contest_organiser", "admin"), kwargs=_award),
}

# ---------------------------------------------------------------- live final
HOSTS = roles("contest_organiser", "admin")


def _live_round(world):  # noqa: ANN001, ANN202
    from contests.models import Round, RoundFormat
    from contests.tests.live_factories import live_round

    existing = Round.objects.filter(format=RoundFormat.LIVE, title="Chung kết").first()
    return existing or live_round(organiser=world.officers["contest_organiser"], audience_unit=world.units["P"])


def _live_session(world):  # noqa: ANN001, ANN202
    """An open session of the live round that only the plain officer joined."""
    from contests.services.live import live_join, live_session_open
    from contests.tests.live_factories import register

    round_ = _live_round(world)
    session = live_session_open(round_=round_, host=world.user("contest_organiser"))
    if not round_.contest.registrations.filter(officer=world.officers["officer"]).exists():
        register(round_, world.officers["officer"])
    live_join(pin=session.pin, officer=world.officers["officer"])
    return session


ACCESS |= {
    "contests:live-index": Rule(allowed=HOSTS),
    # Any officer may try a PIN; the join itself checks the registration (a wrong PIN is a 400 page).
    "contests:live-join": Rule(allowed=EVERYONE),
    "contests:live-host": Rule(allowed=HOSTS, kwargs=lambda w: {"round_id": _live_round(w).pk}),
    "contests:live-host@open": Rule(allowed=HOSTS, kwargs=lambda w: {"round_id": _live_session(w).round_id}),
    "contests:live-open": Rule(allowed=HOSTS, kwargs=lambda w: {"round_id": _live_round(w).pk}, method="post",
                               data=lambda w: {}),
    # Only an officer who joined the session (here the plain officer) opens the contestant page.
    "contests:live-play": Rule(allowed=roles("officer"), kwargs=lambda w: {"session_id": _live_session(w).pk}),
}
