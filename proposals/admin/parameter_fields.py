"""The drafting admin's parameter values: one labelled input per parameter, not raw JSON.

An amendment states values for the rule book's parameters (`Amendment.parameters`, a dict by
parameter key). The admin shows one number input per parameter the rule has ever stated,
labelled as members read it ("Leadership nominations (vacancy): share of MPs (and MEPs)", %)
and typed by its unit, plus one "another parameter" choice for a value the rule does not
state yet. What the drafter types becomes the same dict as before, and the form saves it
through the services (`amendment_add`, `amendment_update`) as ever: the services keep every
rule about which parameters exist and which values are allowed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from proposals.forms import AmendmentForm
from rulebook.models import Parameter, Rule, json_number

# The inputs' names: "<field name>.<parameter key>" for each listed parameter, and
# "<field name>+key" / "<field name>+value" for another one. Neither "." nor "+" can be part of
# a parameter key (PARAMETER_KEY_PATTERN), so no key can be mistaken for another input.
LISTED, OTHER_KEY, OTHER_VALUE = ".", "+key", "+value"


@dataclass
class Offered:
    """The parameters the inputs offer: `listed` get an input each, `others` are the choices
    for another one."""

    listed: list[Parameter] = field(default_factory=list)
    others: list[Parameter] = field(default_factory=list)


def _number(text) -> Decimal | None:
    try:
        number = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _shown(value) -> str:
    """A value as the input shows it: 20 for 20.0, 33.33 as it is; text typed in as it was."""
    number = _number(value)
    if number is None:
        return "" if value is None else str(value)
    return f"{number.normalize():f}" if number == number.to_integral_value() else str(value)


class ParameterInputs(forms.Widget):
    """One `<input type="number">` per offered parameter, labelled, with its unit; a choice of
    another parameter with its value. `offered` is set by the form: it knows the rule."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.offered: Callable[[dict], Offered] = lambda values: Offered()

    def value_from_datadict(self, data, files, name) -> dict[str, str]:
        written = data.get(name)  # the form's own prefill writes the base's values as JSON
        if written:
            try:
                values = json.loads(written)
            except ValueError:
                values = None
            if isinstance(values, dict):
                return {str(key): _shown(value) for key, value in values.items()}
        values = {
            key[len(name) + len(LISTED) :]: data.get(key)
            for key in data
            if key.startswith(name + LISTED)
        }
        other = (data.get(name + OTHER_KEY) or "").strip()
        if other:
            values[other] = data.get(name + OTHER_VALUE) or ""
        return values

    def value_omitted_from_data(self, data, files, name) -> bool:
        return not any(key == name or key.startswith((name + LISTED, name + "+")) for key in data)

    def id_for_label(self, id_):
        return None  # each input has its own label

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, dict) else {}
        offered = self.offered(values)
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        disabled = bool((attrs or {}).get("disabled"))
        rows = [
            self._input(name, base_id, parameter, values.get(parameter.key), disabled)
            for parameter in offered.listed
        ]
        known = {p.key for p in offered.listed}
        rows += [
            self._unknown(name, base_id, key, value, disabled)
            for key, value in values.items()
            if key not in known
        ]
        if not rows:
            rows.append(format_html('<p class="rb-parameter-none">{}</p>', _NONE_STATED))
        if offered.others and not disabled:
            rows.append(self._other(name, base_id, offered.others))
        return format_html(
            '<div class="rb-parameters" role="group" aria-label="Parameter values">{}</div>',
            mark_safe("".join(rows)),
        )

    def _input(self, name, base_id, parameter: Parameter, value, disabled) -> str:
        input_id = f"{base_id}_{parameter.key}"
        bounds = ' min="0" max="100"' if parameter.unit == "%" else ""
        return format_html(
            '<p class="rb-parameter"><label for="{}">{}</label> '
            '<input type="number" step="any" inputmode="decimal" name="{}" id="{}" value="{}"'
            "{}{}> {}</p>",
            input_id,
            str(parameter),
            f"{name}{LISTED}{parameter.key}",
            input_id,
            _shown(value),
            mark_safe(bounds),
            mark_safe(" disabled" if disabled else ""),
            parameter.unit,
        )

    def _unknown(self, name, base_id, key, value, disabled) -> str:
        """A value under a key the rule book does not declare (the services will say so)."""
        input_id = f"{base_id}_{key}"
        return format_html(
            '<p class="rb-parameter"><label for="{}">{} (not a parameter of this rule book)'
            '</label> <input type="text" name="{}" id="{}" value="{}"{}></p>',
            input_id,
            key,
            f"{name}{LISTED}{key}",
            input_id,
            _shown(value),
            mark_safe(" disabled" if disabled else ""),
        )

    def _other(self, name, base_id, others: list[Parameter]) -> str:
        options = format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((p.key, _label(p, others)) for p in others),
        )
        return format_html(
            '<p class="rb-parameter rb-parameter-other">'
            '<label for="{}">Another parameter</label> <select name="{}" id="{}">'
            '<option value="">—</option>{}</select> '
            '<label for="{}">its value</label> '
            '<input type="number" step="any" inputmode="decimal" name="{}" id="{}"></p>',
            f"{base_id}_other",
            name + OTHER_KEY,
            f"{base_id}_other",
            options,
            f"{base_id}_other_value",
            name + OTHER_VALUE,
            f"{base_id}_other_value",
        )


_NONE_STATED = "This rule states no parameter."


def _label(parameter: Parameter, among: list[Parameter]) -> str:
    """The parameter's label, with its unit, and its rule book when several are offered."""
    unit = f" ({parameter.unit})" if parameter.unit else ""
    several = len({p.rulebook_id for p in among}) > 1
    book = f" — {parameter.rulebook.title}" if several else ""
    return f"{parameter}{unit}{book}"


class ParameterValuesField(forms.Field):
    """The values typed in, as the services take them: {key: number}, empty boxes left out."""

    widget = ParameterInputs

    def __init__(self, *, labels: Callable[[], dict[str, Parameter]] | None = None, **kwargs):
        self.labels = labels or dict
        super().__init__(**kwargs)

    def to_python(self, value) -> dict:
        if not value:
            return {}
        if not isinstance(value, dict):
            raise ValidationError("Give a number for each parameter, or leave it empty.")
        numbers, problems, labels = {}, [], None
        for key, text in value.items():
            if text is None or str(text).strip() == "":
                continue
            number = _number(text)
            if number is None:
                labels = labels if labels is not None else self.labels()
                named = str(labels[key]) if key in labels else key
                problems.append(f"{named}: give a number, not {str(text)[:40]!r}.")
                continue
            numbers[key] = json_number(number)
        if problems:
            raise ValidationError(problems)
        return numbers

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        try:
            return self._compared(initial) != self._compared(self.to_python(data))
        except ValidationError:
            return True

    @staticmethod
    def _compared(values) -> dict:
        return {key: _number(value) for key, value in (values or {}).items() if value != ""}


class AmendmentAdminForm(AmendmentForm):
    """The drafting form of the admin: parameters as labelled inputs, and the rule, parent and
    after choices named by number and heading (`Rule.objects.with_current_wording`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("rule", "parent", "after"):
            if name in self.fields:
                self.fields[name].queryset = Rule.objects.with_current_wording()
        old = self.fields.get("parameters")
        if old is None:
            return
        replacement = ParameterValuesField(
            labels=lambda: {p.key: p for p in self._book_parameters()},
            required=False,
            disabled=old.disabled,
            label="Parameter values",
            help_text="The values the proposed text states, one box per parameter of the rule; "
            "an empty box states none. Choose another parameter to add one the rule does not "
            "state yet. Choosing the rule and saving fills in its current values.",
        )
        replacement.widget.offered = self._offered
        self.fields["parameters"] = replacement

    def _rule(self) -> Rule | None:
        if self.instance.rule_id:
            return self.instance.rule
        chosen = self.data.get(self.add_prefix("rule")) if self.is_bound else None
        if chosen and str(chosen).isdigit():
            return Rule.objects.filter(pk=int(chosen)).first()
        return None

    def _rulebook_id(self, rule: Rule | None) -> int | None:
        # The inline formset sets the proposal after the form is made, so this is read when
        # the inputs are drawn or checked, not in __init__.
        proposal = getattr(self.instance, "proposal", None)
        if proposal is not None and proposal.rulebook_id:
            return proposal.rulebook_id
        return rule.rulebook_id if rule is not None else None

    def _book_parameters(self) -> list[Parameter]:
        rulebook_id = self._rulebook_id(self._rule())
        parameters = Parameter.objects.select_related("rulebook").order_by("label", "key")
        if rulebook_id is not None:
            parameters = parameters.filter(rulebook_id=rulebook_id)
        return list(parameters)

    def _offered(self, values: dict) -> Offered:
        """An input for each parameter the rule has ever stated or the amendment states; the
        rest of its rule book's (or, before a rule book is chosen, every book's) to choose."""
        rule = self._rule()
        stated = set(values)
        if rule is not None:
            stated |= set(
                Parameter.objects.filter(values__version__rule=rule).values_list("key", flat=True)
            )
        every = self._book_parameters()
        return Offered(
            listed=[p for p in every if p.key in stated],
            others=[p for p in every if p.key not in stated],
        )
