from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "rulebook"
    verbose_name = "Rule books"

    def ready(self):
        from rulebook import converters

        converters.register()
