from django.urls import path

from gisportal.accounts import views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor, name="second-factor"),
    path("second-factor/setup/", views.setup, name="second-factor-setup"),
]
