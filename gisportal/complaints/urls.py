from django.urls import path

from gisportal.complaints import staff_views, views

app_name = "complaints"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/<str:code>/", views.status, name="status"),
    path("report/<str:code>/follow", views.follow, name="follow"),
    path("report/<str:code>/reopen", views.reopen, name="reopen"),
    path("report/<str:code>/satisfaction", views.satisfaction, name="satisfaction"),
    path("staff/complaints/", staff_views.complaint_list, name="staff_list"),
    path("staff/complaints/export.csv", staff_views.complaint_csv, name="staff_csv"),
    path("staff/complaints/<str:code>/", staff_views.complaint_detail, name="staff_detail"),
    path("staff/complaints/<str:code>/<slug:action>", staff_views.complaint_action, name="staff_action"),
]
