"""The public open-data catalogue at ``/api/v1/open-data/``: no sign-in needed."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from barrio.participation.selectors import open_data

router = Router(tags=["open data"])


class LicenceOut(Schema):
    id: str
    name: str
    url: str


class DatasetOut(Schema):
    id: str
    title: str
    description: str
    programme: str
    format: str
    media_type: str
    licence: LicenceOut
    download_url: str
    published_at: dt.datetime | None


class CatalogueOut(Schema):
    licence: LicenceOut
    datasets: list[DatasetOut]


@router.get("/open-data/", response=CatalogueOut, auth=None, summary="List open data")
def open_data_catalogue(request: HttpRequest) -> CatalogueOut:
    """Every published dataset: each published vote's results (CSV) and anonymised ballots
    per pot (pabulib), with its title, format, licence and download address."""
    given = open_data.licence()
    licence = LicenceOut(id=given.id, name=given.name, url=given.url)
    return CatalogueOut(
        licence=licence,
        datasets=[
            DatasetOut(
                id=d.id,
                title=d.title,
                description=d.description,
                programme=d.programme,
                format=d.format,
                media_type=d.media_type,
                licence=licence,
                download_url=request.build_absolute_uri(d.path),
                published_at=d.published_at,
            )
            for d in open_data.published_datasets()
        ],
    )
