import argparse
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils.translation import gettext as _

from pulang.audit.models import AuditEvent
from pulang.audit.services import audit_record
from pulang.matching.dedupe import (
    FIELD_MEANINGS,
    MAPPING_EXAMPLES,
    InputError,
    LeftOut,
    csv_records,
    dedupe,
    mapping_warnings,
    parse_mapping,
    registry_records,
)
from pulang.matching.model import ModelMissing
from pulang.matching.services import duplicate_candidates_store

# Wide enough for the field list, narrow enough for an 80-column terminal.
HELP_WIDTH = 79


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's order of options, with the description and the field list kept as laid out
    here (argparse would run the list's lines together)."""


def mapping_help() -> str:
    """The fields a column can be mapped to, one a line with what it holds, and examples."""
    indent = " " * (2 + max(map(len, FIELD_MEANINGS)) + 2)
    lines = [_("Field untuk --columns (field=Kolom), dan isinya:")]
    for field, meaning in FIELD_MEANINGS.items():
        lines.append(
            textwrap.fill(
                str(meaning),
                HELP_WIDTH,
                initial_indent=f"  {field}".ljust(len(indent)),
                subsequent_indent=indent,
            )
        )
    lines += [
        "",
        textwrap.fill(
            _(
                "Beberapa kolom untuk satu field digabung dengan +, dibaca dengan spasi di "
                "antaranya (full_name=given_name+surname). Nama kolom yang muncul lebih dari "
                "sekali di baris judul disebut dengan urutannya: Nama#1 untuk yang pertama, "
                "Nama#2 untuk yang kedua. Isian seperti “-” atau “tidak diketahui” dianggap "
                "kosong."
            ),
            HELP_WIDTH,
        ),
    ]
    shapes = (
        ("penghuni.csv", _("Contoh, daftar penghuni LSM dengan kolom No, Nama, L/P, Umur, Asal:")),
        ("febrl.csv", _("Contoh, data uji FEBRL (rec_id, given_name, surname, date_of_birth, …):")),
    )
    for (name, shape), mapping in zip(shapes, MAPPING_EXAMPLES, strict=True):
        lines += [
            "",
            shape,
            f"  pulang match-persons --input {name} --output pasangan.csv \\",
            f'    --columns "{mapping}"',
        ]
    return "\n".join(lines)


class Command(BaseCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.help = _(
            "Temukan orang yang terdaftar lebih dari sekali: pasangan data dinilai dengan model "
            "pencocokan, dikelompokkan, dan pasangan pada ambang atau lebih ditulis ke berkas CSV "
            "(id_l, id_r, match_probability, match_weight, cluster_id). Membaca seluruh registri, "
            "atau berkas CSV yang diberikan dengan --input dan --columns."
        )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        # as it is typed: `pulang match-persons`
        parser = super().create_parser(prog_name, subcommand.replace("_", "-"), **kwargs)
        parser.description = textwrap.fill(self.help, HELP_WIDTH)
        parser.epilog = mapping_help()
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--input", type=Path, help=_("Berkas CSV yang diperiksa, sebagai ganti registri")
        )
        parser.add_argument(
            "--columns",
            help=_(
                "Dengan --input: kolom CSV mana berisi field apa, sebagai pasangan field=Kolom "
                "dipisah koma, misalnya 'id=No,full_name=Nama,birth_date=Tgl Lahir'; field dan "
                "isinya ada di bawah. Isian yang tidak terbaca tidak dipakai, dengan peringatan. "
                "Berkas boleh UTF-8, UTF-16 atau Windows-1252, dengan koma, titik koma atau tab "
                "di antara kolom."
            ),
        )
        parser.add_argument(
            "--output", type=Path, required=True, help=_("Berkas CSV pasangan yang ditulis")
        )
        parser.add_argument(
            "--store",
            action="store_true",
            help=_("Hanya registri: simpan juga pasangan untuk ditinjau di halaman duplikat"),
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.8,
            help=_("Peluang kecocokan minimal agar pasangan disimpan dan dikelompokkan (0.8)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path | None = options["input"]
        output: Path = options["output"]
        started = time.monotonic()
        self.verbosity = options["verbosity"]
        left_out = LeftOut()
        if output.is_dir():
            raise CommandError(
                _("--output %(path)s adalah folder; sebutkan berkas, misalnya pasangan.csv.")
                % {"path": output}
            )
        if not 0 < options["threshold"] < 1:
            raise CommandError(_("--threshold adalah peluang di antara 0 dan 1, misalnya 0.8."))
        try:
            if source is not None:
                if not options["columns"]:
                    raise InputError(
                        _("--input memerlukan --columns untuk menyebut kolom mana field apa.")
                    )
                mapping = parse_mapping(options["columns"])
                if not source.is_file():
                    raise InputError(
                        _("Berkas masukan tidak ditemukan: %(path)s") % {"path": source}
                    )
                if output.resolve() == source.resolve():
                    raise InputError(_("--output adalah berkas masukan; sebutkan berkas lain."))
                if options["store"]:
                    self._say(
                        _("--store hanya menyimpan pasangan dari registri; tidak dengan --input.")
                    )
                for warning in mapping_warnings(mapping):
                    self._say(warning)
                records = csv_records(source, mapping, warn=self._say, left_out=left_out)
            else:
                if options["columns"]:
                    raise InputError(_("--columns hanya berlaku dengan --input."))
                records = registry_records()
            summary = dedupe(records, output, threshold=options["threshold"], progress=self._say)
        except (InputError, ModelMissing) as error:
            raise CommandError(str(error)) from error
        if source is None and options["store"]:
            stored = duplicate_candidates_store(pairs_csv=output)
            self.stdout.write(_("%(count)d pasangan baru menunggu ditinjau") % {"count": stored})
        if source is None:
            audit_record(
                actor=None,
                action=AuditEvent.Action.EXPORT,
                object_type="people.person",
                summary=f"match-persons: {summary.pairs} pairs of {summary.records} persons "
                f"to {output.name}",
            )
        self.stdout.write(
            _(
                "%(records)d data, %(pairs)d pasangan dalam %(clusters)d kelompok (ambang "
                "%(threshold)s) ditulis ke %(output)s dalam %(seconds).1f detik"
            )
            % {
                "records": summary.records,
                "pairs": summary.pairs,
                "clusters": summary.clusters,
                "threshold": options["threshold"],
                "output": summary.output,
                "seconds": time.monotonic() - started,
            }
            # said here too: the warnings that list them by line may have scrolled away
            + (" " + left_out.summary() if left_out else "")
        )

    def _say(self, message: str) -> None:
        if getattr(self, "verbosity", 1) < 1:
            return
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
