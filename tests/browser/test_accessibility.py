"""Every role walks every page of its menu at 1366x768 and on a 360 px phone: axe-core finds nothing,
every target on screen is at least 24x24 px (WCAG 2.5.8, with its inline exception only), nothing is cut
off at the right edge, and nothing is wider than the phone's screen.

One test per role; each visits the links of the role's menu (the bar, its drop-down sections and the
top-bar links), the main links of the page the role lands on and of "Công việc của tôi", and the pages
of the records built below (a case with steps, a course, a quiz attempt, a contest, a help request and
an article) that the role may open. A failure names the role, the page and the size.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from conftest import PASSWORD, build_world
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 800}
MIN_TARGET = 24  # CSS px, WCAG 2.2 success criterion 2.5.8 (Target Size, Minimum)

# Sign-in names of the test world's roles; the IT focal person is an officer named focal person of the Cục.
ROLES = {
    "officer": "officer", "trainer": "trainer", "manager": "manager", "leader": "leader",
    "organiser": "organiser", "judge": "judge", "admin": "admin", "focal person": "focal",
}

# Not pages: sign-out, files (exports, downloads, certificates, PDFs) and Django's own admin site.
SKIPPED = re.compile(r"/accounts/logout/|\.(xlsx|csv|pdf|zip|gift|txt|json)$|/export|/download|/pdf/|^/admin/"
                     r"|/media/|/api/")
SKIPPED_QUERY = re.compile(r"(^|&)(format|export|download)=")

TARGETS = ("a[href], button, input[type=submit], input[type=button], input[type=reset], input[type=image], "
           "input[type=checkbox], input[type=radio], select, summary")

# Runs in the page: every target shown on screen (optionally only inside `scope`) that is smaller than
# 24x24 px without being inline text inside a sentence, or that sticks out past the right edge of the
# screen (a button at all; another target unless a frame scrolling sideways reaches it).
CHECK_TARGETS = """([selector, minimum, scope]) => {
  const root = scope ? document.querySelector(scope) : document;
  const width = window.innerWidth;
  const problems = [];
  const name = (el) => {
    const text = (el.getAttribute("aria-label") || el.innerText || el.value || el.getAttribute("name") || "")
      .replace(/\\s+/g, " ").trim().slice(0, 50);
    const id = el.id ? "#" + el.id : (el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    return el.tagName.toLowerCase() + id + (text ? " «" + text + "»" : "");
  };
  const overlapsVertically = (a, b) => a.top < b.bottom - 1 && b.top < a.bottom - 1;
  // WCAG 2.5.8 inline exception, narrowly: the target is an inline box (not inline-block, not a flex or
  // grid item) and shares a line box with words or figures of non-target text of the same block.
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const parentDisplay = el.parentElement ? getComputedStyle(el.parentElement).display : "";
    if (/flex|grid/.test(parentDisplay)) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
    if (!block) return false;
    const lines = Array.from(el.getClientRects());
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!/[\\p{L}\\p{N}]/u.test(node.data)) continue;
      const owner = node.parentElement.closest(selector);
      if (owner && block.contains(owner)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width > 1 && rect.height > 1 && lines.some((line) => overlapsVertically(line, rect))) return true;
      }
    }
    return false;
  };
  const scrollsSideways = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if ((overflow === "auto" || overflow === "scroll") && up.scrollWidth > up.clientWidth) return true;
    }
    return false;
  };
  for (const el of root.querySelectorAll(selector)) {
    if (el.disabled || el.closest("[hidden], [inert]")) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;   // visually hidden, for screen readers only
    if (rect.right <= 0) continue;                       // parked left of the page until focused (skip link)
    // A button (a row's action, a form's submit) is never left beyond the edge, even in a frame that scrolls
    // sideways; links and fields of a wide table may sit further along its frame.
    const isButton = el.matches("button, input[type=submit], input[type=button], a.btn");
    if (rect.right > width + 1 && (isButton || !scrollsSideways(el))) {
      problems.push(name(el) + " is cut off at the right edge (" + Math.round(rect.left) + "–" +
                    Math.round(rect.right) + " px of " + width + ")");
    }
    if ((rect.width < minimum - 0.05 || rect.height < minimum - 0.05) && !inSentence(el)) {
      problems.push(name(el) + " is " + rect.width.toFixed(1) + "×" + rect.height.toFixed(1) + " px");
    }
  }
  return problems;
}"""

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"], rules: {"target-size": {enabled: true}}});
  return result.violations.map((v) => v.id + " (" + v.nodes.length + "): " +
    v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""

# Runs in the page: the innermost elements that reach past the right edge of the screen outside a scrolling frame.
WIDER_THAN_SCREEN = """(width) => {
  const framed = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
    }
    return false;
  };
  const past = Array.from(document.body.querySelectorAll("*")).filter((el) => el.getBoundingClientRect().right > width + 0.5);
  // Outside a scrolling frame, or (when every one is inside one) placed by its own containing block.
  const wide = past.some((el) => !framed(el)) ? past.filter((el) => !framed(el)) : past;
  return wide.filter((el) => !wide.some((other) => other !== el && el.contains(other))).slice(0, 3).map((el) =>
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
    " (" + Math.round(el.getBoundingClientRect().right) + " px)");
}"""

LINKS = """(scope) => Array.from(document.querySelectorAll(scope)).map((a) => a.href)"""


def build_records() -> dict[str, list[str]]:
    """A world with something on every page; returns the addresses of the records' own pages."""
    from analytics.tests.factories import make_score, make_software, put_officer_counts, put_unit_counts
    from cases.services import case_step_record
    from cases.tests.factories import ensure_reference_data, make_case, step_type
    from contests import services as contest_services
    from contests.tests import factories as contest_factories
    from core.roles import Role
    from learning import services as learning
    from learning.tests.factories import due_in, make_course
    from org import services as org_services
    from quizzes import services as quiz_services
    from quizzes.tests import factories as quiz_factories
    from support import services as support_services
    from support.tests import factories as support_factories

    ensure_reference_data()
    world = build_world()
    today = timezone.localdate()
    officer = world.officers["officer"]

    focal = org_services.officer_create(
        full_name="Tạ Đầu Mối", email="focal@moj.gov.vn", unit=world.units["P"], position=world.positions["clerk"],
        username="focal", password=PASSWORD, roles={Role.OFFICER})
    type(focal.user).objects.filter(pk=focal.user_id).update(must_change_password=False)
    support_factories.focal(world.units["P"], focal)
    support_factories.focal(world.units["A"], world.officers["unit_manager"])

    case = make_case(world, number="47/2026/QĐ-CCTHADS", intake=today - timedelta(days=40))
    case_step_record(case=case, step_type=step_type("decision"), legal_date=today - timedelta(days=38),
                     by=officer)
    make_case(world, number="48/2026/QĐ-CCTHADS", intake=today - timedelta(days=3), unit_key="A1",
              officer_key="other_a1")

    course = make_course(code="CKS", title="Chữ ký số trong thi hành án", lessons=2, created_by=world.user("trainer"))
    learning.assignment_create(course=course, unit=world.units["P"], due_date=due_in(10))
    first_lesson = course.lessons.order_by("pk").first()
    learning.lesson_progress_complete(officer=officer, lesson=first_lesson)

    quiz = quiz_factories.all_types_quiz(title="Kiểm tra tin học cơ bản", attempts=2)
    attempt = quiz_services.attempt_start(quiz=quiz, officer=officer)
    attempt = quiz_services.attempt_submit(attempt=attempt)

    contest = contest_factories.contest(world)
    contest_factories.online_round(contest)
    practical = contest_factories.judged_round(contest)
    entry = contest_factories.enter(contest, officer)
    sheet = contest_services.judge_assign(round_=practical, registration=entry, judge=world.user("judge"))

    make_software("QLVB", "Quản lý văn bản", positions=[world.positions["enforcement_officer"]])
    for unit_key, active in [("A", 1), ("A1", 1), ("B", 0)]:
        put_unit_counts(world.units[unit_key], today - timedelta(days=1), active__QLVB=active, officers=2)
    put_officer_counts(world.officers["other_a1"], today - timedelta(days=1), active__QLVB=1)
    make_score(officer, today, 18, "beginner")
    make_score(world.officers["other_a1"], today, 64, "regular")

    help_request = support_factories.help_request(officer, subject="Không ký số được quyết định")
    how_to = support_factories.article(by=world.user("trainer"))
    support_services.help_request_reply(request=help_request, body="Đồng chí làm theo bài hướng dẫn.",
                                        by=focal.user, article=how_to)
    return {"records": [
        f"/cases/{case.pk}/", f"/learning/courses/{course.pk}/", f"/learning/lessons/{first_lesson.pk}/",
        f"/learning/manage/{course.pk}/", f"/learning/reports/courses/{course.pk}/",
        f"/quizzes/attempts/{attempt.pk}/review/", f"/quizzes/{quiz.pk}/", f"/quizzes/{quiz.pk}/results/",
        f"/quizzes/{quiz.pk}/statistics/", "/quizzes/grading/", f"/contests/{contest.pk}/",
        f"/contests/manage/{contest.pk}/", f"/contests/judging/{sheet.pk}/", f"/analytics/officers/{officer.pk}/",
        f"/support/{help_request.pk}/", f"/support/articles/{how_to.pk}/",
        f"/learning/manage/{course.pk}/co-trainers/", f"/org/signatories/{world.units['A'].pk}/",
    ]}


def same_site_pages(hrefs: list[str], origin: str) -> list[str]:
    """Addresses on this site worth a visit, one per kind of page (ids and queries aside)."""
    pages, kinds = [], set()
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path):
            continue
        if SKIPPED_QUERY.search(parts.query):
            continue
        kind = re.sub(r"/\d+/", "/N/", parts.path)
        if kind in kinds:
            continue
        kinds.add(kind)
        pages.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def check_page(page, label: str, problems: list[str]) -> None:  # noqa: ANN001
    for violation in page.evaluate(RUN_AXE):
        problems.append(f"{label}: axe {violation}")
    for target in page.evaluate(CHECK_TARGETS, [TARGETS, MIN_TARGET, None]):
        problems.append(f"{label}: {target}")
    if page.viewport_size["width"] == PHONE["width"]:
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1] or width[1] != PHONE["width"]:
            culprits = ", ".join(page.evaluate(WIDER_THAN_SCREEN, PHONE["width"]))
            problems.append(f"{label}: the page is {width[0]} px wide on a {width[1]} px wide screen ({culprits})")


def check_menu_sections(page, label: str, problems: list[str]) -> None:  # noqa: ANN001
    """Each drop-down section of the menu, opened in turn: its entries are targets too."""
    summaries = page.locator("details.navgroup > summary")
    for index in range(summaries.count()):
        summaries.nth(index).click()
        for target in page.evaluate(CHECK_TARGETS, [TARGETS, MIN_TARGET, "details.navgroup[open] .navmenu"]):
            problems.append(f"{label} (menu open): {target}")
        page.keyboard.press("Escape")


def visit(page, path: str, label: str, problems: list[str], *, required: bool) -> bool:  # noqa: ANN001
    response = page.goto(path, wait_until="load")
    status = response.status if response else 0
    if status != 200:
        if required:
            problems.append(f"{label}: answered {status}")
        return False
    return True


@pytest.mark.parametrize("role", list(ROLES))
def test_menu_pages_pass_axe_have_24px_targets_and_fit_a_phone(role, transactional_db, browser, live_server):  # noqa: ANN001
    records = build_records()["records"]

    desktop = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="vi-VN")
    desktop.add_init_script(path=str(AXE))
    page = desktop.new_page()
    page.set_default_timeout(15000)
    sign_in(page, ROLES[role], PASSWORD)
    landing = urlsplit(page.url).path
    hrefs = page.evaluate(LINKS, "header a[href], main a[href]")
    if landing != "/":
        page.goto("/", wait_until="networkidle")
        hrefs += page.evaluate(LINKS, "main a[href]")
    menu = same_site_pages([f"{live_server.url}{landing}", *hrefs], live_server.url)
    assert len(menu) >= 4, menu

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="vi-VN", is_mobile=True,
                                has_touch=True, storage_state=desktop.storage_state())
    phone.add_init_script(path=str(AXE))
    phone_page = phone.new_page()
    phone_page.set_default_timeout(15000)

    problems: list[str] = []
    visited = 0
    known = {re.sub(r"/\d+/", "/N/", path.split("?")[0]) for path in menu}
    extra = [path for path in records if re.sub(r"/\d+/", "/N/", path) not in known]
    try:
        for path, required in [(path, True) for path in menu] + [(path, False) for path in extra]:
            for size, tab in [("1366×768", page), ("360×800", phone_page)]:
                label = f"{role} · {path} · {size}"
                if not visit(tab, path, label, problems, required=required):
                    break
                check_page(tab, label, problems)
                if path == landing:
                    check_menu_sections(tab, label, problems)
                visited += 1
    finally:
        desktop.close()
        phone.close()
    assert visited >= 8
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)
