from django.urls import path

from gisportal.complaints import staff_views, views

app_name = "complaints"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/<slug:code>/", views.status, name="status"),
    path("report/<slug:code>/follow", views.follow, name="follow"),
    path("report/<slug:code>/reopen", views.reopen, name="reopen"),
    path("report/<slug:code>/satisfaction", views.satisfaction, name="satisfaction"),
    path("staff/complaints/", staff_views.complaint_list, name="staff_list"),
    path("staff/complaints/export.csv", staff_views.complaint_csv, name="staff_csv"),
    path("staff/complaints/<slug:code>/", staff_views.complaint_detail, name="staff_detail"),
    path("staff/complaints/<slug:code>/<slug:action>", staff_views.complaint_action, name="staff_action"),
]
