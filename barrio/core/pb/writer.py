"""Write a :class:`~barrio.core.pb.model.PbElection` back as ``.pb`` text.

Reading what is written gives an equal election (the round trip the tests check); only
irregularities the reader tolerated are normalised (a project named twice in an approval vote
is written once).
"""

from __future__ import annotations

import csv
import io

from barrio.core.pb.model import PbElection


def format_pb(election: PbElection) -> str:
    """Return the ``.pb`` text of ``election``.

    Parameters
    ----------
    election : PbElection

    Returns
    -------
    str
        ``;``-separated sections META, PROJECTS and VOTES, fields quoted where they contain
        ``;`` or quotes, lines ending in ``\\n``.

    Examples
    --------
    >>> from barrio.core.pb.model import PbProject, PbVote
    >>> election = PbElection(
    ...     (("budget", "10"), ("vote_type", "approval")), 10, "approval",
    ...     (PbProject("1", 4, (("project_id", "1"), ("cost", "4"))),),
    ...     ("project_id", "cost"), (PbVote("v", (0,), None, ()),), ("voter_id", "vote"))
    >>> print(format_pb(election), end="")
    META
    key;value
    budget;10
    vote_type;approval
    PROJECTS
    project_id;cost
    1;4
    VOTES
    voter_id;vote
    v;1
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(election.meta)
    writer.writerow(["PROJECTS"])
    writer.writerow(election.project_header)
    for project in election.projects:
        values = dict(project.fields)
        writer.writerow([values.get(column, "") for column in election.project_header])
    writer.writerow(["VOTES"])
    writer.writerow(election.vote_header)
    ids = [project.project_id for project in election.projects]
    extra_columns = election.extra_vote_columns
    for vote in election.votes:
        row = dict(zip(extra_columns, vote.extra, strict=True))
        row["voter_id"] = vote.voter_id
        row["vote"] = ",".join(ids[p] for p in vote.projects)
        if vote.points is not None:
            row["points"] = ",".join(str(points) for points in vote.points)
        writer.writerow([row.get(column, "") for column in election.vote_header])
    return out.getvalue()
