"""The API's one body parser (settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]).

Its own module, importing nothing of the views: DRF reads the setting while it imports them.
"""

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deep for Python's parser (`[` x 100,000)
    answered as a 400 like any other unreadable body: DRF lets that RecursionError through."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("The JSON body is nested too deeply.") from None
