"""Roles and the capabilities they grant, defined in code so they are reviewed like code.

docs/permissions.md is generated from this module (`pulang permissions-doc`) and a test checks
that it is current.
"""

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Capability(StrEnum):
    REGION_VIEW = "region.view"
    PERSON_VIEW = "person.view"
    PERSON_CHANGE = "person.change"
    PERSON_EXPORT = "person.export"
    CARE_RECORD = "care.record"
    STAY_DISCHARGE = "stay.discharge"
    REFERRAL_SEND = "referral.send"
    EMPOWERMENT_RECORD = "empowerment.record"
    IDENTITY_REVEAL = "identity.reveal"
    SENSITIVE_VIEW = "sensitive.view"
    AGGREGATE_VIEW = "aggregate.view"
    AUDIT_VIEW = "audit.view"
    ADMINISTER = "system.administer"


CAPABILITY_LABELS: dict[Capability, Promise] = {
    Capability.REGION_VIEW: _("Mencari wilayah administrasi"),
    Capability.PERSON_VIEW: _("Melihat nama dan data orang dalam cakupan instansi"),
    Capability.PERSON_CHANGE: _("Mencatat dan mengoreksi data orang"),
    Capability.PERSON_EXPORT: _("Mengekspor daftar orang"),
    Capability.CARE_RECORD: _(
        "Menerima orang di shelter dan mencatat makan, barang, kegiatan, asesmen dan rencana kasus"
    ),
    Capability.REFERRAL_SEND: _("Merujuk kasus ke instansi lain berdasarkan perjanjian kerja sama"),
    Capability.EMPOWERMENT_RECORD: _(
        "Menanggapi rujukan, mendaftarkan ke program dan mencatat tindak lanjut"
    ),
    Capability.STAY_DISCHARGE: _("Mengeluarkan dan memindahkan penghuni, menutup kasus"),
    Capability.IDENTITY_REVEAL: _("Membuka nomor identitas (NIK, paspor, SPLP) yang disamarkan"),
    Capability.SENSITIVE_VIEW: _("Melihat catatan kesehatan dan keterangan perdagangan orang"),
    Capability.AGGREGATE_VIEW: _("Melihat angka agregat tanpa nama"),
    Capability.AUDIT_VIEW: _("Menelusuri jejak audit"),
    Capability.ADMINISTER: _("Mengelola pengguna, instansi dan konfigurasi"),
}


class Role(StrEnum):
    SHELTER_SOCIAL_WORKER = "shelter_social_worker"
    SHELTER_HEAD = "shelter_head"
    HQ_ANALYST = "hq_analyst"
    MIGRANT_PROTECTION_OFFICER = "migrant_protection_officer"
    REGIONAL_SOCIAL_OFFICER = "regional_social_officer"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    ADMINISTRATOR = "administrator"


ROLE_LABELS: dict[Role, Promise] = {
    Role.SHELTER_SOCIAL_WORKER: _("Pekerja sosial shelter"),
    Role.SHELTER_HEAD: _("Kepala shelter"),
    Role.HQ_ANALYST: _("Analis kantor pusat (hanya agregat)"),
    Role.MIGRANT_PROTECTION_OFFICER: _("Petugas pelindungan pekerja migran"),
    Role.REGIONAL_SOCIAL_OFFICER: _("Petugas Dinas Sosial daerah"),
    Role.DATA_PROTECTION_OFFICER: _("Pejabat pelindungan data pribadi"),
    Role.ADMINISTRATOR: _("Administrator"),
}

C = Capability
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.SHELTER_SOCIAL_WORKER: frozenset(
        {
            C.REGION_VIEW,
            C.PERSON_VIEW,
            C.PERSON_CHANGE,
            C.IDENTITY_REVEAL,
            C.SENSITIVE_VIEW,
            C.CARE_RECORD,
            C.REFERRAL_SEND,
        }
    ),
    Role.SHELTER_HEAD: frozenset(
        {
            C.REGION_VIEW,
            C.PERSON_VIEW,
            C.PERSON_CHANGE,
            C.PERSON_EXPORT,
            C.IDENTITY_REVEAL,
            C.SENSITIVE_VIEW,
            C.AGGREGATE_VIEW,
            C.CARE_RECORD,
            C.STAY_DISCHARGE,
            C.REFERRAL_SEND,
        }
    ),
    Role.HQ_ANALYST: frozenset({C.REGION_VIEW, C.AGGREGATE_VIEW}),
    Role.MIGRANT_PROTECTION_OFFICER: frozenset(
        {C.REGION_VIEW, C.PERSON_VIEW, C.EMPOWERMENT_RECORD}
    ),
    Role.REGIONAL_SOCIAL_OFFICER: frozenset(
        {C.REGION_VIEW, C.PERSON_VIEW, C.PERSON_CHANGE, C.REFERRAL_SEND, C.EMPOWERMENT_RECORD}
    ),
    Role.DATA_PROTECTION_OFFICER: frozenset({C.REGION_VIEW, C.AUDIT_VIEW, C.AGGREGATE_VIEW}),
    Role.ADMINISTRATOR: frozenset({C.REGION_VIEW, C.ADMINISTER}),
}

# Anyone who can see a name, the audit trail or the configuration logs in with a second factor.
SECOND_FACTOR_CAPABILITIES = frozenset({C.PERSON_VIEW, C.AUDIT_VIEW, C.ADMINISTER})


def capabilities_of(roles: list[str] | tuple[str, ...]) -> frozenset[Capability]:
    granted: set[Capability] = set()
    for role in roles:
        if role in Role.__members__.values():
            granted |= ROLE_CAPABILITIES[Role(role)]
    return frozenset(granted)


def role_choices() -> list[tuple[str, Promise]]:
    return [(role.value, ROLE_LABELS[role]) for role in Role]
