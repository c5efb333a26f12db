from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Programme decisions over the territory: targeting runs and budget apportionments."""

    name = "barrio.planning"
    verbose_name = _("Planning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from barrio.planning.models import Apportionment, TargetingRun

        # Who ran, approved or split what, and when: the decisions themselves are kept whole.
        auditlog.register(TargetingRun)
        auditlog.register(Apportionment)
