from django.urls import path

from gisportal.community_scorecards import open_data, staff_views, views

app_name = "community_scorecards"
cycle = "<slug:code>/<int:pk>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.cycles, name="cycles"),
    path("<slug:code>/new/", staff_views.new_cycle, name="new"),
    path(cycle, views.cycle_page, name="cycle"),
    path(cycle + "score/", views.score, name="score"),
    path(cycle + "staff/", staff_views.cycle_staff, name="staff"),
    path(cycle + "score-card.csv", open_data.cycle_csv, name="cycle_csv"),
    path(cycle + "score-card.json", open_data.cycle_json, name="cycle_json"),
]
