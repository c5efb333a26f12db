"""Small output schemas the participation API modules share."""

from __future__ import annotations

from ninja import Schema


class UnitOut(Schema):
    id: int
    code: str
    name: str
