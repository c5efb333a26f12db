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
        register_review_models()


def register_review_models() -> None:
    """Keep every change of the committee's and the assemblies' records with who made it.

    Names of attendees and of elected residents are personal: left out of the diffs.
    """
    from auditlog.registry import auditlog

    from barrio.participation import models

    for model in (
        models.CommitteeMember,
        models.ReviewAssignment,
        models.ReviewScore,
        models.ReviewDecision,
        models.Assembly,
        models.AgendaItem,
        models.ResidentCommittee,
        models.Vote,
    ):
        auditlog.register(model)
    auditlog.register(models.Attendee, exclude_fields=["full_name", "person_index"])
    auditlog.register(models.ResidentCommitteeMember, exclude_fields=["full_name", "person_index"])
