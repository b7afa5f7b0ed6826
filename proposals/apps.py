from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Proposals and votes"

    def ready(self):
        from proposals.exchange import register_sections
        from proposals.roles import post_migrate_roles

        register_sections()  # the bodies and proposals sections of rule book files

        # After this app's migrations (and so after rulebook's, which it depends on), create
        # the Drafter and Secretary groups; idempotent, so every `migrate` may run it.
        post_migrate.connect(post_migrate_roles, sender=self, dispatch_uid="proposals.roles")
