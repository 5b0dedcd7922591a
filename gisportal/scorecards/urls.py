from django.urls import path

from gisportal.scorecards import views

app_name = "scorecards"
urlpatterns = [
    path("", views.index, name="index"),
    path("service.json", views.service_json, name="service_json_all"),
    path("service.csv", views.service_csv, name="service_csv_all"),
    path("<slug:code>/", views.performance, name="performance"),
    path("<slug:code>/performance.json", views.performance_json, name="performance_json"),
    path("<slug:code>/performance.csv", views.performance_csv, name="performance_csv"),
    path("<slug:code>/service/", views.service, name="service"),
    path("<slug:code>/service.json", views.service_json, name="service_json"),
    path("<slug:code>/service.csv", views.service_csv, name="service_csv"),
]
