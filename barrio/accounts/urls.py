from django.urls import path
from django.views.generic import TemplateView

from barrio.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        TemplateView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password_reset_sent",
    ),
    path("password/set/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("programme/", views.programme_switch, name="programme_switch"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path(
        "organisations/<int:organisation_id>/",
        views.organisation_detail,
        name="organisation",
    ),
    path("programmes/<slug:slug>/roles/", views.role_list, name="roles"),
    path(
        "programmes/<slug:slug>/roles/<int:grant_id>/revoke/", views.role_revoke, name="role_revoke"
    ),
    path(
        "programmes/<slug:slug>/roles/<int:grant_id>/expiry/", views.role_expiry, name="role_expiry"
    ),
    path("programmes/<slug:slug>/audit/", views.audit_log, name="audit"),
]
