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

        from rulebook.exchange.outputs import register_output_format
        from web.akn import export_akn
        from web.edition import export_pdf

        # Both show each version with the proposal behind it, so they live here and plug
        # into `export_rulebook` (rulebook never imports web).
        register_output_format(
            "pdf", extension=".pdf", render=export_pdf, help="the printed edition (PDF)"
        )
        register_output_format(
            "akn", extension=".akn", render=export_akn, help="Akoma Ntoso 3.0 XML"
        )
