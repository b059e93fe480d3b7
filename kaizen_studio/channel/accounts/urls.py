"""Sign-in, sign-out, accounts and the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from kaizen_studio.channel.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="accounts/sign_in.html"),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("", views.accounts, name="list"),
    path("<int:pk>/active/", views.set_active, name="set-active"),
    path("audit/", views.audit_log, name="audit"),
]
