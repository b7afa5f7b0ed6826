from django.apps import AppConfig


class WebConfig(AppConfig):
    """The member pages: rules shown with the proposals and votes behind them.

    The one layer that imports both domain apps openly (`proposals` imports `rulebook`,
    never the other way round), so that neither reaches the other through strings.
    """

    name = "web"
    verbose_name = "Member pages"
