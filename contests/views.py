"""Contest pages: organiser setup, officers' entries and online rounds, judges' sheets, results.

Views parse input, check role and scope, call a selector or service and render. The live final's
pages live in their own module.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contests import permissions as perms
from contests import selectors, services
from contests.formats import format_for, registered_formats
from contests.forms import AmendForm, AssignJudgeForm, ContestForm, CriterionForm, RoundForm, TaskForm, TeamForm
from contests.models import Contest, Registration, Round, RoundFormat
from contests.models_judging import Criterion, JudgeAssignment, Task
from core.permissions import require
from org.selectors import officer_for_user, unit_list_visible


def _managed_contest(request: HttpRequest, pk: int) -> Contest:
    contest = get_object_or_404(Contest.objects.select_related("audience_unit", "created_by"), pk=pk)
    if not perms.can_manage_contest(request.user, contest):
        raise Http404
    return contest


def _managed_round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("contest__audience_unit", "quiz"), pk=pk)
    if not perms.can_manage_contest(request.user, round_.contest):
        raise Http404
    return round_


# ---------------------------------------------------------------- organiser


@require(perms.can_organise_contests)
def manage_list(request: HttpRequest) -> HttpResponse:
    """The organiser's contests, with their entries and rounds counted."""
    contests = list(selectors.contest_list_manageable(user=request.user)[:200])
    return render(request, "contests/manage_list.html", {"contests": contests})


@require(perms.can_organise_contests)
def contest_create(request: HttpRequest) -> HttpResponse:
    form = ContestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contest = services.contest_create(created_by=request.user, **form.service_values())
        except services.ContestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Contest created. Add its rounds, then publish it."))
            return redirect("contests:contest-manage", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "title": _("New contest")})


@require(perms.can_organise_contests)
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    form = ContestForm(request.POST or None, instance=contest)
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        try:
            contest.refresh_from_db()  # the form changed the instance in memory
            services.contest_update(contest=contest, **values)
        except services.ContestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("contests:contest-manage", pk=contest.pk)
    return render(request, "contests/contest_form.html", {"form": form, "title": contest.title, "contest": contest})


@require(perms.can_organise_contests)
def contest_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """A contest's control page: settings, rounds, entries and the way to publish."""
    contest = _managed_contest(request, pk)
    return render(request, "contests/contest_manage.html", {
        "contest": contest, "rounds": selectors.round_list(contest=contest),
        "registrations": list(selectors.registration_list(contest=contest)),
        "positions": list(contest.audience_positions.all()),
    })


@require(perms.can_organise_contests)
@require_POST
def contest_publish(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed_contest(request, pk)
    publish = request.POST.get("published", "1") == "1"
    try:
        services.contest_publish(contest=contest, published=publish)
    except services.ContestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The contest is published.") if publish else _("The contest is hidden."))
    return redirect("contests:contest-manage", pk=pk)


def _round_form_page(request: HttpRequest, contest: Contest, round_: Round | None) -> HttpResponse:
    form = RoundForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.round_save(contest=contest, round_=round_, title=data["title"], format=data["format"],
                                        weight=data["weight"], quiz=data["quiz"], opens_at=data["opens_at"],
                                        closes_at=data["closes_at"], options=form.options())
        except services.ContestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Round saved."))
            if saved.format == RoundFormat.JUDGED:
                return redirect("contests:round-judging", pk=saved.pk)
            return redirect("contests:contest-manage", pk=contest.pk)
    return render(request, "contests/round_form.html", {"form": form, "contest": contest, "round": round_})


@require(perms.can_organise_contests)
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_form_page(request, _managed_contest(request, pk), None)


@require(perms.can_organise_contests)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk)
    return _round_form_page(request, round_.contest, round_)


@require(perms.can_organise_contests)
def round_judging(request: HttpRequest, pk: int) -> HttpResponse:
    """A judged round's rubric (tasks, criteria), its judges' sheets and corrections of locked sheets.
    One POST endpoint; `action` says which form was sent."""
    round_ = _managed_round(request, pk)
    if round_.format != RoundFormat.JUDGED:
        raise Http404
    contest = round_.contest
    registrations = list(selectors.registration_list(contest=contest))
    entries = [(str(registration.pk), selectors.entry_name(registration)) for registration in registrations]
    judges = selectors.judge_candidates()
    task_form, criterion_form = TaskForm(prefix="task"), CriterionForm(prefix="criterion")
    assign_form = AssignJudgeForm(prefix="assign", judges=judges, entries=entries)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "task":
                task_form = TaskForm(request.POST, prefix="task")
                if task_form.is_valid():
                    services.task_save(round_=round_, **task_form.cleaned_data)
                    messages.success(request, _("Task added."))
                    return redirect("contests:round-judging", pk=pk)
            elif action == "criterion":
                criterion_form = CriterionForm(request.POST, prefix="criterion")
                if criterion_form.is_valid():
                    task = get_object_or_404(Task, pk=criterion_form.cleaned_data["task"], round=round_)
                    services.criterion_save(task=task, title=criterion_form.cleaned_data["title"],
                                            max_points=criterion_form.cleaned_data["max_points"])
                    messages.success(request, _("Criterion added."))
                    return redirect("contests:round-judging", pk=pk)
            elif action == "assign":
                assign_form = AssignJudgeForm(request.POST, prefix="assign", judges=judges, entries=entries)
                if assign_form.is_valid():
                    chosen = {int(value) for value in assign_form.cleaned_data["registrations"]}
                    for registration in registrations:
                        if registration.pk in chosen:
                            services.judge_assign(round_=round_, registration=registration,
                                                  judge=assign_form.cleaned_data["judge"])
                    messages.success(request, _("Judge assigned."))
                    return redirect("contests:round-judging", pk=pk)
            elif action in ("allow", "disallow"):
                assignment = get_object_or_404(JudgeAssignment, pk=request.POST.get("assignment") or 0, round=round_)
                services.judge_allow_own_unit(assignment=assignment, allowed=action == "allow")
                messages.success(request, _("Changes saved."))
                return redirect("contests:round-judging", pk=pk)
            elif action == "amend":
                assignment = get_object_or_404(JudgeAssignment, pk=request.POST.get("assignment") or 0, round=round_)
                amend = AmendForm(request.POST, prefix="amend")
                if not amend.is_valid():
                    raise services.ContestError(_("Fill in the points and the reason for the change."))
                criterion = get_object_or_404(Criterion.objects.select_related("task"),
                                              pk=amend.cleaned_data["criterion"], task__round=round_)
                services.score_amend(assignment=assignment, criterion=criterion, points=amend.cleaned_data["points"],
                                     comment=amend.cleaned_data["comment"], reason=amend.cleaned_data["reason"],
                                     user=request.user)
                messages.success(request, _("Score corrected; the change is in the audit log."))
                return redirect("contests:round-judging", pk=pk)
            else:
                raise services.ContestError(_("Unknown action."))
        except services.ContestError as exc:
            messages.error(request, str(exc))
    assignments = list(selectors.assignment_list_for_round(round_=round_).prefetch_related("scores"))
    return render(request, "contests/round_judging.html", {
        "round": round_, "contest": contest, "tasks": selectors.judged_round_rubric(round_=round_),
        "assignments": assignments, "task_form": task_form, "criterion_form": criterion_form,
        "assign_form": assign_form, "board": format_for(round_).scoreboard(viewer=request.user),
        "entry_names": dict((int(pk), name) for pk, name in entries),
    })


@require(perms.can_organise_contests)
def results_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The live overall results for the organiser, and publishing them."""
    contest = _managed_contest(request, pk)
    if request.method == "POST":
        publish = request.POST.get("published", "1") == "1"
        try:
            services.results_publish(contest=contest, published=publish)
        except services.ContestError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Results published; awards issued.") if publish
                             else _("Results withdrawn from the public page."))
        return redirect("contests:results-manage", pk=pk)
    results = selectors.results_compute(contest=contest)
    return render(request, "contests/results.html", {"contest": contest, "results": results, "manage": True})


# ---------------------------------------------------------------- officers


def _visible_contest(request: HttpRequest, pk: int) -> Contest:
    contest = get_object_or_404(Contest.objects.select_related("audience_unit"), pk=pk)
    if not selectors.contest_is_visible(contest=contest, user=request.user):
        raise Http404
    return contest


@require(perms.can_enter_contests)
def contest_list(request: HttpRequest) -> HttpResponse:
    """Published contests the officer may enter or has entered."""
    officer = officer_for_user(request.user)
    return render(request, "contests/contest_list.html", {
        "contests": selectors.contest_list_for_officer(officer=officer)[:100], "now": timezone.now(),
        "can_organise": perms.can_organise_contests(request.user)})


def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contest as an officer sees it: rules, rounds with their windows, their entry and what to do."""
    contest = _visible_contest(request, pk)
    officer = officer_for_user(request.user)
    now = timezone.now()
    registration = selectors.registration_for_officer(contest=contest, officer=officer) if officer else None
    problem = selectors.officer_eligibility_problem(contest=contest, officer=officer) if officer else None
    return render(request, "contests/contest_detail.html", {
        "contest": contest, "rounds": selectors.round_list(contest=contest), "now": now,
        "registration": registration, "problem": problem,
        "award": selectors.award_for_registration(registration=registration) if registration else None,
        "registration_open": selectors.contest_registration_open(contest=contest, now=now),
        "can_register_team": perms.can_register_team(request.user) and contest.allow_teams,
        "can_manage": perms.can_manage_contest(request.user, contest),
        "positions": list(contest.audience_positions.all()),
    })


@require(perms.can_enter_contests)
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _visible_contest(request, pk)
    try:
        services.registration_individual_create(contest=contest, officer=officer_for_user(request.user),
                                                registered_by=request.user)
    except services.ContestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You are registered."))
    return redirect("contests:contest-detail", pk=pk)


@require(perms.can_enter_contests)
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _visible_contest(request, pk)
    registration = get_object_or_404(Registration, contest=contest, officer=officer_for_user(request.user),
                                     withdrawn_at__isnull=True)
    try:
        services.registration_withdraw(registration=registration)
    except services.ContestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your registration is withdrawn."))
    return redirect("contests:contest-detail", pk=pk)


@require(perms.can_register_team)
def team(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit manager chooses their unit's team (members from their own unit subtree)."""
    contest = _visible_contest(request, pk)
    if not contest.allow_teams:
        raise Http404
    unit = officer_for_user(request.user).unit
    if not unit_list_visible(user=request.user).filter(pk=unit.pk).exists():
        raise Http404
    existing = Registration.objects.filter(contest=contest, team_unit=unit, withdrawn_at__isnull=True).first()
    candidates = selectors.team_candidates(contest=contest, unit=unit)
    initial = {"members": list(existing.members.values_list("pk", flat=True))} if existing else None
    form = TeamForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_team_save(contest=contest, unit=unit, members=list(form.cleaned_data["members"]),
                                            registered_by=request.user)
        except services.ContestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The team of %(unit)s is registered.") % {"unit": unit.name})
            return redirect("contests:contest-detail", pk=pk)
    return render(request, "contests/team_form.html", {"contest": contest, "unit": unit, "form": form,
                                                       "existing": existing})


@require(perms.can_enter_contests)
@require_POST
def round_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start or continue the officer's attempt at an online round; the quiz pages take it from there."""
    round_ = get_object_or_404(Round.objects.select_related("contest", "quiz"), pk=pk)
    if not selectors.contest_is_visible(contest=round_.contest, user=request.user):
        raise Http404
    try:
        attempt = services.round_attempt_start(round_=round_, officer=officer_for_user(request.user))
    except services.ContestError as exc:
        messages.error(request, str(exc))
        return redirect("contests:contest-detail", pk=round_.contest_id)
    return redirect("quizzes:attempt-take", pk=attempt.pk)


def scoreboard(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's scoreboard: frozen for contestants during the freeze, live for the organisers."""
    round_ = get_object_or_404(Round.objects.select_related("contest__audience_unit", "quiz"), pk=pk)
    if not selectors.contest_is_visible(contest=round_.contest, user=request.user):
        raise Http404
    if round_.format not in registered_formats():
        raise Http404
    board = format_for(round_).scoreboard(viewer=request.user)
    if "rows" not in board:
        board = {"rows": selectors.round_standings(round_=round_)}
    officer = officer_for_user(request.user)
    mine = selectors.registration_for_officer(contest=round_.contest, officer=officer) if officer else None
    return render(request, "contests/scoreboard.html", {"round": round_, "contest": round_.contest, "board": board,
                                                        "mine": mine.pk if mine else None,
                                                        "can_manage": perms.can_manage_contest(request.user,
                                                                                               round_.contest)})


# ---------------------------------------------------------------- judges


@require(perms.can_judge)
def judge_list(request: HttpRequest) -> HttpResponse:
    """The judge's sheets: only the entries assigned to them."""
    assignments = list(selectors.assignment_list_for_judge(user=request.user)[:500])
    for assignment in assignments:
        assignment.entry = selectors.entry_name(assignment.registration)
    return render(request, "contests/judge_list.html", {"assignments": assignments})


@require(perms.can_judge)
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A judge's score sheet for one entry: points and a comment per criterion; save, or submit to lock."""
    assignment = get_object_or_404(JudgeAssignment.objects.select_related(
        "round__contest", "registration__officer__unit", "registration__team_unit"), pk=pk)
    if not perms.can_score_assignment(request.user, assignment):
        raise Http404
    tasks = selectors.judged_round_rubric(round_=assignment.round)
    criteria = [criterion for task in tasks for criterion in task.criteria.all()]
    errors = ""
    posted: dict[int, tuple[str, str]] = {}
    if request.method == "POST":
        posted = {criterion.pk: (request.POST.get(f"points-{criterion.pk}", ""),
                                 request.POST.get(f"comment-{criterion.pk}", "")) for criterion in criteria}
        submit = request.POST.get("submit") == "1"
        try:
            services.score_sheet_save(assignment=assignment, judge=request.user,
                                      entries={pk: value for pk, value in posted.items() if value[0].strip() or submit},
                                      submit=submit)
        except services.ContestError as exc:
            errors = str(exc)
        else:
            messages.success(request, _("Score sheet submitted and locked.") if submit else _("Scores saved."))
            return redirect("contests:sheet", pk=pk)
    scores = selectors.score_map(assignment=assignment)
    for task in tasks:
        for criterion in task.criteria.all():
            saved = scores.get(criterion.pk)
            criterion.value, criterion.note = posted.get(criterion.pk) or (
                (str(saved.points), saved.comment) if saved else ("", ""))
    return render(request, "contests/sheet.html", {
        "assignment": assignment, "entry": selectors.entry_name(assignment.registration),
        "unit": selectors.entry_unit(assignment.registration), "tasks": tasks, "error": errors,
        "locked": assignment.submitted_at is not None, "may_score": assignment.may_score,
    }, status=400 if errors else 200)


# ---------------------------------------------------------------- public


@login_not_required
def public_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The published results of a contest, for anyone, signed in or not."""
    contest = get_object_or_404(Contest, pk=pk, is_published=True, results_published_at__isnull=False)
    results = selectors.results_compute(contest=contest, live=False)
    return render(request, "contests/results.html", {"contest": contest, "results": results, "manage": False})


@login_not_required
def award_verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public check of an award certificate's code (the QR code on the PDF leads here)."""
    award = selectors.award_by_code(code=code)
    if award is not None and not award.contest.results_published_at:
        award = None
    return render(request, "contests/award_verify.html", {"award": award, "code": code},
                  status=200 if award else 404)


def award_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The award certificate (core.certificates' layout, QR code to the public check), for the entry's
    own officers and those who manage the contest, once the results are published."""
    from core.certificates import CertificateDocument, certificate_pdf, issuer_from_stored, site_url

    award = selectors.award_by_code(code=code)
    if award is None or not award.contest.results_published_at:
        raise Http404
    registration = (Registration.objects.select_related("officer", "team_unit").prefetch_related("members")
                    .get(pk=award.registration_id))
    officer = officer_for_user(request.user)
    own = officer is not None and officer.pk in selectors.entry_officer_ids(registration)
    if not own and not perms.can_manage_contest(request.user, award.contest):
        raise Http404
    team = registration.kind == "team"
    document = CertificateDocument(
        title="Giấy chứng nhận", holder_name=award.holder_name,
        holder_label="" if team else "Ông/Bà:", holder_unit="" if team else award.holder_unit_name,
        lines=(f"Đã đạt {award.get_level_display()}", award.contest.title),
        number=award.number or award.code, issued_on=timezone.localdate(award.issued_at), code=award.code,
        verify_url=site_url(reverse("contests:award-verify", kwargs={"code": award.code})),
        issuer=issuer_from_stored(award),
    )
    response = HttpResponse(certificate_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giai-thuong-{award.code}.pdf"'
    return response


@require(perms.can_organise_contests)
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The live overall and unit results as an .xlsx workbook (core.exports: safe cells, frozen header)."""
    from core.exports import Sheet, xlsx_response

    contest = _managed_contest(request, pk)
    results = selectors.results_compute(contest=contest)
    overall = Sheet(
        title=_("Overall ranking")[:31],
        headers=[_("Rank"), _("Entry"), _("Unit"), *[f"{round_.title} ×{round_.weight}" for round_ in results.rounds],
                 _("Total"), _("Time used"), _("Award")],
        rows=([row.rank, row.name, row.unit.name, *row.cells, row.total,
               str(row.time) if row.time is not None else "", row.award] for row in results.rows))
    units = Sheet(title=_("Units")[:31], headers=[_("Rank"), _("Unit"), _("Entries"), _("Mean total"), _("Best total")],
                  rows=([line.rank, line.unit.name, line.entries, line.mean, line.best] for line in results.units))
    return xlsx_response([overall, units], filename=f"ket-qua-hoi-thi-{contest.pk}.xlsx")
