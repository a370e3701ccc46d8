"""The permission matrix's world: two agencies, a user of every role (and a service account of
every role) in the first, and one record of every kind on each side — in scope and out of it.

Shared by the matrix (pulang/access/tests/test_matrix.py) and the query-count test
(pulang/core/tests/test_query_counts.py), which grows the in-scope side.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from pulang.access.roles import Role
from pulang.accounts.tests.factories import UserFactory
from pulang.agencies.tests.factories import AgencyFactory, ShelterFactory
from pulang.arrivals.tests.factories import BatchFactory, ManifestImportFactory
from pulang.cases.tests.factories import CaseFactory
from pulang.matching.models import DuplicateCandidate
from pulang.people.tests.factories import PersonFactory
from pulang.regions.tests.factories import regions


@dataclass
class World:
    inside: Any
    outside: Any
    users: dict[str, Any]
    systems: dict[str, Any]  # service accounts, which alone may hold API tokens

    batches: tuple[Any, Any] = (None, None)
    imports: tuple[Any, Any] = (None, None)
    pairs: tuple[Any, Any] = (None, None)
    records: dict[str, tuple[Any, Any]] | None = None  # URL argument -> (in scope, out of scope)
    # An export job is its owner's alone: per caller, (the caller's own, someone else's).
    jobs: dict[str, tuple[Any, Any]] | None = None

    def kwargs_for(self, names: list[str], scope: str, caller: str | None = None) -> dict[str, Any]:
        person = self.inside if scope == "in" else self.outside
        pick = 0 if scope == "in" else 1
        samples = {
            "person_id": person.pk,
            "pk": person.pk,
            "id": person.pk,
            "batch_id": self.batches[pick].pk,
            "import_id": self.imports[pick].pk,
            "row_number": 2,
            "candidate_id": self.pairs[pick].pk,
            **{name: pair[pick].pk for name, pair in (self.records or {}).items()},
        }
        if self.jobs:
            samples["job_id"] = self.jobs[caller or Role.SHELTER_HEAD.value][pick].pk
        unknown = [name for name in names if name not in samples]
        assert not unknown, f"Add a sample object for URL argument(s) {unknown} to World.records"
        return {name: samples[name] for name in names}


def matrix_world() -> World:
    own = AgencyFactory(code="agency-own")
    other = AgencyFactory(code="agency-other")
    inside = PersonFactory(
        full_name="Siti Dalamcakupan",
        registered_by=own,
        nik="3171014101900001",
        health_notes="Catatanmedis Dalam",
        trafficking_account="Kisah Dalamcakupan",
    )
    outside = PersonFactory(
        full_name="Rahasia Luarcakupan",
        registered_by=other,
        nik="6171015505900002",
        health_notes="Catatanmedis Luar",
        trafficking_account="Kisah Luarcakupan",
    )
    users = {role: UserFactory(username=f"m-{role}", agency=own, roles=[role]) for role in Role}
    systems = {
        role: UserFactory(username=f"s-{role}", agency=own, roles=[role], is_service_account=True)
        for role in Role
    }
    batches = (BatchFactory(receiving_agency=own), BatchFactory(receiving_agency=other))
    imports = tuple(ManifestImportFactory(batch=batch) for batch in batches)
    pairs = (
        DuplicateCandidate.objects.create(
            person_a=inside,
            person_b=PersonFactory(registered_by=own, sex=inside.sex),
            match_probability=0.93,
        ),
        DuplicateCandidate.objects.create(
            person_a=outside,
            person_b=PersonFactory(registered_by=other, sex=outside.sex),
            match_probability=0.91,
        ),
    )
    return World(
        inside,
        outside,
        users,
        systems,
        batches,
        imports,
        pairs,
        shelter_records(own, other),
        export_jobs(users, other),
    )


def export_jobs(users: dict[str, Any], other: Any) -> dict[str, tuple[Any, Any]]:
    """A finished export for each caller, and one of a user of another agency."""
    from django.core.files.base import ContentFile

    from pulang.exports.models import ExportJob

    def finished(owner: Any) -> Any:
        job = ExportJob.objects.create(
            owner=owner, kind="cases", format="csv", status="done", done=1, total=1
        )
        job.file.save("kasus.csv", ContentFile(b"ID\r\n1\r\n"))
        return job

    theirs = finished(UserFactory(agency=other, roles=[Role.SHELTER_HEAD]))
    return {role: (finished(user), theirs) for role, user in users.items()}


def shared(actor: Any, case: Any, agency: Any) -> tuple[Any, Any, Any]:
    """A referral of the agency's case to a partner under an agreement, the consent it rests
    on, and a follow-up the agency itself owes."""
    from django.utils import timezone

    from pulang.empowerment.services import followups_schedule
    from pulang.sharing.models import Agreement
    from pulang.sharing.services import consent_record, referral_send

    partner: Any = AgencyFactory(
        code=f"partner-of-{agency.code}", kind="migrant_protection_regional"
    )
    agreement = Agreement.objects.create(
        reference=f"PKS-{agency.code}",
        title="Pemberdayaan",
        purposes=["empowerment"],
        categories=["identity", "case_summary"],
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 12, 31),
    )
    agreement.parties.set([agency, partner])
    consent = consent_record(
        actor=actor, person=case.person, purpose="empowerment", basis="consent", given_by="Diri"
    )
    referral = referral_send(actor=actor, case=case, to_agency=partner, purpose="empowerment")
    [followup, *_rest] = followups_schedule(
        case=case, agency=agency, start=timezone.localdate(), months=[1]
    )
    return referral, consent, followup


def going_home(actor: Any, shelter: Any, agency: Any) -> tuple[Any, Any]:
    """Another resident of the shelter on a trip home, handed over to the family."""
    from django.utils import timezone

    from pulang.regions.models import Region
    from pulang.returns.services import handover_record, return_plan_save, trip_plan
    from pulang.shelters.services import stay_admit

    regency = (
        Region.objects.filter(code="52.03").first()
        or regions(("52", "Nusa Tenggara Barat"), ("52.03", "Kab. Lombok Timur"))[1]
    )
    case: Any = CaseFactory(owning_agency=agency, person__registered_by=agency)
    stay_admit(actor=actor, shelter=shelter, cases=[case])
    return_plan_save(
        actor=actor, case=case, destination=regency, transport="bus", planned_date=date.today()
    )
    trip = trip_plan(
        actor=actor,
        shelter=shelter,
        cases=[case],
        destination="NTB",
        transport="bus",
        escort="Pendamping",
        planned_departure=timezone.now(),
    )
    handover = handover_record(
        actor=actor,
        shelter=shelter,
        cases=[case],
        trip=trip,
        place="Selong",
        receiver_kind="family",
        receiver_name="Keluarga",
        receiver_relation="Ibu",
        witness_name="Saksi",
    )
    return trip, handover


def shelter_records(own: Any, other: Any) -> dict[str, tuple[Any, Any]]:
    """A shelter of each agency with one resident, a session, a screening and a task."""
    from django.utils import timezone

    from pulang.cases.models import Case
    from pulang.cases.services import screening_record, task_add
    from pulang.shelters.models import ActivityKind
    from pulang.shelters.services import session_create, stay_admit

    records: dict[str, list[Any]] = {}
    for agency in (own, other):
        actor = UserFactory(agency=agency, roles=["shelter_head"])
        shelter = ShelterFactory(agency=agency)
        case: Any = Case.objects.filter(person__registered_by=agency).first() or CaseFactory(
            owning_agency=agency,
            person=PersonFactory._meta.model.objects.filter(registered_by=agency).first(),
        )
        [stay] = stay_admit(actor=actor, shelter=shelter, cases=[case])
        session = session_create(
            actor=actor,
            shelter=shelter,
            kind=ActivityKind.objects.get(code="sport-futsal"),
            starts_at=timezone.now(),
            facilitator="Fasilitator",
        )
        screening = screening_record(
            actor=actor,
            case=case,
            recruitment="unlicensed_agent",
            recruiter_relation="friend",
            sector="agriculture",
            determination="presumed",
        )
        task = task_add(actor=actor, case=case, title="Tugas", due_on=date(2026, 1, 1))
        trip, handover = going_home(actor, shelter, agency)
        referral, consent, followup = shared(actor, case, agency)
        for name, record in (
            ("shelter_id", shelter),
            ("case_id", case),
            ("stay_id", stay),
            ("session_id", session),
            ("screening_id", screening),
            ("task_id", task),
            ("trip_id", trip),
            ("handover_id", handover),
            ("referral_id", referral),
            ("consent_id", consent),
            ("followup_id", followup),
        ):
            records.setdefault(name, []).append(record)
    return {name: (pair[0], pair[1]) for name, pair in records.items()}
