"""The approval as a viewflow 2 Flow: a first review, then, for a procurement (the process
data's `kind`), a category review. Each review is a View node assigned to the reviewer when it
is created, as `.Assign()` does it."""

from __future__ import annotations

from typing import Any

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow import views

from bench.peers.workload import REVIEWER


def _is_procurement(activation: Any) -> bool:
    return bool(activation.process.data["kind"] == "procurement")


class ApprovalFlow(flow.Flow):
    start = flow.StartHandle().Next(this.first_review)
    first_review = (
        flow.View(views.UpdateProcessView.as_view(fields=[]))
        .Assign(username=REVIEWER)
        .Next(this.is_procurement)
    )
    is_procurement = flow.If(_is_procurement).Then(this.category_review).Else(this.approved)
    category_review = (
        flow.View(views.UpdateProcessView.as_view(fields=[]))
        .Assign(username=REVIEWER)
        .Next(this.approved)
    )
    approved = flow.End()
