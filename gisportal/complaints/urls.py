from django.urls import path

from gisportal.complaints import staff_views

app_name = "complaints"

urlpatterns = [
    path("staff/complaints/", staff_views.complaint_list, name="staff_list"),
    path("staff/complaints/export.csv", staff_views.complaint_csv, name="staff_csv"),
    path("staff/complaints/<str:code>/", staff_views.complaint_detail, name="staff_detail"),
    path("staff/complaints/<str:code>/<slug:action>", staff_views.complaint_action, name="staff_action"),
]
