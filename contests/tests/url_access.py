from core.testing import EVERYONE, Rule, roles

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


ACCESS = {
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
