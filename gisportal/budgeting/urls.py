from django.urls import path

from gisportal.budgeting import open_data, staff_views, views

app_name = "budgeting"
budget = "<slug:code>/<int:year>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(budget, views.budget_page, name="budget"),
    path(budget + "propose/", views.propose, name="propose"),
    path(budget + "proposals/<slug:proposal_code>/", views.proposal_page, name="proposal"),
    path(budget + "vote/", views.vote, name="vote"),
    path(budget + "results/", views.results, name="results"),
    path(budget + "projects/", views.projects, name="projects"),
    path(budget + "projects/<int:pk>/", views.project, name="project"),
    path(budget + "paper-ballot/", staff_views.paper_ballot, name="paper_ballot"),
    path(budget + "proposals.geojson", open_data.proposals_geojson, name="proposals_geojson"),
    path(budget + "proposals.csv", open_data.proposals_csv, name="proposals_csv"),
    path(budget + "projects.geojson", open_data.projects_geojson, name="projects_geojson"),
    path(budget + "election.pb", open_data.election_pb, name="election_pb"),
]
