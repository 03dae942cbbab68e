from django.urls import path

from contests import views_live

app_name = "contests"
urlpatterns: list = []

# ---------------------------------------------------------------- live final
urlpatterns += [
    path("live/", views_live.live_index, name="live-index"),
    path("live/join/", views_live.live_join_page, name="live-join"),
    path("live/round/<int:round_id>/host/", views_live.live_host, name="live-host"),
    path("live/round/<int:round_id>/open/", views_live.live_open, name="live-open"),
    path("live/<int:session_id>/", views_live.live_play, name="live-play"),
]
