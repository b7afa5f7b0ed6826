"""`GET /api/rulebooks/<slug>/akn/?at=`: the rule book on a date as Akoma Ntoso 3.0 XML.

The file shows each version with the proposal that adopted it, so its view lives with the
builder (web/akn.py) above both domain apps. The body is `application/akn+xml` (or
`application/xml` for a client that asks for it); errors stay JSON like every API error.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from rulebook.api.base import ReadOnlyView
from rulebook.api.errors import error_responses
from rulebook.api.params import AtQuery, read_query
from web.akn import MEDIA_TYPE, rulebook_akn


class AknRenderer(BaseRenderer):
    media_type = MEDIA_TYPE
    format = "akn"
    charset = None  # the XML declares its own encoding (UTF-8)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XmlRenderer(AknRenderer):
    media_type = "application/xml"
    format = "xml"


class AknView(ReadOnlyView):
    renderer_classes = [AknRenderer, XmlRenderer]

    @extend_schema(
        summary="The rule book on a date as Akoma Ntoso 3.0",
        description="An Akoma Ntoso 3.0 `act` (OASIS LegalDocML): the rules in force on `at` "
        "as chapter/section/subsection/paragraph (hcontainer deeper), eIds from the rules' "
        "stable keys, FRBR work/expression/manifestation metadata with the expression dated "
        "`at`, lifecycle events for the days the versions in force took effect, and the "
        "adopting proposals as passive modifications. Validates against the official schema. "
        "Errors are JSON.",
        parameters=[AtQuery],
        responses={
            **{
                (200, media_type): OpenApiResponse(
                    response=OpenApiTypes.STR, description="The AKN document."
                )
                for media_type in (MEDIA_TYPE, "application/xml")
            },
            # Errors are JSON whatever the client accepts (`finalize_response`).
            **{(code, "application/json"): r for code, r in error_responses(400, 404).items()},
        },
    )
    def get(self, request, slug):
        on = read_query(request, AtQuery)["at"]
        return Response(rulebook_akn(rulebook=self.rulebook, on=on))

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors (a bad date, an unknown book, a refused Accept) as JSON, as elsewhere."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        return response
