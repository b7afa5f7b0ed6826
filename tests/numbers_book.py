"""A small rule book the demo does not know, with quantities, bases and a nomination event
(issue 13): imported by the tests of quantities, thresholds and events, checked by hand."""

import copy

# The chair's nomination threshold: 20 % of the council from 2010, 15 % of council plus
# wardens (rounded up) from 2016, 12.5 % rounded to the nearest from 2020, and no basis at all
# in a 2024 version (a figure that cannot be computed).
GUILD = {
    "rulebook": {"slug": "guild", "title": "Guild of Rowers Rules"},
    "parameters": [
        {"key": "chair_threshold", "label": "Chair nomination threshold", "unit": "%"},
    ],
    "rules": [
        {
            "key": "r1",
            "versions": [
                {
                    "number": "1",
                    "heading": "Chair",
                    "text": "A nomination needs 20 per cent of the council.",
                    "effective_from": "2010-01-01",
                    "parameters": {"chair_threshold": 20},
                    "provenance": "printed",
                    "source": "Guild rules 2010",
                },
                {
                    "number": "1",
                    "heading": "Chair",
                    "text": "A nomination needs at least 15 per cent of council and wardens.",
                    "effective_from": "2016-01-01",
                    "parameters": {"chair_threshold": 15},
                    "provenance": "printed",
                    "source": "Guild rules 2016",
                },
                {
                    "number": "1",
                    "heading": "Chair",
                    "text": "A nomination needs 12.5 per cent of council and wardens.",
                    "effective_from": "2020-01-01",
                    "parameters": {"chair_threshold": 12.5},
                    "provenance": "printed",
                    "source": "Guild rules 2020",
                },
                {
                    "number": "1",
                    "heading": "Chair",
                    "text": "A nomination needs 30 per cent of those present.",
                    "effective_from": "2024-01-01",
                    "parameters": {"chair_threshold": 30},
                    "provenance": "printed",
                    "source": "Guild rules 2024",
                },
            ],
        },
    ],
    "quantities": [
        {
            "key": "council",
            "label": "council members",
            "unit": "members",
            "values": [
                {
                    "value": 198,
                    "effective_from": "2012-01-01",
                    "source": "Roll 2012",
                    "confidence": "V",
                },
                {
                    "value": 20,
                    "effective_from": "2015-06-01",
                    "source": "Roll 2015",
                    "confidence": "P",
                },
                {
                    "value": 240,
                    "effective_from": "2019-01-01",
                    "source": "Roll 2019",
                    "confidence": "U",
                    "note": "approximate",
                },
            ],
        },
        {
            "key": "wardens",
            "label": "wardens",
            "values": [
                {
                    "value": 1,
                    "effective_from": "2015-06-01",
                    "source": "Roll 2015",
                    "confidence": "V",
                },
            ],
        },
    ],
    "parameter_bases": [
        {
            "rule": "r1",
            "version": 1,
            "parameter": "chair_threshold",
            "quantities": ["council"],
            "rounding": "up",
            "unit": "nominations",
        },
        {
            "rule": "r1",
            "version": 2,
            "parameter": "chair_threshold",
            "quantities": ["council", "wardens"],
            "rounding": "up",
            "unit": "nominations",
        },
        {
            "rule": "r1",
            "version": 3,
            "parameter": "chair_threshold",
            "quantities": ["council", "wardens"],
            "rounding": "nearest",
            "when_absent": "zero",
            "unit": "nominations",
        },
    ],
    "nomination_events": [
        {
            "slug": "chair-2015",
            "title": "2015 chair election",
            "date": "2015-06-15",
            "parameter": "chair_threshold",
            "reported_threshold": 4,
            "source": "Guild Gazette, June 2015",
            "confidence": "V",
            "nominations": [
                {"candidate": "Ada", "mp": 4, "source": "Gazette", "confidence": "V"},
                {"candidate": "Bo", "mp": 3, "clp": 7, "source": "Gazette", "confidence": "P"},
            ],
        }
    ],
}


def guild_document() -> dict:
    return copy.deepcopy(GUILD)


def grown_guild_document(extra: int) -> dict:
    """The guild with `extra` more rules, each stating its own percentage of the council with
    a basis, and a second event: to show that pages cost the same whatever the numbers."""
    document = guild_document()
    for n in range(extra):
        key = f"quorum_{n}"
        document["parameters"].append({"key": key, "label": f"Quorum {n}", "unit": "%"})
        document["rules"].append(
            {
                "key": f"q{n}",
                "versions": [
                    {
                        "number": f"Q{n}",
                        "heading": f"Quorum {n}",
                        "text": f"{10 + n} per cent of the council.",
                        "effective_from": "2012-01-01",
                        "parameters": {key: 10 + n},
                        "provenance": "printed",
                        "source": "Guild rules 2012",
                    }
                ],
            }
        )
        document["parameter_bases"].append(
            {
                "rule": f"q{n}",
                "version": 1,
                "parameter": key,
                "quantities": ["council"],
                "rounding": "down",
            }
        )
        document["nomination_events"][0]["nominations"].append(
            {"candidate": f"Extra {n}", "mp": n, "source": "Gazette", "confidence": "U"}
        )
    return document
