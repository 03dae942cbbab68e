from django.urls import path

from support import views

app_name = "support"
urlpatterns = [
    path("", views.request_list, name="request-list"),
    path("new/", views.request_create, name="request-create"),
    path("<int:pk>/", views.request_detail, name="request-detail"),
    path("<int:pk>/attachment/", views.request_attachment, name="request-attachment"),
    path("<int:pk>/reply/", views.request_reply, name="request-reply"),
    path("<int:pk>/status/", views.request_status, name="request-status"),
    path("<int:pk>/rate/", views.request_rate, name="request-rate"),
    path("replies/<int:pk>/to-article/", views.reply_to_article, name="reply-to-article"),
    path("articles/", views.article_list, name="article-list"),
    path("articles/new/", views.article_edit, name="article-create"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("articles/<int:pk>/vote/", views.article_vote, name="article-vote"),
    path("articles/<int:pk>/images/", views.article_image_upload, name="article-image-upload"),
    path("articles/images/<int:pk>/", views.article_image, name="article-image"),
    path("focal-persons/", views.focal_list, name="focal-list"),
    path("focal-persons/<int:pk>/remove/", views.focal_remove, name="focal-remove"),
    path("figures/", views.stats, name="stats"),
]
