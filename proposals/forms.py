"""Forms of the drafting admin. They check input shape only; every rule of the workflow is
the services' (`proposals.services`), whose ValidationErrors the admin puts back on these
forms with `add_service_error`."""

from __future__ import annotations

import json
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet

from proposals.models import Amendment, Body, Membership, Proposal, Vote
from proposals.rules import RollCall
from proposals.services.common import latest_version, parameter_values
from proposals.services.tally import Section

# The proposal fields a draft's form edits (the rest belong to the workflow).
PROPOSAL_FIELDS = ["reference", "title", "proposer", "conference_year", "rationale"]
# Amendment form fields, and the names the services give them where they differ.
AMENDMENT_FIELDS = ["kind", "rule", "number", "heading", "text", "parameters"]
PLACEMENT_FIELDS = ["new_key", "parent", "after"]
SERVICE_NAMES = {"new_key": "key"}
FORM_NAMES = {"key": "new_key"}

_INDEXED = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")


def error_dict(error: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [messages]} (NON_FIELD_ERRORS when unkeyed)."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def readable(key: str) -> str:
    """'sections[1].weight' → 'Section 2, weight', for errors that have no field here."""
    match = _INDEXED.match(key)
    if match:
        name = match["list"].rstrip("s").replace("_", " ").capitalize()
        return f"{name} {int(match['index']) + 1}, {match['field'].replace('_', ' ')}"
    return key.replace("_", " ").capitalize()


def add_service_error(form: forms.Form, field: str, messages: list[str]) -> None:
    """Put a service's messages on `field` if the form edits it, else at the form's top."""
    field = FORM_NAMES.get(field, field)
    if field in form.fields and not form.fields[field].disabled:
        form.add_error(field, messages)
    elif field == NON_FIELD_ERRORS:
        form.add_error(None, messages)
    else:
        form.add_error(None, [f"{readable(field)}: {message}" for message in messages])


class ServiceErrorsMixin:
    """Shows errors a service raised on an earlier, rolled-back save of the same input.

    The admin saves through services only after its forms validate; when a service refuses,
    the admin renders the same POST again with `service_errors` set on the form class (or
    passed to the formset), and `clean` turns them into ordinary form errors.
    """

    service_errors: dict[str, list[str]] = {}

    def clean(self):
        cleaned = super().clean()
        for field, messages in self.service_errors.items():
            add_service_error(self, field, messages)
        return cleaned


class ProposalForm(ServiceErrorsMixin, forms.ModelForm):
    # The model's check constraint would only say it is "violated"; say what is allowed.
    conference_year = forms.IntegerField(
        min_value=1900,
        max_value=2200,
        required=False,
        help_text=Proposal._meta.get_field("conference_year").help_text,
    )

    class Meta:
        model = Proposal
        fields = ["rulebook", *PROPOSAL_FIELDS]


class AmendmentForm(forms.ModelForm):
    """One amendment of a draft.

    A new amendment of a rule is drafted against the rule's latest version (the services set
    it as the base). Choose the rule and leave the text empty: saving fills in the number,
    heading, text and parameters of that version, to edit before saving again — this works
    without JavaScript.
    """

    class Meta:
        model = Amendment
        fields = [*AMENDMENT_FIELDS, *PLACEMENT_FIELDS]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6, "cols": 80}),
            "parameters": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }
        help_texts = {
            "kind": "Amend text, insert a new rule, repeal a rule, or renumber or move it.",
            "text": "Proposed full text of the rule. Leave empty and save to start from the "
            "rule's current text.",
            "number": "Proposed citation label; empty keeps the current number.",
            "rule": "Type a key, number or heading to search. Not used for an insert.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Changing what an amendment targets would change its base: remove it and add
            # a new one instead (as the services require).
            for name in ("kind", "rule"):
                if name in self.fields:
                    self.fields[name].disabled = True
        elif "kind" in self.fields:
            self.fields["kind"].initial = Amendment.Kind.AMEND

    def clean(self):
        cleaned = super().clean()
        rule, kind = cleaned.get("rule"), cleaned.get("kind")
        starts_empty = not (cleaned.get("text") or "").strip()
        if self.instance.pk is None and kind == Amendment.Kind.AMEND and rule and starts_empty:
            base = latest_version(rule)
            if base is not None and not base.repealed:
                self._prefill(base)
                self.add_error(
                    "text",
                    f"Filled in from {rule.key} v{base.seq} (in force from "
                    f"{base.effective_from.isoformat()}): edit the proposed text, then save.",
                )
        return cleaned

    def _prefill(self, base) -> None:
        data = self.data.copy()
        data[self.add_prefix("text")] = base.text
        if not (self.cleaned_data.get("number") or "").strip():
            data[self.add_prefix("number")] = base.number
        if not (self.cleaned_data.get("heading") or "").strip():
            data[self.add_prefix("heading")] = base.heading
        if not self.cleaned_data.get("parameters"):
            data[self.add_prefix("parameters")] = json.dumps(parameter_values(base))
        self.data = data

    def service_data(self) -> dict:
        """The amendment in the services' shape, e.g. {"kind": "amend", "rule": …, "text": …}.

        Empty fields are left out, so the service applies its defaults (the base's number,
        heading and parameters) and names fields an amendment of this kind does not take.
        """
        cleaned = self.cleaned_data
        data = {"kind": cleaned["kind"]}
        for name in (*AMENDMENT_FIELDS[1:], *PLACEMENT_FIELDS):
            value = cleaned.get(name)
            if value not in (None, "", {}):
                data[SERVICE_NAMES.get(name, name)] = value
        return data

    def service_changes(self) -> dict:
        """What the drafter changed on an existing amendment, in the services' names."""
        return {
            SERVICE_NAMES.get(name, name): self.cleaned_data.get(name)
            for name in self.changed_data
            if name not in ("kind", "rule")
        }


class AmendmentFormSet(BaseInlineFormSet):
    """The amendments of a proposal; `service_errors` maps a form's index to its errors."""

    def __init__(self, *args, service_errors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_errors = service_errors or {}

    def clean(self):
        super().clean()
        for index, errors in self.service_errors.items():
            for field, messages in errors.items():
                add_service_error(self.forms[index], field, messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(
        widget=DateInput, help_text="The day the proposal was submitted; empty for today."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submitted_on"].required = False


class ConfirmForm(forms.Form):
    """No input: the button is the confirmation."""


def _roll_call_field(label: str, help_text: str = "") -> forms.ModelMultipleChoiceField:
    """Tick boxes over the rule book's members (the queryset is set per proposal)."""
    return forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class VoteForm(forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.none(), help_text="Who voted.")
    held_on = forms.DateField(label="Held on", widget=DateInput)
    stage = forms.ChoiceField(
        choices=Vote.Stage.choices,
        help_text="A decision by a body entitled to decide (Conference) carries or loses the "
        "proposal; the NEC's decision can only lose it (the proposal falls there). A "
        "recommendation (the NEC's view) does neither.",
    )
    method = forms.ChoiceField(
        choices=Vote.Method.choices,
        help_text="Show of hands: give the counts. Card vote: fill in the sections below. "
        "Roll call: tick how each member voted below.",
    )
    majority = forms.ChoiceField(choices=Vote.Majority.choices, initial=Vote.Majority.SIMPLE)
    votes_for = forms.IntegerField(label="For", min_value=0, required=False)
    votes_against = forms.IntegerField(label="Against", min_value=0, required=False)
    abstentions = forms.IntegerField(min_value=0, required=False)
    declared_result = forms.ChoiceField(
        choices=[("", "Not recorded"), *Vote.Result.choices],
        required=False,
        help_text="The result the chair declared, if known; checked against the figures.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Source, e.g. 'LabourList, 2021-09-26'.",
    )
    roll_for = _roll_call_field("Roll call: for")
    roll_against = _roll_call_field("Roll call: against")
    roll_abstain = _roll_call_field(
        "Roll call: abstained",
        help_text="Only members of the chosen body on the day of the vote may be ticked.",
    )
    ROLL_CALL = {"roll_for": "for", "roll_against": "against", "roll_abstain": "abstain"}

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(rulebook_id=proposal.rulebook_id)
        members = Membership.objects.filter(body__rulebook_id=proposal.rulebook_id)
        for name in self.ROLL_CALL:
            self.fields[name].queryset = members.select_related("body")
            self.fields[name].label_from_instance = _member_label

    def clean(self):
        cleaned = super().clean()
        chosen = [m for name in self.ROLL_CALL for m in cleaned.get(name) or []]
        twice = sorted({m.name for m in chosen if chosen.count(m) > 1})
        if twice:
            raise ValidationError("Ticked in more than one column: " + ", ".join(twice) + ".")
        return cleaned

    def service_kwargs(self, sections: list[dict]) -> dict:
        """Keyword arguments for `vote_record`: empty figures are left out (None)."""
        cleaned = self.cleaned_data
        roll_call = [
            RollCall(member=member, choice=choice)
            for name, choice in self.ROLL_CALL.items()
            for member in cleaned[name]
        ]
        return {
            "body": cleaned["body"],
            "held_on": cleaned["held_on"],
            "stage": cleaned["stage"],
            "method": cleaned["method"],
            "majority": cleaned["majority"],
            "votes_for": cleaned["votes_for"],
            "votes_against": cleaned["votes_against"],
            "abstentions": cleaned["abstentions"],
            "declared_result": cleaned["declared_result"] or None,
            "note": cleaned["note"],
            "sections": sections or None,
            "roll_call": roll_call or None,
        }


def _member_label(membership: Membership) -> str:
    until = membership.end.isoformat() if membership.end else "serving"
    term = f"{membership.start.isoformat()} to {until}"
    seat = f", {membership.seat}" if membership.seat else ""
    return f"{membership.name} ({membership.body.slug}{seat}, {term})"


class SectionForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="e.g. CLPs, Affiliates.")
    weight = forms.DecimalField(max_digits=5, decimal_places=2, help_text="Share of the vote, %.")
    for_percent = forms.DecimalField(label="For %", max_digits=5, decimal_places=2)
    against_percent = forms.DecimalField(label="Against %", max_digits=5, decimal_places=2)


# At Labour Conference CLPs and affiliates each weigh half (DESIGN.md, "Vote").
SECTIONS_INITIAL = [{"name": "CLPs", "weight": 50}, {"name": "Affiliates", "weight": 50}]
SectionFormSet = forms.formset_factory(SectionForm, extra=1)


def filled_sections(formset) -> list[Section]:
    """The card-vote sections the secretary filled in (initial rows left alone are skipped)."""
    keys = ("name", "weight", "for_percent", "against_percent")
    return [
        Section.of(**{key: form.cleaned_data[key] for key in keys})
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


class AdoptForm(forms.Form):
    effective_from = forms.DateField(
        label="Effective from",
        widget=DateInput,
        help_text="The day the new rule versions take effect (may be in the future).",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when a superuser adopts without a carried decision vote "
        "(a consolidation or a correction): say why. Recorded on every new version.",
    )


class ResolveForm(forms.Form):
    amendment = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Resolved text",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 90}),
        help_text="The full text the amendment should propose now, without conflict markers.",
    )
