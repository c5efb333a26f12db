from django.urls import path

from barrio.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("programme/", views.programme_switch, name="programme_switch"),
]
