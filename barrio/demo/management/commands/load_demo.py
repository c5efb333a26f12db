"""``manage.py load_demo``: load the three demonstration programmes once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from barrio.accounts.selectors import programme_exists
from barrio.accounts.services import organisation_create, programme_create, user_create

DATA = Path(__file__).resolve().parents[2] / "programmes.json"


class Command(BaseCommand):
    help = (
        "Load the demonstration programmes (Mexico City, Chile, Lima) and their demo users. "
        "A programme that already exists is left as it is, so a second run keeps what users "
        "changed. Refused in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BARRIO_DEMO_ALLOWED:
            raise CommandError("The demonstration data may not be loaded in production mode.")
        data = json.loads(DATA.read_text(encoding="utf-8"))
        created = 0
        with transaction.atomic():
            for item in data["programmes"]:
                if programme_exists(slug=item["slug"]):
                    continue
                organisations = item.pop("organisations", [])
                for field in ("starts_on", "ends_on"):
                    if item.get(field):
                        item[field] = dt.date.fromisoformat(item[field])
                programme = programme_create(**item)
                for organisation in organisations:
                    organisation_create(
                        name=organisation["name"],
                        kind=organisation["kind"],
                        country=programme.country,
                        programmes=[programme],
                    )
                created += 1
            for person in data["users"]:
                user = user_create(
                    email=person["email"],
                    password=person["password"],
                    first_name=person["first_name"],
                    last_name=person["last_name"],
                    is_staff=person.get("superuser", False),
                )
                if person.get("superuser") and not getattr(user, "is_superuser", False):
                    get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
        self.stdout.write(
            f"Demo programmes: {created} created, {len(data['programmes']) - created} kept."
        )
