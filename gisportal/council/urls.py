from django.urls import path

from gisportal.council import open_data, staff_views, views

app_name = "council"
town = "<slug:code>/"
meeting = town + "<int:pk>/"
urlpatterns = [
    path("staff/", staff_views.index, name="staff_index"),
    path("staff/" + town + "new/", staff_views.new_meeting, name="staff_new"),
    path("staff/" + meeting, staff_views.meeting, name="staff_meeting"),
    path("staff/" + meeting + "questions/<int:question_pk>/", staff_views.question, name="staff_question"),
    path("", views.index, name="index"),
    path("meetings.csv", open_data.meetings_csv, name="open_csv"),
    path("meetings.json", open_data.meetings_json, name="open_json"),
    path(town, views.meetings, name="meetings"),
    path(town + "meetings.ics", views.calendar_feed, name="ical"),
    path(town + "meetings.csv", open_data.meetings_csv, name="municipal_csv"),
    path(town + "meetings.json", open_data.meetings_json, name="municipal_json"),
    path(meeting, views.meeting_page, name="meeting"),
    path(meeting + "ask/", views.ask, name="ask"),
    path(meeting + "questions/<int:question_pk>/support/", views.support, name="support"),
    path(meeting + "documents/<int:document_pk>/", views.document, name="document"),
]
