from django.urls import path

from gisportal.participants import views

app_name = "participants"
urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.verify, name="verify"),
    path("me/", views.profile, name="profile"),
    path("leave/", views.leave, name="leave"),
]
