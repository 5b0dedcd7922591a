from django.urls import path

from etl import views

app_name = "etl"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:job_id>/", views.job, name="job"),
    path("<int:job_id>/report.csv", views.report, name="report"),
]
