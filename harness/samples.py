"""The sample directory and submissions the tests and the production stack share: two DGs
(EST with a Slack channel) and a person for every role, some with Slack ids; a valid submission
whose answers a caller can vary."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.engine import Engine

from models.db import session_scope
from services.directory import load_directory, parse_directory

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
        {
            "id": "ur.one",
            "name": "Researcher",
            "email": "ur@example.org",
            "roles": [{"role": "assessor", "discipline": "user_research"}],
        },
        {
            "id": "design.one",
            "name": "Designer",
            "email": "ds@example.org",
            "roles": [{"role": "assessor", "discipline": "design"}],
        },
        {
            "id": "design.two",
            "name": "Designer Two",
            "email": "ds2@example.org",
            "roles": [{"role": "assessor", "discipline": "design"}],
        },
        {
            "id": "tech.one",
            "name": "Technologist",
            "email": "tc@example.org",
            "roles": [{"role": "assessor", "discipline": "technical"}],
        },
        {
            "id": "perf.one",
            "name": "Analyst",
            "email": "pa@example.org",
            "roles": [{"role": "assessor", "discipline": "performance"}],
        },
        {
            "id": "lead.two",
            "name": "Lead Two",
            "email": "l2@example.org",
            "roles": [{"role": "lead_assessor"}],
        },
        {
            "id": "admin.one",
            "name": "Admin",
            "email": "ad@example.org",
            "roles": [{"role": "admin"}],
        },
        {
            "id": "policy.est",
            "name": "Policy EST",
            "email": "p@example.org",
            "language": "en",
            "slack_user_id": "U0POLEST",
            "roles": [{"role": "policy_officer", "dg": "EST"}],
        },
        {
            "id": "policy.hss",
            "name": "Polisi HSS",
            "email": "ph@example.org",
            "language": "cy",
            "roles": [{"role": "policy_officer", "dg": "HSS"}],
        },
        {
            "id": "dl.est",
            "name": "Leader EST",
            "email": "dl@example.org",
            "language": "cy",
            "slack_user_id": "U0DLEST",
        },
        {"id": "dl.hss", "name": "Leader HSS", "email": "dh@example.org", "language": "en"},
        {"id": "coe.one", "name": "CoE One", "email": "c@example.org", "roles": [{"role": "coe"}]},
        {
            "id": "cm.est",
            "name": "Cat EST",
            "email": "cm@example.org",
            "slack_user_id": "U0CMEST",
            "roles": [{"role": "category_manager", "dg": "EST"}],
        },
        {
            "id": "lead.one",
            "name": "Lead One",
            "email": "l@example.org",
            "roles": [{"role": "lead_assessor"}],
        },
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


def submission_data(
    *, kind: str = "initiative", dg: str = "EST", submitter: str = "policy.est", **answers: Any
) -> dict[str, Any]:
    """A valid submission; keyword arguments override digital-options answers."""
    digital = {**DIGITAL_OPTIONS, **answers}
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
