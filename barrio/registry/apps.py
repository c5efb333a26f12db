from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "barrio.registry"
    verbose_name = _("Household registry")

    def ready(self) -> None:
        from barrio.registry.audit import register_models

        register_models()
