"""Pydantic schema of a checklist file. Validation happens once, at load, and fails fast."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from checklists import conditions

QuestionType = Literal[
    "bool", "choice", "multi_choice", "text", "number", "money", "date", "rating"
]
Stage = Literal["category_review", "service_assessment"]
RiskRating = Literal["low", "medium", "high"]


def _condition_at(where: str) -> AfterValidator:
    """A `when` mapping must parse as a condition; the error names `where`."""

    def parses(value: dict[str, Any]) -> dict[str, Any]:
        conditions.parse(value, where)
        return value

    return AfterValidator(parses)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """Paired Welsh and English content. Both are required and may not be blank."""

    cy: str
    en: str

    @field_validator("cy", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("translation is empty")
        return value

    def get(self, language: str) -> str:
        return self.cy if language == "cy" else self.en


class Option(Strict):
    value: str
    label: Text
    # multi_choice: an answer that cannot be chosen with any other (e.g. "None").
    exclusive: bool = False


class RiskBand(Strict):
    """The first band whose condition holds gives the question's risk rating."""

    when: Annotated[dict[str, Any], _condition_at("risk.when")]
    rating: RiskRating


class Question(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    type: QuestionType
    text: Text
    guidance: Text
    required: bool = True
    ask_when: dict[str, Any] | None = None
    options: list[Option] = []
    maps_to: Literal["value", "phase", "transactions"] | None = None
    risk: list[RiskBand] = []
    group: str | None = None  # e.g. a standard's theme in the Welsh standards
    # number and money: the smallest and largest answer allowed (inclusive).
    min: Decimal | None = None
    max: Decimal | None = None
    # date: the answer may not be before the day it is given (an expected date, not a past one).
    not_in_past: bool = False

    @model_validator(mode="after")
    def _options_match_type(self) -> Question:
        has_options = self.type in {"choice", "multi_choice"}
        if has_options and not self.options:
            raise ValueError(f"a {self.type} question needs options")
        if not has_options and self.options:
            raise ValueError(f"a {self.type} question cannot have options")
        values = [o.value for o in self.options]
        if len(values) != len(set(values)):
            raise ValueError("option values must be unique")
        if self.ask_when is not None:
            conditions.parse(self.ask_when, "ask_when")
        if (self.min is not None or self.max is not None) and self.type not in {"number", "money"}:
            raise ValueError(f"a {self.type} question cannot have min or max")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not be greater than max")
        if self.not_in_past and self.type != "date":
            raise ValueError(f"a {self.type} question cannot be not_in_past")
        if self.type != "multi_choice" and any(o.exclusive for o in self.options):
            raise ValueError("only multi_choice options can be exclusive")
        return self


class Flag(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    severity: Literal["info", "warning", "high"] = "warning"
    text: Text


class Obligation(Strict):
    """A duty recorded now and due later, e.g. an assessment at the end of alpha."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: Text
    due_from: str | None = None  # a date question giving the expected date
    default_days: int = Field(default=180, gt=0)


class Outcome(Strict):
    """What a rule does when its condition holds: exactly one of these is set."""

    stage: Stage | None = None
    checklist: str | None = None  # for service_assessment: which standard set
    flag: str | None = None
    obligation: str | None = None
    scrutiny: Literal["coe"] | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Outcome:
        chosen = [k for k in ("stage", "flag", "obligation", "scrutiny") if getattr(self, k)]
        if len(chosen) != 1:
            raise ValueError(
                "a rule's 'then' needs exactly one of stage, flag, obligation, scrutiny"
            )
        if self.stage == "service_assessment" and not self.checklist:
            raise ValueError("a service_assessment stage needs 'checklist' (the standard set)")
        return self


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Annotated[dict[str, Any], _condition_at("when")]
    then: Outcome
    because: Text


class ChecklistFile(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(gt=0)
    status: Literal["draft", "published"]
    kind: Literal["questionnaire", "assessment"]
    applies_to: list[Literal["initiative", "procurement"]] = []
    phases: list[Literal["alpha", "beta", "live"]] = []
    title: Text
    description: Text
    questions: list[Question] = Field(min_length=1)
    flags: list[Flag] = []
    obligations: list[Obligation] = []
    rules: list[Rule] = []


class Threshold(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    amount: Decimal = Field(gt=0, description="Pounds sterling, VAT inclusive.")
    effective_from: date
    source: str


class ThresholdsFile(Strict):
    thresholds: list[Threshold] = Field(min_length=1)
