"""Census votes for the census tests: an open vote validated by census list, with people."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from barrio.participation.models import CensusEntry, Election, Pot
from barrio.participation.services.census import census_import, document_index
from barrio.participation.services.codes import census_code_send
from barrio.participation.tests.factories import World, build_world
from barrio.participation.tests.vote_factories import open_vote

HEADER = "document_type,document_number,birth_date,phone,email,unit_code\n"
PEOPLE = (
    "INE,ABCD800531HDF,1980-05-31,5512345678,,015-001\n"
    "INE,EFGH900101MDF,01/01/1990,,eva@example.org,015-001\n"
    "pasaporte,G-1234567,1975-12-24,5598765432,luis@example.org,015-002\n"
)


def census_file(tmp_path: Path, text: str = PEOPLE, name: str = "census.csv") -> Path:
    """Write a census CSV with the standard header and return its path."""
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def census_vote(world: World, tmp_path: Path, text: str = PEOPLE, **fields: Any) -> Election:
    """An open census vote over Guerrero with the people of ``text`` on its list."""
    election = open_vote(world, validation=Election.Validation.CENSUS, **fields)
    census_import(actor=world.manager, election=election, path=census_file(tmp_path, text))
    return election


def census_setup(tmp_path: Path) -> tuple[World, Election, Pot, list[int]]:
    """A world with an open census vote over Guerrero: the world, the vote, its pot and the
    proposal ids on its ballot, in ballot order."""
    world = build_world()
    election = census_vote(world, tmp_path)
    pot = election.pots.get()
    ids = [item.proposal_id for item in pot.items.order_by("position")]
    return world, election, pot, ids


class RecordingSender:
    """A sender that keeps the messages it is given, to read the code back in tests."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str, reference: str) -> None:
        RecordingSender.sent.append((to, text))


def last_code() -> str:
    """The code of the last message sent through :class:`RecordingSender`."""
    text = RecordingSender.sent[-1][1]
    return next(
        word for word in text.replace(".", " ").split() if word.isdigit() and len(word) == 6
    )


def census_person_maker(election: Election) -> Callable[[bool], dict[str, Any]]:
    """A maker of fresh people on ``election``'s census (no unit: programme-wide pots), each
    as the API's body fields; with ``True``, a code is sent to them and given as ``code``."""
    numbers = itertools.count(1)

    def make(with_code: bool) -> dict[str, Any]:
        number = f"MATRIX-{next(numbers)}"
        CensusEntry.objects.create(  # type: ignore[misc]  # birth_date: an encrypted date
            election=election,
            document_type="INE",
            document_number=number,
            document_index=document_index(number),
            birth_date=dt.date(1980, 1, 1),
            phone="5500000000",
            row=1,
        )
        person: dict[str, Any] = {"document_number": number, "birth_date": "1980-01-01"}
        if with_code:
            census_code_send(
                election=election,
                document_number=number,
                birth_date=dt.date(1980, 1, 1),
                channel="sms",
                sender=RecordingSender(),
            )
            person["code"] = last_code()
        return person

    return make
