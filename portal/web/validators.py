"""Validators that delegate to portal.rules and speak Chinese."""

from collections.abc import Callable

from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from portal import rules


def normalise(value):
    """Filter for identifier fields: full-width → ASCII, strip, upper-case (C-ID*)."""
    return rules.normalise_identifier(value) if value is not None else value


class RuleCheck:
    """Field-level check: `predicate(field.data)` false → the rule's Chinese message."""

    def __init__(self, rule_id: str, predicate: Callable[[object], bool]):
        self.rule_id = rule_id
        self.predicate = predicate

    def __call__(self, _form, field):
        if field.data in (None, ""):
            return  # emptiness is DataRequired's concern, with its own message
        if not self.predicate(field.data):
            raise ValidationError(rules.rule_message(self.rule_id))


def add_rule_errors(form, rule_fields: dict[str, str], rule_ids: list[str]) -> bool:
    """Cross-field rules: attach each violated rule's message to its field; True if none."""
    for rule_id in rule_ids:
        field = getattr(form, rule_fields.get(rule_id, ""), None)
        target = field.errors if field is not None else form.form_errors
        target.append(rules.rule_message(rule_id))
    return not rule_ids


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms SelectChoice objects."""
    return [SelectChoice(value, label) for value, label in pairs]
