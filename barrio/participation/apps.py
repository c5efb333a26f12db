from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    """Calls for proposals and the steps a proposal goes through until an assembly approves it."""

    name = "barrio.participation"
    verbose_name = _("Participation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from barrio.participation.models import Call, CommunityGroup, Proposal

        # Every change of a call, a group or a proposal is kept with who made it; personal
        # fields (members' and signatories' names) are left out of the log's diffs.
        auditlog.register(Call)
        auditlog.register(CommunityGroup)
        auditlog.register(Proposal)
