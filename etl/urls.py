from django.urls import path

from etl import views

app_name = "etl"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:job_id>/", views.job, name="job"),
    path("<int:job_id>/report.csv", views.report, name="report"),
    path("<int:job_id>/mapping/", views.mapping, name="mapping"),
    path("<int:job_id>/undo/", views.undo_job, name="undo"),
]

# Open data downloads, mounted at /open-data/ (see gisportal/urls.py).
open_data_patterns = (
    [
        path("", views.open_data, name="index"),
        path("<str:layer>.<str:fmt>", views.download, name="download"),
    ],
    "open_data",
)
