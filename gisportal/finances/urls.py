from django.urls import path

from gisportal.finances import views

app_name = "finances"
urlpatterns = [
    path("", views.national, name="national"),
    path("measures.json", views.measures_json, name="measures_json"),
    path("measures.csv", views.measures_csv, name="measures_csv"),
    path("<slug:code>/", views.budget, name="budget"),
    path("<slug:code>/lines.csv", views.lines_csv, name="lines_csv"),
]
