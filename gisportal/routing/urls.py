from django.urls import path

from gisportal.routing import views

app_name = "routing"
urlpatterns = [
    path("<slug:code>/", views.planner, name="planner"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("runs/<int:run_id>/<slug:action>/", views.decide, name="decide"),
]
