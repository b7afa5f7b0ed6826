from django.apps import AppConfig


class WebConfig(AppConfig):
    """The member pages: rules shown with the proposals and votes behind them.

    The one layer that imports both domain apps openly (`proposals` imports `rulebook`,
    never the other way round), so that neither reaches the other through strings.
    """

    name = "web"
    verbose_name = "Member pages"

    def ready(self):
        from proposals.events import proposal_event
        from web.watch import record_event

        # E-mail alerts: an outbox row in the same transaction as each workflow step.
        proposal_event.connect(record_event, dispatch_uid="web.watch.record_event")
