from django.urls import path

from gisportal.petitions import open_data, staff_views, views

app_name = "petitions"
town = "<slug:code>/"
one = town + "<int:pk>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("petitions.csv", open_data.all_csv, name="all_csv"),
    path("summary.csv", open_data.summary_csv, name="summary_csv"),
    path(town, views.municipality, name="municipality"),
    path(town + "new/", views.new, name="new"),
    path(town + "petitions.csv", open_data.municipality_csv, name="municipality_csv"),
    path(town + "petitions.geojson", open_data.municipality_geojson, name="municipality_geojson"),
    path(town + "staff/", staff_views.desk, name="desk"),
    path(one, views.petition_page, name="petition"),
    path(one + "seek-co-promoters/", views.seek_co_promoters, name="seek_co_promoters"),
    path(one + "submit/", views.submit_for_review, name="submit"),
    path(one + "co-promote/", views.co_promote, name="co_promote"),
    path(one + "sign/", views.sign, name="sign"),
    path(one + "staff/", staff_views.manage, name="manage"),
]
