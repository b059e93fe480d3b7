"""The library's addresses: the list, uploads, states, approval and the media files."""

from __future__ import annotations

from django.urls import path

from kaizen_studio.channel.library import views

app_name = "library"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("states.json", views.states, name="states"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/<str:name>", views.media_file, name="file"),
]
