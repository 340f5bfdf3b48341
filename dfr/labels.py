"""Names of domain values (stages, states, outcomes…) as people read them, in cy or en."""

from __future__ import annotations

from collections.abc import Sequence

from dfr.i18n import gettext


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet (Babel extracts it)."""
    return message


STAGES = {
    "digital_options_review": N_("Digital-options review"),
    "category_review": N_("Category-manager review"),
    "service_assessment": N_("Service Standard assessment"),
}

STATES = {
    "in_review": N_("in review"),
    "changes_requested": N_("changes requested"),
    "approved": N_("approved"),
    "approved_with_conditions": N_("approved with conditions"),
    "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
}

OUTCOMES = {
    "approve": N_("approve"),
    "approve_with_conditions": N_("approve with conditions"),
    "request_changes": N_("request changes"),
    "reject": N_("reject"),
    "green": N_("green"),
    "amber": N_("amber"),
    "red": N_("red"),
}

KINDS = {"initiative": N_("policy initiative"), "procurement": N_("procurement request")}

ACTION_KINDS = {
    "condition": N_("condition"),
    "amber_action": N_("amber action"),
    "obligation": N_("obligation"),
}

ROLES = {
    "policy_officer": N_("policy officer"),
    "digital_leader": N_("DG Digital Leader"),
    "coe": N_("Digital Centre of Excellence"),
    "category_manager": N_("category manager"),
    "lead_assessor": N_("lead assessor"),
    "assessor": N_("assessor"),
    "admin": N_("administrator"),
}

# Who holds a role, as the subject of a sentence ("Only … can decide this review").
ROLE_HOLDERS = {
    "policy_officer": N_("a policy officer"),
    "digital_leader": N_("the DG's Digital Leader"),
    "coe": N_("the Digital Centre of Excellence"),
    "category_manager": N_("a category manager"),
    "lead_assessor": N_("a lead assessor"),
    "assessor": N_("an assessor"),
    "admin": N_("an administrator"),
}

# Lifecycle steps (models/lifecycle.py), as they read after "Only … can" and in a list.
ACTIONS = {
    "advance": N_("move the submission on to its next stage"),
    "complete": N_("approve"),
    "complete_with_conditions": N_("approve with conditions"),
    "reassess": N_("send the red points for reassessment"),
    "request_changes": N_("request changes"),
    "reject": N_("reject"),
    "resubmit": N_("resubmit"),
    "withdraw": N_("withdraw"),
}

# Who may take a lifecycle step (models/lifecycle.py `Actor`).
ACTORS = {
    "stage_reviewer": N_("a reviewer of the stage in progress"),
    "submitter": N_("the person who made the submission"),
}

EVENTS = {
    "submission.submitted": N_("Submitted"),
    "submission.resubmitted": N_("Resubmitted after changes"),
    "submission.withdrawn": N_("Withdrawn"),
    "submission.completed": N_("Finished"),
    "submission.acknowledged": N_("Acknowledged to the submitter"),
    "task.opened": N_("Review opened"),
    "task.reassigned": N_("Review reassigned"),
    "decision.recorded": N_("Decision recorded"),
    "reminder.sent": N_("Reminder or escalation sent"),
    "digest.sent": N_("Included in a digest"),
    "delegation.created": N_("Absence cover arranged"),
    "action.reported_done": N_("Condition or action reported done"),
    "action.confirmed": N_("Condition or action confirmed done"),
    "action.sent_back": N_("Condition or action sent back"),
    "assessment.booked": N_("Assessment booked"),
    "panel.member_replaced": N_("Panel member replaced"),
    "panel.interests_declared": N_("No conflict of interests declared"),
    "panel.conflict_declared": N_("Conflict of interests declared"),
    "assessment.evidence_added": N_("Evidence added for the panel"),
    "assessment.rated": N_("An assessor's ratings sent to the lead"),
    "report.drafted": N_("Assessment report drafted"),
    "report.sent": N_("Assessment report sent to the team"),
    "report.accepted": N_("Assessment report accepted by the team"),
    "report.accepted_by_silence": N_("Assessment report accepted: no answer in 10 working days"),
    "report.challenged": N_("Assessment report challenged by the team"),
    "report.challenge_decided": N_("The panel answered the challenge; the report is final"),
    "report.feedback_given": N_("Feedback on the assessment given"),
    "report.published": N_("Assessment report published"),
    "report.corrected": N_("Published assessment report corrected"),
    "report.withdrawn": N_("Published assessment report withdrawn"),
    "register.submission_linked": N_("Linked to the register of services"),
    "register.submission_unlinked": N_("Link to the register of services removed"),
    "register.proposed": N_("Proposed for the register of services"),
    "register.proposal_accepted": N_("Added to the register of services"),
    "register.proposal_dismissed": N_("Register proposal dismissed"),
}

# What the reminder sweep chases besides reviews and actions.
REPORTS = {
    "report": N_("The assessment report"),
    "response": N_("Your answer to the assessment report (accept or challenge)"),
    "challenge": N_("The panel's answer to the challenge of the assessment report"),
}

# How an assessment report became final (models/assessment_report.py `ACCEPTED_HOW`).
ACCEPTED_HOW = {
    "accepted": N_("accepted by the team"),
    "silence": N_("accepted: the team did not answer within 10 working days"),
    "after_challenge": N_("final after the panel's answer to the team's challenge"),
}

# A challenged standard's answer (models/report_response.py `ANSWERS`).
CHALLENGE_ANSWERS = {"upheld": N_("rating upheld"), "changed": N_("rating changed")}

# The satisfaction survey's five points (models/report_response.py `SATISFACTION`).
SATISFACTION = {
    "very_satisfied": N_("Very satisfied"),
    "satisfied": N_("Satisfied"),
    "neither": N_("Neither satisfied nor dissatisfied"),
    "dissatisfied": N_("Dissatisfied"),
    "very_dissatisfied": N_("Very dissatisfied"),
}

# A register entry's fields, named as its forms, its page and `dfr register change` name them,
# in the forms' order (the address only where a new entry gets one; the DG is not shown).
REGISTER_FIELDS = {
    "slug": N_("Address on the register"),
    "name_en": N_("Name in English"),
    "name_cy": N_("Name in Welsh"),
    "description_en": N_("Description in English"),
    "description_cy": N_("Description in Welsh"),
    "transaction_type": N_("Type of transaction"),
    "customer_type": N_("Who uses it"),
    "channels": N_("Channels"),
    "assisted_digital": N_("Help to use it online (assisted digital)"),
    "phase": N_("Phase"),
    "web_address": N_("Web address"),
}

PHASES = {
    "discovery": N_("discovery"),
    "alpha": N_("alpha"),
    "beta": N_("beta"),
    "live": N_("live"),
    "reassessment": N_("reassessment"),
}

# The headings of a published assessment report (each language version has its own).
REPORT_HEADINGS = {
    "dg": N_("Directorate-General"),
    "phase": N_("Phase"),
    "assessed_on": N_("Assessment date"),
    "lead_assessor": N_("Lead assessor"),
    "panel": N_("Panel"),
    "result": N_("Result"),
    "about": N_("About the service"),
    "found": N_("What the panel found"),
    "standards": N_("The standards"),
    "done_well": N_("What the team has done well"),
    "to_explore": N_("What the team needs to explore"),
    "reassessment": N_("reassessment"),
}

# The seats of a Service Standard assessment panel (models/assessment_panel.py).
DISCIPLINES = {
    "user_research": N_("user research"),
    "design": N_("design"),
    "technical": N_("technology"),
    "performance": N_("performance analysis"),
}

PANEL_ROLES = {
    "lead": N_("lead assessor"),
    "assessor": N_("assessor"),
    "observer": N_("observer"),
}

EVIDENCE_KINDS = {
    "research": N_("user research"),
    "design": N_("designs"),
    "code": N_("source code"),
    "performance": N_("performance framework"),
    "other": N_("other evidence"),
}

ACTION_STATUSES = {
    "open": N_("open"),
    "reported_done": N_("reported done, waiting for the reviewer to confirm"),
    "done": N_("done"),
    "sent_back": N_("sent back by the reviewer"),
    "cancelled": N_("cancelled"),
}

# Steps on a condition or amber action (models/action_lifecycle.py), after "Only … can".
ACTION_MOVES = {
    "report_done": N_("mark it as done"),
    "confirm": N_("confirm it is done"),
    "send_back": N_("send it back"),
}

# Who may take a step on a condition or amber action (models/action_lifecycle.py).
ACTION_TAKERS = {
    "submitter": N_("the person who made the submission"),
    "setter": N_("the reviewer who set it (or someone covering for them)"),
}

# Spend control's risk and importance rating (the highest-rated answer).
RISKS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}

TASK_STATUSES = {
    "pending": N_("waiting"),
    "open": N_("open"),
    "decided": N_("decided"),
    "cancelled": N_("cancelled"),
}


def label(table: dict[str, str], key: str, language: str | None = None) -> str:
    """The name of `key` in `language` (default: the current one); unknown keys as they are."""
    return gettext(table[key], language) if key in table else key


def either(names: Sequence[str]) -> str:
    """`A`, `A or B`, `A, B or C` in the current language."""
    if len(names) < 2:
        return "".join(names)
    return gettext("{names} or {last}").format(names=", ".join(names[:-1]), last=names[-1])
