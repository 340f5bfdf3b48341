"""The domain: SQLModel tables, the lifecycle table, the decision log, and the operations on them.

May import `checklists` and `dfr`; never `flows`, `notifications`, `cli` or `web`.
Every operation that changes state takes a Session and runs inside the caller's transaction,
so a failure changes nothing.
"""

from models.acknowledgement import Acknowledgement
from models.assessment_panel import AssessmentBooking, EvidenceLink, InterestDeclaration
from models.assessment_rating import AssessorRating, SettlementDraft
from models.assessment_report import AssessmentReport, ReportSection
from models.audit import EventEmission, LogEntry, LogHead
from models.digest import Digest
from models.directory import Delegation, Directorate, Person, RoleAssignment
from models.draft import Draft
from models.notification import Notification
from models.overview_counts import OpenTaskCount, SubmissionCount
from models.progress_report import ProgressReport, ProgressReportFile
from models.published_report import PublishedReport, PublishedReportVersion
from models.reminders import Reminder
from models.report_response import ReportChallenge, ReportFeedback
from models.review import Action, Decision, PanelMember, ReviewTask, StandardRating
from models.service_links import LateReturnReminder, ProposalDismissal, ServiceLink
from models.service_register import Service, TransactionType
from models.service_returns import MonthlyReturn
from models.sign_in import SignInAttempt, WebSession
from models.submission import ChecklistAnswers, RaisedFlag, Submission

__all__ = [
    "Acknowledgement",
    "Action",
    "AssessmentBooking",
    "AssessmentReport",
    "AssessorRating",
    "ChecklistAnswers",
    "Decision",
    "Delegation",
    "Digest",
    "Directorate",
    "Draft",
    "EventEmission",
    "EvidenceLink",
    "InterestDeclaration",
    "LateReturnReminder",
    "LogEntry",
    "LogHead",
    "MonthlyReturn",
    "Notification",
    "OpenTaskCount",
    "PanelMember",
    "Person",
    "ProgressReport",
    "ProgressReportFile",
    "ProposalDismissal",
    "PublishedReport",
    "PublishedReportVersion",
    "RaisedFlag",
    "Reminder",
    "ReportChallenge",
    "ReportFeedback",
    "ReportSection",
    "ReviewTask",
    "RoleAssignment",
    "Service",
    "ServiceLink",
    "SettlementDraft",
    "SignInAttempt",
    "StandardRating",
    "Submission",
    "SubmissionCount",
    "TransactionType",
    "WebSession",
]
