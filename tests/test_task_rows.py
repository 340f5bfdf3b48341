"""The rows of a review queue's table, written in Python (dfr.web.task_rows): what a person
reads in each language, and nothing a title holds runs as markup."""

from __future__ import annotations

from datetime import date

from dfr.web.task_rows import task_rows
from models.overview import TaskRow
from services.describe import Names

ROWS = [
    TaskRow(
        7,
        "Grantiau <b>bach</b>",
        "Small <b>grants</b>",
        "category_review",
        "huw",
        date(2027, 3, 5),
        True,
    ),
    TaskRow(12, "Trwyddedau", "Licences", "digital_options_review", None, date(2027, 4, 1), False),
]
NAMES = Names({"huw": "Huw <Jenkins>"}, {})


def test_a_queue_reads_in_english():
    html = str(task_rows(ROWS, NAMES, "en", show_assignee=True))
    assert '<a class="govuk-link" href="/submissions/7">DFR-00007</a>' in html
    assert "Small &lt;b&gt;grants&lt;/b&gt;" in html and "<b>" not in html
    assert "Category-manager review" in html and "5 March 2027" in html
    assert "Huw &lt;Jenkins&gt;" in html and "unassigned" in html
    assert html.count("Overdue") == 1  # only the first task is late
    for welsh in ("Grantiau", "Mawrth", "Yn hwyr", "heb ei neilltuo"):
        assert welsh not in html


def test_a_queue_reads_in_welsh():
    html = str(task_rows(ROWS, NAMES, "cy", show_assignee=True))
    assert "Grantiau &lt;b&gt;bach&lt;/b&gt;" in html
    assert "5 Mawrth 2027" in html and "1 Ebrill 2027" in html
    assert html.count("Yn hwyr") == 1 and "heb ei neilltuo" in html
    for english in ("Small", "March", "Overdue", "unassigned", "Category-manager review"):
        assert english not in html


def test_without_the_assignee_column_a_row_has_four_cells():
    html = str(task_rows(ROWS[:1], NAMES, "en"))
    assert html.count("<td") == 4 and "Huw" not in html
