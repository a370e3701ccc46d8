"""The dashboard's links to the cases behind each figure, outcomes of empowerment per month,
and the monthly report as PDF."""

import calendar
import io
import re
from datetime import datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone
from pypdf import PdfReader

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.models import Agency, Shelter
from pulang.audit.models import AuditEvent
from pulang.cases.tests.factories import CaseFactory
from pulang.cases.tests.helpers import recent_history
from pulang.empowerment.models import FollowUp
from pulang.reports.figures import figures, suppressed

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    return recent_history(seed=8)


def period(history):
    return {"dari": history.start, "sampai": history.end, "per": history.end - timedelta(days=8)}


def test_each_figure_links_to_exactly_the_cases_behind_it(client, login_verified, history):
    head = UserFactory(agency=history.world.shelter.agency, roles=["shelter_head"])
    login_verified(client, head)
    response = client.get("/laporan/", period(history))
    links = 0
    for chart in response.context["charts"]:
        for bar in chart.bars:
            if not bar.url:
                continue
            listed = client.get(bar.url).context["page"].paginator.count
            assert listed == bar.value, f"{chart.title} / {bar.label}: {bar.url}"
            links += 1
    assert links >= 10
    for key, url in response.context["links"].items():
        listed = client.get(url).context["page"].paginator.count
        assert listed == response.context["f"][key], key
    assert "Rahasia" not in client.get(response.context["links"]["received"]).text


def test_an_analyst_sees_no_links_to_cases(client, history):
    ministry = Agency.objects.create(code="kemensos", name="Kemensos", kind="ministry_unit")
    client.force_login(UserFactory(agency=ministry, roles=["hq_analyst"]))
    page = client.get("/laporan/", period(history)).text
    assert "/kasus/" not in page and "bulanan.pdf" in page


def test_the_dashboard_can_show_one_shelter(client, login_verified, history):
    head = UserFactory(agency=history.world.shelter.agency, roles=["shelter_head"])
    second = Shelter.objects.create(
        agency=head.agency, code="pos-2", name="Pos Kedua", kind="pos", capacity_women=5
    )
    login_verified(client, head)
    both = client.get("/laporan/", period(history)).context["f"]
    only = client.get("/laporan/", {**period(history), "shelter": second.pk}).context["f"]
    assert both["received"] > 0 and only["received"] == 0 and only["shelters"] == ["Pos Kedua"]
    elsewhere = Shelter.objects.exclude(agency=head.agency).first()
    refused = client.get("/laporan/", {**period(history), "shelter": elsewhere.pk}).context
    assert elsewhere.name not in refused["f"]["shelters"], "another agency's shelter is no choice"


def followups_done(history, *found):
    """Follow-ups of handed-over people, done on the given days with the given findings."""
    cases = [c for c in history.cases if hasattr(c, "handover_entry")]
    for case, (day, fields) in zip(cases, found, strict=False):
        FollowUp.objects.create(
            case=case,
            agency=history.world.shelter.agency,
            months_after=1,
            due_on=day,
            done_at=timezone.make_aware(datetime.combine(day, datetime.min.time())),
            **fields,
        )


def test_outcomes_of_empowerment_per_month(history):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=10)
    followups_done(
        history,
        (
            last_month,
            {"reached": True, "business_running": True, "monthly_income": Decimal(1500000)},
        ),
        (
            last_month,
            {"reached": True, "business_running": False, "monthly_income": Decimal(500000)},
        ),
        (today, {"reached": True, "wants_abroad": True, "abroad_channel": "irregular"}),
        (today, {"reached": False}),
    )
    again = CaseFactory(
        owning_agency=history.world.shelter.agency,
        person=history.cases[0].person,
        previous_case=history.cases[0],
        is_returning=True,
    )
    result = figures(
        shelters=Shelter.objects.filter(pk=history.world.shelter.pk),
        start=last_month.replace(day=1),
        end=today,
        as_of=today,
    )
    rows = {row["month"]: row for row in result.empowerment_by_month}
    before, now = rows[f"{last_month:%Y-%m}"], rows[f"{today:%Y-%m}"]
    assert (before["followups_done"], before["reached"], before["business_running"]) == (2, 2, 1)
    assert before["income_median"] == 1000000
    assert (now["followups_done"], now["reached"], now["wants_abroad_irregular"]) == (2, 1, 1)
    assert now["deported_again"] == 1 and again.opened_at.month == today.month
    hidden = {row["month"]: row for row in suppressed(result)["empowerment_by_month"]}
    assert hidden[f"{last_month:%Y-%m}"]["income_median"] is None, "too few to publish"
    assert hidden[f"{last_month:%Y-%m}"]["followups_done"] == "<11"


def pdf_text(response):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_monthly_report_is_an_indonesian_pdf_exact_for_the_shelter(
    client, login_verified, history
):
    head = UserFactory(agency=history.world.shelter.agency, roles=["shelter_head"])
    login_verified(client, head)
    month = history.end.replace(day=1)
    client.cookies["django_language"] = "en"
    response = client.get("/laporan/bulanan.pdf", {"bulan": f"{month:%Y-%m}"})
    assert response["Content-Type"] == "application/pdf"
    assert f"laporan-bulanan-{month:%Y-%m}.pdf" in response["Content-Disposition"]
    text = pdf_text(response)
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    result = figures(
        shelters=Shelter.objects.filter(agency=head.agency),
        start=month,
        end=last,
        as_of=min(last, timezone.localdate()),
    )
    assert "Laporan bulanan" in text and "dipulangkan" in text, "Indonesian whatever the UI"
    assert re.search(rf"\b{result.returned_home}\s*dipulangkan", text.replace("\n", " "))
    assert "<11" not in text
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="reports.monthly")
    assert f"{month:%Y-%m}" in event.summary


def test_the_monthly_report_suppresses_small_cells_for_an_analyst(client, history):
    ministry = Agency.objects.create(code="kemensos", name="Kemensos", kind="ministry_unit")
    client.force_login(UserFactory(agency=ministry, roles=["hq_analyst"]))
    response = client.get("/laporan/bulanan.pdf", {"bulan": f"{history.end:%Y-%m}"})
    text = unescape(pdf_text(response))
    assert "<11" in text and "Angka di bawah 11 disamarkan" in text
    assert not any(case.person.full_name in text for case in history.cases)
    assert client.get("/laporan/bulanan.pdf", {"bulan": "2026-13"}).status_code == 400
    assert client.get("/laporan/bulanan.pdf").status_code == 200, "this month by default"
