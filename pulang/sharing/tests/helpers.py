"""The agreement world: a shelter operator, the migrant-protection agency's regional unit, an
agreement between them, a returned person, and a business-capital programme."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.models import Agency
from pulang.agencies.tests.factories import AgencyFactory
from pulang.cases.tests.factories import CaseFactory
from pulang.empowerment.models import Programme
from pulang.sharing.models import Agreement


@dataclass
class SharingWorld:
    ministry: Any
    unit: Any
    agreement: Any
    worker: Any
    officer: Any
    case: Any
    programme: Any


def sharing_world(
    categories: tuple[str, ...] = ("identity", "contact", "case_summary"),
) -> SharingWorld:
    ministry: Any = AgencyFactory(code="rptc-bambu-apus", name="UPT RPTC Bambu Apus")
    unit: Any = AgencyFactory(
        code="bp3mi-ntb",
        name="BP3MI Nusa Tenggara Barat",
        kind=Agency.Kind.MIGRANT_PROTECTION_REGIONAL,
    )
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        reference="PKS-01/2026",
        title="Pemberdayaan pekerja migran korban perdagangan orang",
        purposes=["empowerment"],
        categories=list(categories),
        valid_from=today - timedelta(days=30),
        valid_to=today + timedelta(days=335),
    )
    agreement.parties.set([ministry, unit])
    worker = UserFactory(agency=ministry, roles=["shelter_social_worker"], username="peksos")
    officer = UserFactory(agency=unit, roles=["migrant_protection_officer"], username="bp3mi")
    case = CaseFactory(
        owning_agency=ministry,
        person__full_name="Siti Rahmawati",
        person__nik="5203014101900001",
        person__phone_id="+6281234567890",
        person__health_notes="Catatanmedis Rahasia",
        person__trafficking_account="Kisah Rahasia",
        person__registered_by=ministry,
    )
    programme = Programme.objects.create(
        code="modal-usaha-ntb",
        name="Bantuan modal usaha NTB",
        kind=Programme.Kind.BUSINESS_CAPITAL,
        agency=unit,
        budget=500_000_000,
    )
    return SharingWorld(ministry, unit, agreement, worker, officer, case, programme)
