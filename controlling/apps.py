from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControllingConfig(AppConfig):
    name = "controlling"
    verbose_name = _("Controlling")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .figures_cache import install_write_watch

        connection_created.connect(install_write_watch, dispatch_uid="controlling_figures_write_watch")
