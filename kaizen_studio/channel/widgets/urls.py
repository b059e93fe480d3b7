"""The widgets' staff addresses (under /channel/widgets/)."""

from __future__ import annotations

from django.urls import path

from kaizen_studio.channel.widgets import views

app_name = "widgets"
urlpatterns = [
    path("", views.widgets, name="widgets"),
    path("add/<str:kind>/", views.add, name="add"),
    path("house/<int:pk>/points/", views.points, name="points"),
    path("remove/<str:kind>/<int:pk>/", views.remove, name="remove"),
    path("birthdays/", views.birthdays, name="birthdays"),
    path("logo.png", views.logo, name="logo"),
    path("logo/", views.set_logo, name="set-logo"),
]
