"""Every audited model's ``audit_scope`` names a path of fields that exists."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from barrio.audit_scope import AuditScoped

SCOPED = sorted(
    (model for model in apps.get_models() if issubclass(model, AuditScoped)),
    key=lambda model: model._meta.label,
)


def resolve(model: Any, path: str) -> Any:
    """The field a dotted path of ``audit_scope`` ends on, following relations."""
    *relations, last = path.split(".")
    for name in relations:
        field = model._meta.get_field(name)
        assert field.is_relation, (model, name)
        assert field.related_model is not None, (model, name)
        model = field.related_model
    try:
        return model._meta.get_field(last)
    except FieldDoesNotExist:
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        return by_attname[last]


def test_the_models_that_tell_their_scope_are_many():
    """Over forty models of four apps, all registered with the audit log."""
    assert len(SCOPED) >= 45
    assert {model._meta.app_label for model in SCOPED} >= {
        "accounts",
        "planning",
        "registry",
        "participation",
    }


@pytest.mark.parametrize("model", SCOPED, ids=lambda model: model._meta.label)
def test_audit_scope_paths_reach_a_field(model):
    for key, path in model.audit_scope.items():
        assert key in {"programme", "call", "plan", "household"}
        assert resolve(model, path).concrete, path


def test_scoped_models_are_audited():
    """A model that tells the audit log its scope is audited."""
    unregistered = {model._meta.label for model in SCOPED if not auditlog.contains(model)}
    assert unregistered == set()
