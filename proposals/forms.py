"""Forms of the drafting admin and of the workflow pages.

They parse input (strings into dates, rules, numbers); every rule of the domain is the
services' (`proposals.services`). The drafting forms run the services' own checks in
`clean()` (see `_amendment_problems`), so the admin saves only input the services accept.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html

from proposals.models import Amendment, Body, Membership, Proposal, Vote
from proposals.rules import RollCall
from proposals.services import amendment_add, amendment_remove, amendment_update
from proposals.services.amendments import (
    Problems,
    amendment_build,
    amendment_data,
    duplicate_targets,
)
from proposals.services.common import latest_version
from proposals.services.tally import Section
from rulebook.validators import TextValidator

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


class ProposalForm(forms.ModelForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The characters the API and the importer refuse (`rulebook.validators`); the
        # amendments' texts are checked by `amendment_build`, as every surface's are.
        for name in ("reference", "title", "proposer", "rationale"):
            if name in self.fields:
                multiline = name == "rationale"
                self.fields[name].validators.append(TextValidator(multiline=multiline))

    def validate_unique(self):
        super().validate_unique()
        if "rulebook" in self.fields:
            return
        # A saved proposal's rule book is shown read-only, so it is no form field and Django
        # skips the model's constraints that name it: "reference is unique in the rule book".
        try:
            self.instance.validate_constraints(exclude=set(self.errors))
        except ValidationError as error:
            self.add_error(None, error)


class ParametersField(forms.JSONField):
    """Django 5.2's JSONField calls a disabled field changed when its value is not posted
    (Django ticket #37122, fixed upstream); a disabled field never changes."""

    def has_changed(self, initial, data):
        return not self.disabled and super().has_changed(initial, data)


# The name of the "Start from the current text" button: the text field's name + this.
START = "_start"


class DraftTextarea(forms.Textarea):
    """The proposed text, with a button that fills it in from the version it is drafted
    against. A plain submit button, so it works without JavaScript: the form comes back
    filled in, nothing saved (`AmendmentForm.starting`). Its name carries the form's prefix,
    which the admin's "Add another" script renumbers as it does every name."""

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        if (attrs or {}).get("disabled") or self.attrs.get("disabled"):
            return textarea
        button = format_html(
            '<div><button type="submit" name="{}" value="1" class="button rb-start" '
            "formnovalidate>Start from the current text</button></div>",
            name + START,
        )
        return format_html("{}{}", textarea, button)


class AmendmentForm(forms.ModelForm):
    """One amendment of a draft.

    A new amendment of a rule is drafted against the rule's latest version (the services set
    it as the base). Choose the rule and press "Start from the current text" (or save with
    the text empty): the form comes back with the number, heading, text and parameters of
    that version, to edit before saving — this works without JavaScript.
    """

    starting = False  # the drafter asked to start from the current text: show, do not save

    class Meta:
        model = Amendment
        fields = [*AMENDMENT_FIELDS, *PLACEMENT_FIELDS]
        field_classes = {"parameters": ParametersField}
        widgets = {
            "text": DraftTextarea(attrs={"rows": 6, "cols": 80}),
            "parameters": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }
        help_texts = {
            "kind": "Amend text, insert a new rule, repeal a rule, or renumber or move it.",
            "text": "Proposed full text of the rule. “Start from the current text” fills it "
            "in from the version it is drafted against (so does saving it empty).",
            "number": "Proposed citation label; empty keeps the current number.",
            "rule": "Type a key, number or heading to search. Not used for an insert.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            if "kind" in self.fields:
                self.fields["kind"].initial = Amendment.Kind.AMEND
            return
        # Changing what an amendment targets would change its base: remove it and add a new
        # one instead (as the services require). One with a rebase conflict is changed only
        # by resolving the conflict, on the Rebase page.
        locked = list(self.fields) if self.instance.conflict else ["kind", "rule"]
        for name in locked:
            if name in self.fields:
                self.fields[name].disabled = True
        if self.instance.conflict and "text" in self.fields:
            self.fields["text"].help_text = "Rebase conflict: resolve it on the Rebase page."

    def clean(self):
        cleaned = super().clean()
        rule, kind = cleaned.get("rule"), cleaned.get("kind")
        pressed = self.add_prefix("text") + START in self.data
        starts_empty = not (cleaned.get("text") or "").strip()
        new = self.instance.pk is None
        if pressed or (new and kind == Amendment.Kind.AMEND and rule and starts_empty):
            self._start_from_current(rule if new else self.instance.rule, kind)
        return cleaned

    def _start_from_current(self, rule, kind) -> None:
        """Fill the form in from the version the amendment is drafted against, to be shown
        again (`is_valid` is False while `starting`), with a note, not an error."""
        if self.instance.pk is None and kind != Amendment.Kind.AMEND:
            self.add_error("kind", "Only an amendment of an existing rule starts from its text.")
            return
        if rule is None:
            self.add_error("rule", "Choose the rule first, then start from its current text.")
            return
        base = latest_version(rule) if self.instance.pk is None else self.instance.base_version
        if base is None or base.repealed:
            self.add_error("rule", f"Rule {rule.key} has no text in force to start from.")
            return
        self._prefill(base)
        self.starting = True
        note = (
            f"Filled in from {base.name}, version {base.seq} (in force from "
            f"{base.effective_from.isoformat()}): edit the proposed text, then save."
        )
        # The bound field copied the help text when the form was cleaned: set both.
        self.fields["text"].help_text = self["text"].help_text = note

    def is_valid(self):
        return super().is_valid() and not self.starting

    def has_changed(self):
        # Pressing "Start from the current text" is a change, even on an empty extra form
        # (which the formset would otherwise skip unchecked).
        return self.add_prefix("text") + START in self.data or super().has_changed()

    def _prefill(self, base) -> None:
        data = self.data.copy()
        data[self.add_prefix("text")] = base.text
        if not (self.cleaned_data.get("number") or "").strip():
            data[self.add_prefix("number")] = base.number
        if not (self.cleaned_data.get("heading") or "").strip():
            data[self.add_prefix("heading")] = base.heading
        if not self.cleaned_data.get("parameters"):
            data[self.add_prefix("parameters")] = json.dumps(base.parameters)
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
    """The amendments of a draft, checked together in `clean()` and saved through the
    services (`amendment_add`, `amendment_update`, `amendment_remove`) by `save()`.

    `by` is the user the services record in the audit trail. The services always write,
    so `commit=False` is not supported (the admin saves with `commit=True`).
    """

    def __init__(self, *args, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by

    def clean(self):
        super().clean()
        if not self.instance.rulebook_id:
            return  # the proposal form says what is wrong with the rule book
        kept = [f for f in self.forms if not (self.can_delete and self._should_delete_form(f))]
        if any(form.errors or form.starting for form in kept):
            return  # the services' checks need every kept row parsed and meant to be saved
        rows = [(f, _row(f)) for f in kept if f.instance.pk or f.has_changed()]
        problems = _amendment_problems(self.instance, [row for _, row in rows])
        for path, messages in problems.items():
            match = _INDEXED.match(path)
            if match is None:
                raise ValidationError(messages)
            add_service_error(rows[int(match["index"])][0], match["field"], messages)

    def save_new(self, form, commit=True):
        return amendment_add(proposal=self.instance, by=self.by, **form.service_data())

    def save_existing(self, form, obj, commit=True):
        return amendment_update(amendment=obj, by=self.by, **form.service_changes())

    def delete_existing(self, obj, commit=True):
        amendment_remove(amendment=obj, by=self.by)


def _row(form: AmendmentForm) -> tuple[Amendment | None, dict | None]:
    """An amendment form as (the saved amendment or None, its changes or None)."""
    if form.instance.pk is None:
        return None, form.service_data()
    return form.instance, (form.service_changes() if form.has_changed() else None)


def _amendment_problems(
    proposal: Proposal, rows: list[tuple[Amendment | None, dict | None]]
) -> dict[str, list[str]]:
    """What the services would refuse in the amendments a draft has after a save.

    `rows` are the amendments in order, each as (the saved amendment, or None for a new
    one; the changes in the services' shape, or None to keep it as it is). Problems are
    keyed by path, "amendments[1].text" for the second row. This is the admin's only call
    into the services' amendment checks: today `amendment_build` (what `amendment_add` and
    `amendment_update` run, an edit keeping its base version) and `duplicate_targets`.
    """
    problems, built = Problems(), []
    for index, (amendment, changes) in enumerate(rows):
        if changes is None:
            built.append(amendment)
            continue
        data, base = changes, None
        if amendment is not None:
            data, base = {**amendment_data(amendment), **changes}, amendment.base_version
        try:
            built.append(
                amendment_build(
                    rulebook=proposal.rulebook, data=data, prefix=f"amendments[{index}].", base=base
                )
            )
        except ValidationError as error:
            for path, messages in error.message_dict.items():
                problems.setdefault(path, []).extend(messages)
    if not problems:
        duplicate_targets(built, problems)
    return problems


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
