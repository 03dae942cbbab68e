from django.urls import path

from contests import views, views_live

app_name = "contests"
urlpatterns = [
    path("", views.contest_list, name="contest-list"),
    path("<int:pk>/", views.contest_detail, name="contest-detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/team/", views.team, name="team"),
    path("rounds/<int:pk>/start/", views.round_start, name="round-start"),
    path("rounds/<int:pk>/scoreboard/", views.scoreboard, name="scoreboard"),
    path("manage/", views.manage_list, name="manage-list"),
    path("manage/new/", views.contest_create, name="contest-create"),
    path("manage/<int:pk>/", views.contest_manage, name="contest-manage"),
    path("manage/<int:pk>/edit/", views.contest_edit, name="contest-edit"),
    path("manage/<int:pk>/publish/", views.contest_publish, name="contest-publish"),
    path("manage/<int:pk>/rounds/new/", views.round_create, name="round-create"),
    path("manage/<int:pk>/results/", views.results_manage, name="results-manage"),
    path("manage/<int:pk>/results.xlsx", views.results_export, name="results-export"),
    path("manage/rounds/<int:pk>/", views.round_edit, name="round-edit"),
    path("manage/rounds/<int:pk>/judging/", views.round_judging, name="round-judging"),
    path("judging/", views.judge_list, name="judge-list"),
    path("judging/<int:pk>/", views.sheet, name="sheet"),
    path("results/<int:pk>/", views.public_results, name="public-results"),
    path("awards/<str:code>/", views.award_verify, name="award-verify"),
    path("awards/<str:code>/pdf/", views.award_pdf, name="award-pdf"),
]

# ---------------------------------------------------------------- live final
urlpatterns += [
    path("live/", views_live.live_index, name="live-index"),
    path("live/join/", views_live.live_join_page, name="live-join"),
    path("live/round/<int:round_id>/host/", views_live.live_host, name="live-host"),
    path("live/round/<int:round_id>/open/", views_live.live_open, name="live-open"),
    path("live/<int:session_id>/", views_live.live_play, name="live-play"),
]
