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
        register_vote_models()


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


def register_vote_models() -> None:
    """Keep every change of a vote's setting-up, stations, census and decisions with who
    made it (``docs/voting.md``, "What the audit log keeps").

    The census's personal values are masked whole and its blind index left out. The rows a
    resident's ballot writes (who voted, the anonymous ballot and its choices, the keyed
    hash of an in-person voter's document) are not logged: an entry per ballot would carry
    the voter as its actor next to what was chosen, breaking the ballot's secrecy, and
    would double the writes of a vote. Rows frozen or computed in bulk (a ballot's items,
    a run's results) and one-time codes are not logged either.
    """
    from auditlog.registry import auditlog

    from barrio.participation import models

    for model in (
        models.Election,
        models.Pot,
        models.PollingStation,
        models.StationOfficial,
        models.AllocationRun,
    ):
        auditlog.register(model)
    auditlog.register(
        models.CensusEntry,
        mask_fields=["document_number", "birth_date", "phone", "email"],
        exclude_fields=["document_index"],
    )
    # What officials typed and how the entries compare: the sheets themselves are long and
    # kept on the row; the log says who entered or resolved what, and when.
    auditlog.register(models.PaperEntry, exclude_fields=["content"])
    auditlog.register(models.PaperTally, exclude_fields=["disagreements"])
