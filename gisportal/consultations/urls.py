from django.urls import path

from gisportal.consultations import open_data, staff_views, views

app_name = "consultations"
one = "<slug:code>/<int:pk>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.municipality, name="municipality"),
    path(one, views.consultation_page, name="consultation"),
    path(one + "comment/", views.comment, name="comment"),
    path(one + "stance/", views.stance, name="stance"),
    path(one + "map/", views.map_page, name="map"),
    path(one + "survey/", views.survey, name="survey"),
    path(one + "report/", views.report, name="report"),
    path(one + "staff/", staff_views.staff_page, name="staff"),
    path(one + "comments.geojson", open_data.comments_geojson, name="comments_geojson"),
    path(one + "report.csv", open_data.report_csv, name="report_csv"),
]
