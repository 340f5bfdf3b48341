"""The sample directory and submissions the tests and the production stack share: two DGs
(EST with a Slack channel) and a person for every role, some with Slack ids; a valid submission
whose answers a caller can vary."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.engine import Engine

from models.db import session_scope
from services.directory import load_directory, parse_directory


def _person(
    person_id: str, name: str, email: str, *roles: dict[str, str], **more: str
) -> dict[str, Any]:
    """A person of the directory file: `more` is their language or Slack id."""
    person: dict[str, Any] = {"id": person_id, "name": name, "email": email, **more}
    if roles:
        person["roles"] = list(roles)
    return person


def _assessor(discipline: str) -> dict[str, str]:
    return {"role": "assessor", "discipline": discipline}


DIRECTORY: dict[str, Any] = {
    "directorates": [
        {
            "code": "EST",
            "name": {
                "cy": "Economi, Gwyddoniaeth a Thrafnidiaeth",
                "en": "Economy, Science and Transport",
            },
            "digital_leader": "dl.est",
            "slack_channel": "C0EST0001",
        },
        {
            "code": "HSS",
            "name": {
                "cy": "Iechyd a Gwasanaethau Cymdeithasol",
                "en": "Health and Social Services",
            },
            "digital_leader": "dl.hss",
        },
    ],
    "people": [
        _person("ur.one", "Researcher", "ur@example.org", _assessor("user_research")),
        _person("design.one", "Designer", "ds@example.org", _assessor("design")),
        _person("design.two", "Designer Two", "ds2@example.org", _assessor("design")),
        _person("tech.one", "Technologist", "tc@example.org", _assessor("technical")),
        _person("perf.one", "Analyst", "pa@example.org", _assessor("performance")),
        _person("lead.two", "Lead Two", "l2@example.org", {"role": "lead_assessor"}),
        _person("admin.one", "Admin", "ad@example.org", {"role": "admin"}),
        _person(
            "policy.est",
            "Policy EST",
            "p@example.org",
            {"role": "policy_officer", "dg": "EST"},
            language="en",
            slack_user_id="U0POLEST",
        ),
        _person(
            "policy.hss",
            "Polisi HSS",
            "ph@example.org",
            {"role": "policy_officer", "dg": "HSS"},
            language="cy",
        ),
        _person("dl.est", "Leader EST", "dl@example.org", language="cy", slack_user_id="U0DLEST"),
        _person("dl.hss", "Leader HSS", "dh@example.org", language="en"),
        _person("coe.one", "CoE One", "c@example.org", {"role": "coe"}),
        _person(
            "cm.est",
            "Cat EST",
            "cm@example.org",
            {"role": "category_manager", "dg": "EST"},
            slack_user_id="U0CMEST",
        ),
        _person("lead.one", "Lead One", "l@example.org", {"role": "lead_assessor"}),
    ],
}

DIGITAL_OPTIONS: dict[str, Any] = {
    "user_needs_evidence": True,
    "end_to_end_digital": True,
    "offline_channels_considered": True,
    "simple_rules": True,
    "automated_decisions": False,
    "wet_ink_signature": False,
    "reuses_data_held": True,
    "common_components": ["notify"],
    "assisted_digital": True,
    "accessibility_wcag": True,
    "welsh_language_effects": True,
    "bilingual_from_start": True,
    "wellbeing_goals": ["prosperous"],
    "dpia_completed": "yes",
    "security_fraud_assessed": True,
    "open_standards_code": True,
    "success_measures": ["digital_take_up", "user_satisfaction"],
    "buys_digital": False,
    "builds_service": False,
    "estimated_cost": 50000,
}

CATEGORY_REVIEW: dict[str, Any] = {
    "contract_type": "goods_services",
    "authority_type": "central",
    "contract_value": 80000,
    "route_to_market": "g_cloud",
    "reuse_before_buy": "no_suitable_option",
    "supplier_welsh_capability": "required_in_specification",
    "sme_access": True,
    "transactions_per_year": 5000,
    "vulnerable_users": False,
    "contract_length_months": 24,
    "exit_strategy": True,
}


def load_people(engine: Engine) -> None:
    """The sample DGs and people, as `dfr init` loads a directory."""
    with session_scope(engine) as session:
        load_directory(session, parse_directory(copy.deepcopy(DIRECTORY)))


# What an initiative that builds a service says of its size and risk (a procurement says it in
# its category review): 18,000 people, 20,000 transactions a year, low risk.
SERVICE_RISK: dict[str, Any] = {
    "service_users_per_year": 18000,
    "transactions_per_year": 20000,
    "vulnerable_users": False,
    "novel_approach": False,
}


def submission_data(
    *, kind: str = "initiative", dg: str = "EST", submitter: str = "policy.est", **answers: Any
) -> dict[str, Any]:
    """A valid submission; keyword arguments override digital-options answers (an initiative
    that builds a service gets `SERVICE_RISK` for the answers it leaves out)."""
    digital = {**DIGITAL_OPTIONS, **answers}
    if kind == "initiative" and digital.get("builds_service"):
        digital = {**SERVICE_RISK, **digital}
    data: dict[str, Any] = {
        "kind": kind,
        "dg": dg,
        "submitter": submitter,
        "title": {"cy": "Teitl prawf", "en": "Test title"},
        "summary": {"cy": "Crynodeb", "en": "Summary"},
        "answers": {"digital_options": digital},
    }
    if kind == "procurement":
        data["answers"]["category_review"] = dict(CATEGORY_REVIEW)
    return data
