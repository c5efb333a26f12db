"""Community groups: residents who propose works together, with a representative."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from barrio.audit_scope import AuditScoped
from barrio.crypto import EncryptedTextField


class CommunityGroup(AuditScoped, models.Model):
    """A registered group of residents of a unit; its representative speaks for it."""

    programme = models.ForeignKey(
        "accounts.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="community_groups",
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("territorial unit"),
        on_delete=models.PROTECT,
        related_name="community_groups",
    )
    description = models.TextField(_("description"), blank=True)
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("representative"),
        on_delete=models.PROTECT,
        related_name="represented_groups",
    )
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Decisions on the group's proposals are sent here.")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("community group")
        verbose_name_plural = _("community groups")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "unit", "name"], name="group_unique_name_in_unit"
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A resident in a group. A resident may belong to several groups.

    The name is personal data (encrypted); ``name_index`` is its blind index, so that the
    same resident is not listed twice in one group.
    """

    group = models.ForeignKey(
        CommunityGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_memberships",
    )
    full_name = EncryptedTextField(_("full name"))
    name_index = models.CharField(max_length=64, editable=False)
    unit = models.ForeignKey(
        "territories.TerritorialUnit",
        verbose_name=_("lives in"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_resident = models.BooleanField(
        _("resident of the group's unit"),
        default=True,
        help_text=_("Only residents count towards the call's minimum number of members."),
    )
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name_index"], name="member_once_per_group")
        ]

    def __str__(self) -> str:
        return str(self.pk)
