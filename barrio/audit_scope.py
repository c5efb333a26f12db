"""Where a row belongs, said to the audit log with each of its changes.

django-auditlog asks a registered model's ``get_additional_data()`` for a dictionary and keeps
it with every change of the row, so that the log of a programme (or of a call, a plan, a
household) can be read without joining back to rows that may be gone. Models say it as data:
``audit_scope`` maps each key to the path of attributes that leads to its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter
from typing import Any, ClassVar


class AuditScoped:
    """Mixin: ``get_additional_data`` from ``audit_scope`` (the programme's slug by default).

    >>> class Call(AuditScoped):
    ...     audit_scope = {"programme": "programme.slug", "call": "slug"}
    ...     def __init__(self):
    ...         self.slug = "parks-2026"
    ...         self.programme = type("Programme", (), {"slug": "cdmx"})()
    >>> Call().get_additional_data()
    {'programme': 'cdmx', 'call': 'parks-2026'}
    """

    audit_scope: ClassVar[Mapping[str, str]] = {"programme": "programme.slug"}

    def get_additional_data(self) -> dict[str, Any]:
        """Tell the audit log which programme (and call, plan, household…) the row belongs to."""
        return {key: attrgetter(path)(self) for key, path in self.audit_scope.items()}
