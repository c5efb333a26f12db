from django.urls import URLPattern, URLResolver, path

from barrio.participation.views import (
    assemblies,
    calls,
    census,
    groups,
    paper,
    proposals,
    reviews,
    staff,
    vote_results,
    votes,
)

app_name = "participation"
# Each subject's pages (calls, groups, proposals, reviews, assemblies) add their paths here.
urlpatterns: list[URLPattern | URLResolver] = []

# Committee review and assemblies (the review half of issue 7).
urlpatterns += [
    path("review/programmes/<slug:slug>/", reviews.review_queue, name="review_queue"),
    path(
        "review/assignments/<int:assignment_id>/",
        reviews.review_assignment,
        name="review_assignment",
    ),
    path("review/calls/<int:call_id>/", reviews.review_overview, name="review_overview"),
    path("review/calls/<int:call_id>/minutes.pdf", reviews.review_minutes, name="review_minutes"),
    path("assemblies/calls/<int:call_id>/", assemblies.assembly_list, name="assembly_list"),
    path("assemblies/calls/<int:call_id>/new/", assemblies.assembly_new, name="assembly_new"),
    path("assemblies/<int:assembly_id>/", assemblies.assembly, name="assembly"),
    path(
        "assemblies/<int:assembly_id>/minutes.pdf",
        assemblies.assembly_minutes,
        name="assembly_minutes",
    ),
    path(
        "programmes/<slug:slug>/approved/",
        assemblies.approved_proposals,
        name="approved_proposals",
    ),
]

# Calls, community groups and proposals (the calls half).
urlpatterns += [
    path("programmes/<slug:slug>/calls/", calls.call_list, name="call_list"),
    path("programmes/<slug:slug>/calls/new/", calls.call_new, name="call_new"),
    path("calls/<int:call_id>/", calls.call_detail, name="call_detail"),
    path("calls/<int:call_id>/edit/", calls.call_edit, name="call_edit"),
    path("calls/<int:call_id>/publish/", calls.call_publish, name="call_publish"),
    path("programmes/<slug:slug>/groups/new/", groups.group_new, name="group_new"),
    path("groups/<int:group_id>/", groups.group_detail, name="group_detail"),
    path("calls/<int:call_id>/proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("proposals/<int:proposal_id>/", proposals.proposal_detail, name="proposal_detail"),
    path(
        "proposals/<int:proposal_id>/edit/<slug:step>/",
        proposals.proposal_step,
        name="proposal_step",
    ),
    path("proposals/<int:proposal_id>/submit/", proposals.proposal_submit, name="proposal_submit"),
    path("attachments/<int:attachment_id>/", proposals.attachment_file, name="attachment"),
    path("calls/<int:call_id>/proposals/", staff.proposal_staff_list, name="proposal_staff_list"),
    path(
        "calls/<int:call_id>/proposals.<str:extension>",
        staff.proposal_export,
        name="proposal_export",
    ),
]

# Votes, ballots, allocation runs and results (issue 8).
urlpatterns += [
    path("calls/<int:call_id>/votes/", votes.vote_list, name="vote_list"),
    path("calls/<int:call_id>/votes/new/", votes.vote_new, name="vote_new"),
    path("votes/<int:election_id>/", votes.vote_detail, name="vote"),
    path("votes/<int:election_id>/open/", votes.vote_open_view, name="vote_open"),
    path("votes/<int:election_id>/close/", votes.vote_close_view, name="vote_close"),
    path("votes/<int:election_id>/pots/<int:pot_id>/ballot/", votes.ballot, name="ballot"),
    path("votes/<int:election_id>/runs/", votes.run_new, name="run_new"),
    path("votes/<int:election_id>/runs/compare/", votes.run_compare, name="run_compare"),
    path("votes/<int:election_id>/runs/<int:run_id>/", votes.run_detail, name="run"),
    path(
        "votes/<int:election_id>/runs/<int:run_id>/approve/",
        votes.run_approve,
        name="run_approve",
    ),
    path("votes/<int:election_id>/results/", vote_results.results, name="results"),
    path("votes/<int:election_id>/results.csv", vote_results.results_csv, name="results_csv"),
    path(
        "votes/<int:election_id>/results/<int:proposal_id>/",
        vote_results.result_project,
        name="result_project",
    ),
    path("votes/<int:election_id>/pots/<int:pot_id>.pb", vote_results.pot_pb, name="pot_pb"),
]

# Census lists and one-time codes (issue 8).
urlpatterns += [
    path("votes/<int:election_id>/census/", census.census, name="census"),
    path("votes/<int:election_id>/identify/", census.census_identify, name="census_identify"),
    path(
        "votes/<int:election_id>/pots/<int:pot_id>/census-ballot/",
        census.census_ballot,
        name="census_ballot",
    ),
]

# Polling stations and paper ballots (issue 8, second half).
urlpatterns += [
    path("votes/<int:election_id>/stations/", paper.station_list, name="stations"),
    path("votes/<int:election_id>/stations/<int:station_id>/", paper.station, name="station"),
    path(
        "votes/<int:election_id>/stations/<int:station_id>/officials/",
        paper.station_official_add,
        name="station_official_add",
    ),
    path(
        "votes/<int:election_id>/stations/<int:station_id>/ballot/",
        paper.station_ballot,
        name="station_ballot",
    ),
    path(
        "votes/<int:election_id>/stations/<int:station_id>/paper/",
        paper.station_paper,
        name="station_paper",
    ),
    path(
        "votes/<int:election_id>/stations/<int:station_id>/pots/<int:pot_id>/resolve/",
        paper.station_resolve,
        name="station_resolve",
    ),
]
