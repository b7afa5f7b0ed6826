"""factory_boy factories for the rule book. Versions go through the service so that every
test exercises the same ordering rules as production code."""

import datetime

import factory

from rulebook.models import Parameter, Rule, Rulebook
from rulebook.services import version_create


class RulebookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rulebook
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"book-{n}")
    title = factory.Sequence(lambda n: f"Standing Orders {n}")


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    rulebook = factory.SubFactory(RulebookFactory)
    key = factory.Sequence(lambda n: f"r{n}")
    position = factory.Sequence(lambda n: n + 1)


class ParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parameter

    rulebook = factory.SubFactory(RulebookFactory)
    key = factory.Sequence(lambda n: f"param_{n}")
    label = factory.Sequence(lambda n: f"Parameter {n}")
    unit = "%"


def add_version(rule, on, text="", number=None, heading="", **kwargs):
    """Record the next version of `rule` taking effect on `on` (a date or ISO string)."""
    if isinstance(on, str):
        on = datetime.date.fromisoformat(on)
    if kwargs.get("repealed"):
        return version_create(
            rule=rule,
            effective_from=on,
            repealed=True,
            **{k: v for k, v in kwargs.items() if k != "repealed"},
        )
    return version_create(
        rule=rule,
        effective_from=on,
        number=number or rule.key.upper(),
        heading=heading,
        text=text,
        **kwargs,
    )
