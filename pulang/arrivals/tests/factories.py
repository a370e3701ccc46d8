import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from pulang.agencies.tests.factories import AgencyFactory
from pulang.arrivals.models import ArrivalBatch, ManifestImport


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArrivalBatch

    reference = factory.Sequence(lambda n: f"TPI-20260101-{n:02d}")
    entry_point = ArrivalBatch.EntryPoint.TANJUNG_PINANG
    transport = ArrivalBatch.Transport.SHIP
    arrived_at = factory.LazyFunction(timezone.now)
    consulate = "KJRI Johor Bahru"
    detention_depot = "Depot Imigresen Pekan Nenas"
    receiving_agency = factory.SubFactory(AgencyFactory)


class ManifestImportFactory(factory.django.DjangoModelFactory):
    """A manifest already checked: one good row (row 2) waiting to be saved."""

    class Meta:
        model = ManifestImport

    batch = factory.SubFactory(BatchFactory)
    original_name = "manifest.csv"
    sha256 = factory.Sequence(lambda n: f"{n:064d}")
    status = ManifestImport.Status.PREVIEWED
    total_rows = 1
    file = factory.LazyFunction(lambda: ContentFile(b"Nama Lengkap,Jenis Kelamin\n", "m.csv"))
    preview = factory.LazyFunction(
        lambda: {
            "columns": {"full_name": "Nama Lengkap", "sex": "Jenis Kelamin"},
            "unknown_headers": [],
            "encoding": "utf-8",
            "rows": [
                {
                    "number": 2,
                    "raw": {"full_name": "Sri Wahyuni", "sex": "P"},
                    "values": {"full_name": "Sri Wahyuni", "sex": "F"},
                    "issues": [],
                    "status": "ok",
                    "candidates": [],
                    "action": "create",
                }
            ],
        }
    )
