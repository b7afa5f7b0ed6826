"""The watch form: an address, how often, and what to watch (the book, a rule or a parameter).

The target comes from the query string on the form page (`?rule=KEY`, `?parameter=KEY`) and
from hidden fields on its POST; both are read here, so an unknown key, a NUL byte or an
overlong value is a listed error (400), never a database error.
"""

from __future__ import annotations

from django import forms

from rulebook.models import KEY_MAX_LENGTH, Parameter, Rule, Rulebook
from web.models import Watch
from web.watch import Target


class TargetForm(forms.Form):
    rule = forms.CharField(required=False, max_length=KEY_MAX_LENGTH)
    parameter = forms.CharField(required=False, max_length=KEY_MAX_LENGTH)

    def __init__(self, *args, rulebook: Rulebook, **kwargs):
        self.rulebook = rulebook
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        rule_key, parameter_key = data.get("rule"), data.get("parameter")
        if self.errors:
            return data
        if rule_key and parameter_key:
            raise forms.ValidationError("Watch either a rule or a parameter, not both at once.")
        rule = parameter = None
        if rule_key:
            rule = Rule.objects.filter(rulebook=self.rulebook, key=rule_key).first()
            if rule is None:
                self.add_error("rule", f"There is no rule {rule_key!r} in this rule book.")
        if parameter_key:
            parameter = Parameter.objects.filter(rulebook=self.rulebook, key=parameter_key).first()
            if parameter is None:
                self.add_error(
                    "parameter", f"There is no parameter {parameter_key!r} in this rule book."
                )
        data["target"] = Target(self.rulebook, rule, parameter)
        return data


class WatchForm(TargetForm):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        error_messages={"required": "Give the e-mail address to send the alerts to."},
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Watch.Frequency.choices,
        initial=Watch.Frequency.EACH,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often to be told."},
    )
