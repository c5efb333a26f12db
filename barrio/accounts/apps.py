from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "barrio.accounts"
    verbose_name = _("Accounts and programmes")

    def ready(self) -> None:
        from barrio.accounts.audit import register_models

        register_models()
