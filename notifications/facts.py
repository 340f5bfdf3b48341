"""What the message templates say about submissions: read for a whole queueing run in a few
queries per 500 submissions (flags with their pinned checklists, actions, decisions, review
tasks), never per log entry; each kind of fact only when a message needs it, and not at all
when the step queueing its own entries already has it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, and_, col, select

from checklists.loader import Registry
from checklists.standards import every_standard_name
from dfr import labels
from dfr.dates import long_date
from dfr.labels import label
from dfr.settings import Settings
from models.action_lifecycle import SUBMITTER_HOLDS
from models.assessment_report import AssessmentReport
from models.audit import Logged
from models.directory_lookup import DirectoryLookup
from models.review import Action, Decision, ReviewTask
from models.submission import ChecklistAnswers, RaisedFlag, SubmissionHeading
from notifications.recipients import Recipient
from notifications.render import MarkdownText

BATCH = 500  # ids per IN (...) list: well inside every database's parameter limit


def batches(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)]


class TemplateFacts:
    """Everything the templates need about these submissions, read once."""

    def __init__(
        self,
        session: Session,
        submissions: Mapping[int, SubmissionHeading],
        directory: DirectoryLookup,
        registry: Registry,
        settings: Settings,
    ) -> None:
        self.submissions, self.directory, self.registry = submissions, directory, registry
        self.base_url = settings.base_url.rstrip("/")
        self._session = session
        self._read: set[str] = set()  # the facts read so far (each on first use)
        self._raised: dict[tuple[int, int], list[tuple[str, str, int | None]]] = {}
        self._action_rows: dict[int, list[Action]] = {}
        self._decision_at: dict[int, int] = {}  # log seq -> decision id
        self._assignee: dict[int, str | None] = {}  # review task id -> assignee
        self._report_lead: dict[int, str] = {}  # assessment report id -> its lead
        self.standard_names: dict[str, dict[str, str]] = {}  # language -> standard id -> name

    def knows_decisions(self, decision_at: dict[int, int]) -> None:
        """The decisions of the entries being queued (log seq -> decision id), as the step
        that wrote them knows them: not read again."""
        self._decision_at.update(decision_at)
        self._read.add("decisions")

    def _batches(self, fact: str) -> list[list[int]]:
        """The submissions' ids in batches, the first time `fact` is needed; else none."""
        if fact in self._read:
            return []
        self._read.add(fact)
        return batches(sorted(self.submissions))

    def knows_flags(self, flags: dict[int, list[tuple[str, str, int | None]]]) -> None:
        """The flags of the submissions' current rounds, by submission id (none for one not
        named), as the step that raised them knows them: (flag, checklist, pinned version),
        in the order raised; not read."""
        for sid, submission in self.submissions.items():
            self._raised[(sid, submission.round)] = list(flags.get(sid, []))
        self._read.add("flags")

    def knows_actions(self, actions: dict[int, list[Action]]) -> None:
        """The submissions' conditions, amber actions and obligations, by submission id (none
        for one not named), as the step knows them: not read."""
        for sid in self.submissions:
            self._action_rows[sid] = list(actions.get(sid, []))
        self._read.add("actions")

    @property
    def raised(self) -> dict[tuple[int, int], list[tuple[str, str, int | None]]]:
        """(flag, checklist, the checklist's pinned version) per submission round, in the
        order raised: one query for flags and pins."""
        for ids in self._batches("flags"):
            for sid, round_, flag_id, checklist_id, version in self._session.execute(
                _raised_query(), {"ids": ids}
            ).all():
                self._raised.setdefault((sid, round_), []).append((flag_id, checklist_id, version))
        return self._raised

    @property
    def actions(self) -> dict[int, list[Action]]:
        for ids in self._batches("actions"):
            for action in self._session.exec(
                select(Action).where(col(Action.submission_id).in_(ids)).order_by(col(Action.id))
            ).all():
                self._action_rows.setdefault(action.submission_id, []).append(action)
        return self._action_rows

    @property
    def decision_at(self) -> dict[int, int]:
        for ids in self._batches("decisions"):
            for decision_id, seq in self._session.exec(
                select(Decision.id, Decision.log_seq).where(col(Decision.submission_id).in_(ids))
            ).all():
                self._decision_at[seq] = decision_id or 0
        return self._decision_at

    @property
    def report_lead(self) -> dict[int, str]:
        for ids in self._batches("reports"):
            for report_id, lead in self._session.exec(
                select(AssessmentReport.id, AssessmentReport.lead_id).where(
                    col(AssessmentReport.submission_id).in_(ids)
                )
            ).all():
                self._report_lead[report_id or 0] = lead
        return self._report_lead

    @property
    def assignee(self) -> dict[int, str | None]:
        for ids in self._batches("tasks"):
            for task_id, assignee in self._session.exec(
                select(ReviewTask.id, ReviewTask.assignee_id).where(
                    col(ReviewTask.submission_id).in_(ids)
                )
            ).all():
                self._assignee[task_id or 0] = assignee
        return self._assignee

    def context(
        self, message: str, entry: Logged, recipient: Recipient, language: str
    ) -> dict[str, Any]:
        """The template context of `message` about `entry`, for one recipient and language."""
        submission = self.submissions[entry.submission_id or 0]
        context = self._base(submission, recipient, language)
        payload = entry.payload
        if message == "submitted":
            context["stages"] = [
                label(labels.STAGES, st, language) for st in payload.get("route", [])
            ]
            context["flags"] = self._flag_texts(submission, language)
        elif message == "task_assigned":
            context["stage"] = label(labels.STAGES, payload["stage"], language)
            context["due"] = long_date(payload["due_date"], language)
            context["scope"] = [self._standard(sid, language) for sid in payload.get("scope") or []]
            context["flags"] = self._flag_texts(submission, language)  # what to look closely at
        elif message in {"decision_recorded", "changes_requested"}:
            actor = self.directory.person(entry.actor_id or "")
            context["stage"] = label(labels.STAGES, payload["stage"], language)
            context["outcome"] = label(labels.OUTCOMES, payload["outcome"], language)
            context["actor_name"] = actor.name if actor else entry.actor_id
            context["rationale"] = MarkdownText(payload.get("rationale", ""))
            context["conditions"] = self._actions(
                submission, language, self.decision_at.get(entry.seq, -1)
            )
        elif message in {"reminder", "escalation"}:
            context.update(self._chased(submission, entry, language))
        elif message.startswith("action_"):
            context.update(self._action_step(submission, entry, language))
        elif message == "ratings_sent":
            actor = self.directory.person(entry.actor_id or "")
            context["assessor"] = actor.name if actor else entry.actor_id
            context["seat"] = label(labels.DISCIPLINES, payload.get("discipline") or "", language)
            context["count"] = len(payload.get("ratings") or {})
            context["ratings_link"] = MarkdownText(
                f"{self.base_url}/submissions/{submission.id}/assessment/ratings"
            )
        elif message == "report_sent":
            actor = self.directory.person(entry.actor_id or "")
            context["lead"] = actor.name if actor else entry.actor_id
            context["result"] = label(labels.OUTCOMES, payload["result"], language)
            context["date"] = long_date(payload["assessed_on"], language)
            context["report_link"] = MarkdownText(
                f"{self.base_url}/submissions/{submission.id}/assessment/report"
            )
        elif message in {"report_accepted", "report_challenged", "challenge_decided"}:
            context.update(self._response(submission, entry, message, language))
        elif message in {"assessment_booked", "panel_conflict"}:
            context.update(self._panel(submission, entry, language))
        elif message == "acknowledged":
            opener = self.directory.person(payload.get("opened_by") or "")
            context["reviewer"] = opener.name if opener else ""
            context["submitted_on"] = long_date(payload["submitted_on"], language)
        elif message == "register_proposal":
            context["proposal_link"] = MarkdownText(
                f"{self.base_url}/register/proposals/{submission.id}"
            )
        elif message == "final_outcome":
            context["state"] = label(labels.STATES, payload.get("state", "withdrawn"), language)
            context["actions"] = self._actions(submission, language)
        return context

    def _base(self, s: SubmissionHeading, recipient: Recipient, language: str) -> dict[str, Any]:
        dg = self.directory.directorate(s.dg_code)
        return {
            "name": recipient.name,
            "reference": s.reference,
            "title": s.title(language),
            "dg_name": dg.name(language) if dg else s.dg_code,
            "link": MarkdownText(f"{self.base_url}/submissions/{s.id}"),
            "risk": label(labels.RISKS, s.risk, language) if s.risk else "",
        }

    def _standard(self, standard_id: str, language: str) -> str:
        """A standard by its number and title (`3. Understand users…`), not its id."""
        if language not in self.standard_names:  # once per language in a queueing run
            self.standard_names[language] = every_standard_name(self.registry, language)
        return self.standard_names[language].get(standard_id, standard_id)

    def _flag_texts(self, submission: SubmissionHeading, language: str) -> list[str]:
        texts = []
        for flag_id, checklist_id, version in self.raised.get(
            (submission.id or 0, submission.round), []
        ):
            checklist = self.registry.get(checklist_id, version) if version is not None else None
            found = [f for f in checklist.definition.flags if f.id == flag_id] if checklist else []
            texts.append(found[0].text.get(language) if found else flag_id)
        return texts

    def _actions(
        self, submission: SubmissionHeading, language: str, decision_id: int | None = None
    ) -> list[dict[str, str]]:
        """The conditions and amber actions of one decision; or, without one, those still
        open (obligations aside)."""
        rows = [
            a
            for a in self.actions.get(submission.id or 0, [])
            if (
                a.decision_id == decision_id
                if decision_id is not None
                else a.status in SUBMITTER_HOLDS and a.kind != "obligation"
            )
        ]
        return [{"text": a.text_in(language), "due": long_date(a.due_date, language)} for a in rows]

    def _action_step(
        self, submission: SubmissionHeading, entry: Logged, language: str
    ) -> dict[str, Any]:
        """A condition or amber action reported done, confirmed or sent back: what it is, who
        took the step, and what they said (as typed: escaped like every value)."""
        payload = entry.payload
        action = next(
            (a for a in self.actions.get(submission.id or 0, []) if a.id == payload["action_id"]),
            None,
        )
        actor = self.directory.person(entry.actor_id or "")
        return {
            "kind": label(labels.ACTION_KINDS, payload["kind"], language),
            "what": action.text_in(language)[:200] if action else payload["reference"],
            "due": long_date(action.due_date, language) if action else "",
            "actor_name": actor.name if actor else entry.actor_id,
            "note": payload.get("note", ""),
            "evidence": payload.get("evidence_url", ""),
            "reason": payload.get("reason", ""),
        }

    def _panel(self, submission: SubmissionHeading, entry: Logged, language: str) -> dict[str, Any]:
        """An assessment's date and panel, or a panel member's conflict of interests."""
        payload = entry.payload

        def name(person_id: str | None) -> str:
            person = self.directory.person(person_id or "")
            return person.name if person else (person_id or "—")

        link = MarkdownText(f"{self.base_url}/submissions/{submission.id}/assessment")
        if entry.event == "panel.conflict_declared":
            seat = payload.get("discipline")
            return {
                "member": name(payload.get("person_id")),
                "seat": label(labels.DISCIPLINES, seat, language)
                if seat
                else label(labels.PANEL_ROLES, payload.get("panel_role", ""), language),
                "detail": payload.get("detail", ""),
                "assessment_link": link,
            }
        return {
            "date": long_date(payload["assessment_date"], language),
            "lead": name(payload.get("lead_id")),
            "panel": [
                {
                    "discipline": label(labels.DISCIPLINES, seat["discipline"], language),
                    "name": name(seat["person_id"]),
                }
                for seat in payload.get("panel") or []
            ],
            "observers": [name(p) for p in payload.get("observers") or []],
            "changed": entry.event == "panel.member_replaced" or bool(payload.get("rebooked")),
            "assessment_link": link,
        }

    def _response(
        self, submission: SubmissionHeading, entry: Logged, message: str, language: str
    ) -> dict[str, Any]:
        """The team's answer to a report, or the panel's to a challenge: who, which standards
        (by number and title), the result now, and where to read it and give feedback."""
        payload = entry.payload
        actor = self.directory.person(entry.actor_id or "")
        report_link = f"{self.base_url}/submissions/{submission.id}/assessment/report"
        context: dict[str, Any] = {
            "actor": actor.name if actor else "",
            "result": label(labels.OUTCOMES, payload.get("result", ""), language),
            "report_link": MarkdownText(report_link),
            "feedback_link": MarkdownText(f"{report_link}/feedback"),
            "silence": payload.get("accepted_how") == "silence",
            "standards": [],
        }
        if message == "report_challenged":
            context["due"] = long_date(payload["challenge_due"], language)
            context["standards"] = [
                {"name": self._standard(sid, language), "reason": challenge["reason"]}
                for sid, challenge in sorted(payload.get("standards", {}).items())
            ]
        elif message == "challenge_decided":
            context["standards"] = [
                {
                    "name": self._standard(sid, language),
                    "answer": label(labels.CHALLENGE_ANSWERS, answer["answer"], language),
                    "rating": label(labels.OUTCOMES, answer["to"], language),
                    "rationale": answer["rationale"],
                }
                for sid, answer in sorted(payload.get("answers", {}).items())
            ]
        return context

    def _chased(
        self, submission: SubmissionHeading, entry: Logged, language: str
    ) -> dict[str, Any]:
        """What a reminder or escalation is about, who holds it, and when it was due."""
        payload = entry.payload
        owner_id: str | None = None
        if payload["item_kind"] == "task":
            what = label(labels.STAGES, payload["what"], language)
            owner_id = self.assignee.get(payload["item_id"])
        elif payload["item_kind"] in ("report", "challenge"):
            what = label(labels.REPORTS, payload["item_kind"], language)
            owner_id = self.report_lead.get(payload["item_id"])
        elif payload["item_kind"] == "response":
            what = label(labels.REPORTS, "response", language)
            owner_id = submission.submitter_id
        else:
            action = next(
                (a for a in self.actions.get(submission.id or 0, []) if a.id == payload["item_id"]),
                None,
            )
            text = action.text_in(language) if action is not None else ""
            kind = label(labels.ACTION_KINDS, payload["what"].split(":", 1)[0], language)
            what = f"{kind}: {text[:80]}" if text else kind
            owner_id = submission.submitter_id
        owner = self.directory.person(owner_id) if owner_id else None
        return {
            "what": what,
            "due": long_date(payload["due_date"], language),
            "final": payload["step"] == "final",
            "second": payload["step"] == "second_escalation",
            "owner": owner.name if owner else "",
            "escalated_to": label(labels.ROLES, _escalated_to(payload), language),
        }


@cache
def _raised_query() -> Any:
    """`TemplateFacts.raised`' query, for the submissions in the (expanding) parameter `ids`:
    built once, and only when the flags are read (building it costs more than running it)."""
    pinned = and_(
        col(ChecklistAnswers.submission_id) == col(RaisedFlag.submission_id),
        col(ChecklistAnswers.round) == col(RaisedFlag.round),
        col(ChecklistAnswers.checklist_id) == col(RaisedFlag.checklist_id),
    )
    return (
        sa_select(
            col(RaisedFlag.submission_id),
            col(RaisedFlag.round),
            col(RaisedFlag.flag_id),
            col(RaisedFlag.checklist_id),
            col(ChecklistAnswers.checklist_version),
        )
        .outerjoin(ChecklistAnswers, pinned)
        .where(col(RaisedFlag.submission_id).in_(bindparam("ids", expanding=True)))
        .order_by(col(RaisedFlag.id))
    )


def _escalated_to(payload: dict[str, Any]) -> str:
    """The level an escalation went to (entries logged before it was recorded: the leader
    first, then the Digital CoE)."""
    if "escalated_to" in payload:
        return str(payload["escalated_to"])
    return "coe" if payload["step"] == "second_escalation" else "digital_leader"
