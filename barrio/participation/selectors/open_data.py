"""The open-data catalogue: every published dataset of the public programmes.

A vote whose allocation run is approved publishes its anonymised ballots per pot as a
pabulib ``.pb`` file (the rule in its META, the funded projects in a ``selected`` column)
and its results as CSV; both are listed here with the programme's licence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from barrio.participation.models import AllocationRule, AllocationRun

__all__ = ["Dataset", "Licence", "licence", "published_datasets"]


@dataclass(frozen=True)
class Licence:
    """The licence of the published datasets (setting ``BARRIO_OPEN_DATA_LICENCE``)."""

    id: str
    name: str
    url: str


@dataclass(frozen=True)
class Dataset:
    """One downloadable file: ``path`` is relative to the site (the API makes it absolute)."""

    id: str
    title: str
    description: str
    programme: str
    format: str
    media_type: str
    path: str
    published_at: dt.datetime | None


def licence() -> Licence:
    """The licence every listed dataset is published under."""
    given = settings.BARRIO_OPEN_DATA_LICENCE
    return Licence(id=given["id"], name=given["name"], url=given["url"])


def published_datasets() -> list[Dataset]:
    """Every published dataset of the public programmes, newest vote first."""
    runs = (
        AllocationRun.objects.filter(
            status=AllocationRun.Status.APPROVED, election__call__programme__is_public=True
        )
        .select_related("election__call__programme")
        .prefetch_related("election__pots")
        .order_by("-approved_at", "-pk")
    )
    datasets: list[Dataset] = []
    for run in runs:
        election = run.election
        programme = election.call.programme
        rule = AllocationRule(run.rule).label
        datasets.append(
            Dataset(
                id=f"vote-{election.pk}-results",
                title=_("Results of %(vote)s") % {"vote": election.title},
                description=_(
                    "Every project of the vote with its votes, cost, whether it is funded "
                    "and why, decided by %(rule)s."
                )
                % {"rule": rule},
                programme=programme.slug,
                format="CSV",
                media_type="text/csv",
                path=reverse("participation:results_csv", args=[election.pk]),
                published_at=run.approved_at,
            )
        )
        for pot in election.pots.all():
            datasets.append(
                Dataset(
                    id=f"vote-{election.pk}-pot-{pot.pk}-ballots",
                    title=_("Anonymised ballots of %(vote)s: %(pot)s")
                    % {"vote": election.title, "pot": pot.name},
                    description=_(
                        "The ballots of this pot as a pabulib file, with the rule in its META "
                        "and the funded projects in a selected column: recompute the result "
                        "with any pabulib tool."
                    ),
                    programme=programme.slug,
                    format="pabulib",
                    media_type="text/plain",
                    path=reverse("participation:pot_pb", args=[election.pk, pot.pk]),
                    published_at=run.approved_at,
                )
            )
    return datasets
