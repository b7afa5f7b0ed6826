"""The printed edition of the rule book on a date, as a PDF (web/edition.py typesets it)."""

from __future__ import annotations

from django.http import HttpResponse

from web import edition as editions
from web.forms import EditionForm
from web.views.common import expensive_page, member_page, message_page, rulebook_or_404


@expensive_page  # typesetting takes seconds the first time; kept copies are cheap
@member_page
def edition(request, rulebook):
    book = rulebook_or_404(rulebook)
    query = EditionForm.read(request)
    on, since = query["at"], query["since"]
    try:
        pdf = editions.edition_pdf(
            rulebook=book, on=on, since=since, max_rules=editions.MAX_RULES_ON_REQUEST
        )
    except editions.EditionTooLarge as exc:
        return message_page(request, str(exc), status=400, slug=book.slug)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{book.slug}-{on.isoformat()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
