"""The JSON door to the team's answer to an assessment report: the report's state, a
challenge refused with problem details in the reader's language, then made; the lead's final
answer; the team's feedback; the satisfaction figures; and who may do each."""

from __future__ import annotations

from models.working_days import london_today
from tests.test_web_assessment import SUBMITTER, signed_in
from tests.test_web_report_response import sent_report
from tests.web_support import Site


def test_the_team_challenges_and_the_lead_answers_through_the_api(site: Site):
    sid, lead = sent_report(site)
    path = f"/api/v1/submissions/{sid}/report"
    team = signed_in(site, SUBMITTER, "cy")
    state = team.client.get(path)
    assert state.status_code == 200
    assert state.json()["status"] == "sent" and state.json()["may_respond"] is True
    assert state.json()["ratings"]["w12"] == "amber"
    empty = team.client.post(f"{path}/challenge", json={"challenges": {}})
    assert empty.status_code == 422
    assert empty.headers["content-type"].startswith("application/problem+json")
    assert "Dewiswch o leiaf un safon i'w herio" in empty.json()["detail"]
    made = team.client.post(f"{path}/challenge", json={"challenges": {"w12": "Mae llinell."}})
    assert made.status_code == 201 and made.json()["status"] == "challenged"
    again = team.client.post(f"{path}/challenge", json={"challenges": {"w12": "Eto."}})
    assert again.status_code == 409
    panel = signed_in(site, lead, "en")
    answer = {"answers": {"w12": {"rating": "amber", "rationale": "No baseline yet."}}}
    assert team.client.post(f"{path}/challenge/answer", json=answer).status_code == 403
    answered = panel.client.post(f"{path}/challenge/answer", json=answer)
    assert answered.status_code == 200
    body = answered.json()
    assert (body["status"], body["accepted_how"], body["result"]) == (
        "accepted",
        "after_challenge",
        "amber",
    )
    assert body["challenges"][0]["answer"] == "upheld"
    assert team.client.post(f"{path}/feedback", json={"score": 9}).status_code == 422
    assert team.client.post(f"{path}/feedback", json={"score": 4}).status_code == 201
    assert team.client.post(f"{path}/feedback", json={"score": 4}).status_code == 409
    month = london_today().isoformat()
    figures = signed_in(site, "carys.llewelyn", "en").client.get(
        f"/api/v1/assessments/satisfaction?from={month}"
    )
    assert figures.status_code == 200
    assert figures.json()["months"][-1]["answers"] >= 1
    assert team.client.get("/api/v1/assessments/satisfaction").status_code == 403
    stranger = signed_in(site, "david.patel", "en")
    assert stranger.client.get(path).status_code == 404
    assert stranger.client.post(f"{path}/accept", json={}).status_code == 404
    for client in (team, panel, stranger):
        client.close()


def test_a_second_accept_through_the_api_answers_the_same(site: Site):
    sid, _lead = sent_report(site)
    path = f"/api/v1/submissions/{sid}/report"
    team = signed_in(site, SUBMITTER, "en")
    first = team.client.post(f"{path}/accept", json={})
    second = team.client.post(f"{path}/accept", json={})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["accepted_how"] == "accepted"
    assert team.client.post(f"{path}/accept", content=b"x").status_code == 422
    team.close()
