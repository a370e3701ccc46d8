"""Keeping duplicate candidates for review, and merging two registrations of one person."""

import csv
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pulang.access.models import AccessGrant
from pulang.access.scope import agreement_categories_of
from pulang.audit.models import AuditEvent
from pulang.audit.services import acting_user, audit_record
from pulang.cases.models import Case
from pulang.people.models import Person
from pulang.reports.rollup import figures_changed
from pulang.sharing.models import Consent

from .models import DuplicateCandidate

# Fields copied from the absorbed record when the kept one has nothing there.
FILLABLE = [
    "birth_date",
    "birth_place",
    "origin_region_id",
    "origin_address",
    "nik",
    "family_card_number",
    "travel_document_number",
    "travel_document_issuer",
    "phone_id",
    "phone_my",
    "kin_name",
    "kin_relation",
    "kin_phone",
]


class MergeError(Exception):
    pass


def duplicate_candidates_store(*, pairs_csv: Path) -> int:
    """Keep the pairs of a registry run (ids are person ids) that nobody has reviewed yet."""
    created = 0
    with pairs_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            a, b = sorted((int(row["id_l"]), int(row["id_r"])))
            _pair, is_new = DuplicateCandidate.objects.get_or_create(
                person_a_id=a,
                person_b_id=b,
                defaults={
                    "match_probability": float(row["match_probability"]),
                    "cluster_id": int(row["cluster_id"]) if row.get("cluster_id") else None,
                },
            )
            created += int(is_new)
    return created


@transaction.atomic
def person_merge(*, actor: Any, keep: Person, absorb: Person) -> Person:
    """Make two registrations one: every case, grant and consent moves to the kept record,
    which gains what it lacked; the absorbed record stays, pointing to the kept one. Nothing
    is lost."""
    if keep.pk == absorb.pk:
        raise MergeError(_("Tidak bisa menggabungkan orang dengan dirinya sendiri."))
    if acting_user(actor) is not None and any(
        categories is not None
        for categories in agreement_categories_of(actor, [keep.pk, absorb.pk]).values()
    ):
        # A merge would copy what an agreement withholds into the other record, and move the
        # other agency's cases: only an agency holding both people may merge them.
        raise MergeError(
            _(
                "Salah satu catatan hanya terbuka untuk instansi Anda melalui rujukan; "
                "penggabungan dilakukan oleh instansi yang mendaftarkannya."
            )
        )
    keep, absorb = (
        Person.objects.select_for_update().get(pk=keep.pk),
        Person.objects.select_for_update().get(pk=absorb.pk),
    )
    if keep.merged_into_id or absorb.merged_into_id:
        raise MergeError(_("Salah satu catatan sudah digabung sebelumnya."))
    if keep.sex != absorb.sex:
        raise MergeError(_("Jenis kelamin kedua catatan berbeda; periksa dulu."))
    changes: dict[str, list[Any]] = {}
    for name in FILLABLE:
        if getattr(keep, name) in (None, "") and getattr(absorb, name) not in (None, ""):
            changes[name] = [None, getattr(absorb, name)]
            setattr(keep, name, getattr(absorb, name))
    aliases = list(dict.fromkeys([*keep.aliases, absorb.full_name, *absorb.aliases]))
    aliases = [alias for alias in aliases if alias != keep.full_name]
    if aliases != keep.aliases:
        changes["aliases"] = [keep.aliases, aliases]
        keep.aliases = aliases
    keep.save()
    moved_cases = list(Case.objects.filter(person=absorb).values_list("pk", flat=True))
    Case.objects.filter(person=absorb).update(person=keep)
    figures_changed(case_ids=moved_cases)
    AccessGrant.objects.filter(person=absorb).update(person=keep)
    # Consents are read through the person's cases, which all move: left behind, a consent
    # withdrawn on the absorbed record would be out of sight, and sharing would go on.
    moved_consents = list(Consent.objects.filter(person=absorb).values_list("pk", flat=True))
    Consent.objects.filter(person=absorb).update(person=keep)
    absorb.merged_into = keep
    absorb.save(update_fields=["merged_into"])
    DuplicateCandidate.objects.filter(
        person_a__in=[keep, absorb], person_b__in=[keep, absorb]
    ).update(status=DuplicateCandidate.Status.MERGED, reviewed_by=actor, reviewed_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        target=keep,
        summary=f"merged person {absorb.pk} into this record",
        changes={**changes, "cases_moved": moved_cases, "consents_moved": moved_consents},
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        target=absorb,
        summary=f"merged into person {keep.pk}",
        changes={"merged_into": [None, keep.pk]},
    )
    return keep


@transaction.atomic
def duplicate_dismiss(*, actor: Any, candidate: DuplicateCandidate) -> None:
    candidate.status = DuplicateCandidate.Status.DISMISSED
    candidate.reviewed_by = actor
    candidate.reviewed_at = timezone.now()
    candidate.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        target=candidate,
        summary="not the same person",
    )
