"""The case list: filters, scope, audit, and its CSV and XLSX exports."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.conf import settings

from pulang.access.models import AccessGrant
from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory
from pulang.audit.models import AuditEvent
from pulang.cases.models import Case
from pulang.sharing.models import Agreement

from .factories import CaseFactory
from .helpers import recent_history

pytestmark = pytest.mark.django_db


def rows_of_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def rows_of_xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows()]


@pytest.fixture
def history():
    return recent_history(seed=5)


@pytest.fixture
def head(history, client, login_verified):
    return login_verified(
        client, UserFactory(agency=history.world.shelter.agency, roles=["shelter_head"])
    )


def returned_query(history):
    return {"peristiwa": "dipulangkan", "dari": history.start, "sampai": history.end}


def test_a_worker_filters_the_case_list_and_each_page_is_audited(client, login_verified, history):
    worker = UserFactory(agency=history.world.shelter.agency, roles=["shelter_social_worker"])
    login_verified(client, worker)
    page = client.get("/kasus/", returned_query(history)).text
    returned = Case.objects.filter(handover_entry__isnull=False)
    stayed = Case.objects.filter(handover_entry__isnull=True, pk__in=[c.pk for c in history.cases])
    assert all(case.person.full_name in page for case in returned)
    assert not any(case.person.full_name in page for case in stayed)
    assert "Rahasia Lain" not in page
    assert "Unduh XLSX" not in page, "a social worker does not export"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).latest("id")
    assert sorted(event.changes["ids"]) == sorted(c.person_id for c in returned)


def test_the_export_carries_the_filters_and_has_every_row_of_every_page(
    client, head, history, monkeypatch
):
    from pulang.cases import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    query = returned_query(history)
    page = client.get("/kasus/", query).text
    assert "peristiwa=dipulangkan" in page.split("Unduh XLSX")[0].rsplit("href=", 1)[1]
    listed = []
    for number in range(1, 10):
        response = client.get("/kasus/", {**query, "page": number})
        listed += [case.pk for case, _cells in response.context["rows"] if case.pk not in listed]
        if not response.context["page"].has_next():
            break
    assert len(listed) > 3, "more than one page"
    rows = rows_of_csv(client.get("/kasus/ekspor/", {**query, "format": "csv"}))
    assert rows[0][:3] == ["ID kasus", "Nama lengkap", "Jenis kelamin"]
    assert [int(row[0]) for row in rows[1:]] == listed, "the list's rows, in the list's order"
    assert not any("Rahasia" in cell for row in rows for cell in row)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.changes["count"] == len(listed) and event.changes["kind"] == "cases"
    assert "peristiwa=dipulangkan" in event.changes["query"]


def test_formulas_are_neutralised_in_csv_and_xlsx(client, head, history):
    case = history.cases[0]
    case.person.full_name = '=HYPERLINK("http://jahat.example","Klik")'
    case.person.save(update_fields=["full_name"])
    rows = rows_of_csv(client.get("/kasus/ekspor/", {"format": "csv"}))
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://jahat.example","Klik")' in names
    assert not any(name.startswith("=") for name in names)
    sheet = rows_of_xlsx(client.get("/kasus/ekspor/", {"format": "xlsx"}))
    cells = [row[1] for row in sheet[1:]]
    assert all(cell.data_type == "s" and not cell.value.startswith("=") for cell in cells)
    assert '\'=HYPERLINK("http://jahat.example","Klik")' in [cell.value for cell in cells]
    assert sheet[0][1].value == "Nama lengkap"


def test_fields_outside_an_agreement_are_not_exported(client, login_verified, history):
    """Another shelter's head reaches one case through a referral whose agreement covers
    identity only: the name is there, the case summary and health flags are not."""
    case = history.cases[1]
    Case.objects.filter(pk=case.pk).update(is_ill=True)
    partner = AgencyFactory(code="rptc-mitra")
    agreement = Agreement.objects.create(
        reference="PKS-1",
        title="Identitas saja",
        purposes=["empowerment"],
        categories=["identity"],
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 12, 31),
    )
    AccessGrant.objects.create(
        person=case.person, agency=partner, basis="referral", agreement=agreement
    )
    login_verified(client, UserFactory(agency=partner, roles=["shelter_head"]))
    [header, row] = rows_of_csv(client.get("/kasus/ekspor/", {"format": "csv"}))
    cells = dict(zip(header, row, strict=True))
    assert cells["Nama lengkap"] == case.person.full_name
    assert cells["Status"] == cells["Sakit"] == "di luar perjanjian"
    assert "Sudah dipulangkan" not in row and "Di shelter" not in row


def test_health_flags_only_for_roles_that_see_health_data(client, head, history):
    case = history.cases[2]
    Case.objects.filter(pk=case.pk).update(is_ill=True, is_pregnant=True)
    [header, *rows] = rows_of_csv(client.get("/kasus/ekspor/", {"format": "csv"}))
    assert "Sakit" in header
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    assert by_id[case.pk]["Sakit"] == by_id[case.pk]["Hamil"] == "ya"

    from pulang.cases.tables import case_table
    from pulang.core.exports import table_write

    officer = UserFactory(agency=history.world.shelter.agency, roles=["regional_social_officer"])
    out = io.BytesIO()
    table_write(table=case_table(user=officer, params={}), fmt="csv", out=out)
    header = next(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert "Sakit" not in header and "Hamil" not in header


def test_headers_are_in_english_for_a_user_who_chose_english(client, head, history):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = rows_of_csv(client.get("/kasus/ekspor/", {"format": "csv"}))
    assert "Full name" in rows[0] and "Sex" in rows[0]


def test_a_case_of_another_agency_is_not_exported_even_by_its_id(client, head):
    other = CaseFactory(person__full_name="Rahasia Sekali")
    rows = rows_of_csv(client.get("/kasus/ekspor/", {"format": "csv", "q": "Rahasia"}))
    assert rows[1:] == [] and str(other.pk) not in {row[0] for row in rows}


def test_an_untouched_screening_asserts_nothing_and_asks_for_the_determination(
    client, login_verified
):
    """The form used to open on "recruited by an unlicensed agent … confirmed victim": the
    first answer of each list, saved as the finding by a worker who only clicked save."""
    from pulang.cases.models import Screening

    worker = UserFactory(roles=["shelter_social_worker"])
    case = CaseFactory(owning_agency=worker.agency)
    login_verified(client, worker)
    url = f"/kasus/{case.pk}/skrining/"
    form = client.get(url).text
    for field in ("recruitment", "recruiter_relation", "sector"):
        assert 'value="unknown" selected' in form.split(f'name="{field}"')[1].split("</select>")[0]
    assert '<option value="" selected>—</option>' in form.split('name="determination"')[1]

    page = client.post(
        url,
        {
            "recruitment": "unknown",
            "recruiter_relation": "unknown",
            "sector": "unknown",
            "means_of_control": ["withholds_documents"],
            "country_of_exploitation": "MY",
            "account": "Paspor ditahan majikan.",
        },
    ).text
    assert "Pilih penetapannya." in page
    assert 'value="withholds_documents" id="id_means_of_control_2" checked' in page
    assert "Paspor ditahan majikan." in page
    assert not Screening.objects.exists()
