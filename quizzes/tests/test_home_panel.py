"""The cached home panel follows the officer's attempts and quiz changes at once."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.tests import factories


def test_starting_and_finishing_an_attempt_show_at_once(world, client_for):
    quiz = factories.quiz(title="Kiểm tra chữ ký số", attempts=1)
    client = client_for("officer")
    body = client.get(reverse("core:home")).content.decode()
    assert "Kiểm tra chữ ký số" in body and "badge" not in body.split('id="panel-quizzes"')[1]
    attempt = services.attempt_start(quiz=quiz, officer=world.officers["officer"])
    body = client.get(reverse("core:home")).content.decode()
    assert reverse("quizzes:attempt-take", kwargs={"pk": attempt.pk}) in body
    services.attempt_submit(attempt=attempt)
    assert "Kiểm tra chữ ký số" not in client.get(reverse("core:home")).content.decode()


def test_a_quiz_published_or_given_new_times_shows_at_once(world, client_for):
    quiz = factories.quiz(title="Kiểm tra mới", published=False)
    client = client_for("officer")
    assert "Kiểm tra mới" not in client.get(reverse("core:home")).content.decode()
    services.quiz_update(quiz=quiz, is_published=True)
    assert "Kiểm tra mới" in client.get(reverse("core:home")).content.decode()
    services.quiz_update(quiz=quiz, close_at=timezone.now() - timedelta(minutes=1))
    assert "Kiểm tra mới" not in client.get(reverse("core:home")).content.decode()


def test_the_panel_is_not_kept_past_the_next_opening(world, client_for, monkeypatch):
    """The site's clock is moved, not waited for: a quiz opening within the second means the panel
    is not cached at all, so once the clock passes the opening the quiz shows."""
    start = timezone.now()
    opens = start + timedelta(milliseconds=500)
    factories.quiz(title="Sắp mở", open_at=opens)
    client = client_for("officer")
    monkeypatch.setattr(timezone, "now", lambda: start)
    assert "Sắp mở" not in client.get(reverse("core:home")).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: opens + timedelta(milliseconds=100))
    assert "Sắp mở" in client.get(reverse("core:home")).content.decode()
