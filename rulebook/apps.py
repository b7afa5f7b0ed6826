from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "rulebook"
    verbose_name = "Rule books"

    def ready(self):
        from rulebook import converters
        from rulebook.exchange import numbers

        converters.register()
        numbers.register_sections()  # quantities, parameter bases, nomination events
