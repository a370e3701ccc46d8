"""Region names as lists write them ("Kab. Indramayu", "LOTIM", "KOTA SURABAYA", "Jatim"),
read into the interior ministry's regions.

One home for the reading a manifest's home region and `pulang match-persons`' origin column
share: `RegionLookup` reads the regencies and provinces once per file, and the functions
below find a region in what a row says.
"""

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Region

_CODE_DOTTED = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")
_CODE_DIGITS = re.compile(r"\d{2}|\d{4}|\d{6}|\d{10}")


def region_code(text: str) -> str | None:
    """A region code as written ("35.25.01", "3525", "35-25", "35 25 01 2001") in the
    ministry's dotted form; None when the text is no region code (a name, a postcode)."""
    value = re.sub(r"\s*[.\-/ ]\s*", ".", text.strip())
    if _CODE_DOTTED.fullmatch(value):
        return value
    if _CODE_DIGITS.fullmatch(value):
        return ".".join(part for part in (value[:2], value[2:4], value[4:6], value[6:]) if part)
    return None


# "Kabupaten", "Kab.", "KAB.LOTIM", "Kota", "Kota Adm.", "Kodya" (the old "kotamadya") before
# a name; never "Kota" run into one ("Kotabaru" is a regency's whole name).
_REGION_PREFIX = re.compile(
    r"^(?:kabupaten administrasi|kabupaten|kab|kota administrasi|kota adm|kotamadya|kodya|kota)"
    r"(?:\.\s*|\s+)"
)
_CITY_PREFIX = re.compile(r"^(?:kota|kotamadya|kodya)\b")


def _bare(name: str) -> str:
    name = " ".join(name.lower().split())
    return _REGION_PREFIX.sub("", name, count=1)


def _says_city(name: str) -> bool:
    return bool(_CITY_PREFIX.match(name.strip().lower()))


# Regencies of the main migrant-sending areas by the short names their own people and the
# consulates' lists use. Kept to names in wide, settled use, each of one regency only; the
# codes are the interior ministry's, as `pulang load-regions` loads them, and a test checks
# each code against the name written here. Not a guess at any other shortening.
_REGENCY_SHORT: dict[str, tuple[str, str]] = {  # short name: (code, the regency's name)
    # Nusa Tenggara Barat
    "lobar": ("52.01", "Lombok Barat"),
    "loteng": ("52.02", "Lombok Tengah"),
    "lotim": ("52.03", "Lombok Timur"),
    "ksb": ("52.07", "Sumbawa Barat"),
    "klu": ("52.08", "Lombok Utara"),
    # Nusa Tenggara Timur
    "tts": ("53.02", "Timor Tengah Selatan"),
    "ttu": ("53.03", "Timor Tengah Utara"),
    "mabar": ("53.15", "Manggarai Barat"),
    "sbd": ("53.18", "Sumba Barat Daya"),
    "matim": ("53.19", "Manggarai Timur"),
    # Sulawesi Selatan
    "pangkep": ("73.10", "Pangkajene dan Kepulauan"),
    "sidrap": ("73.14", "Sidenreng Rappang"),
    # Sumatera Utara
    "tapteng": ("12.01", "Tapanuli Tengah"),
    "taput": ("12.02", "Tapanuli Utara"),
    "tapsel": ("12.03", "Tapanuli Selatan"),
    "madina": ("12.13", "Mandailing Natal"),
}


def province_core(name: str) -> str:
    """A province's name as the regions store it, lower-cased, from the way lists write it:
    "Prov. Bali" → "bali", "DKI Jakarta" → "daerah khusus ibukota jakarta", "Jatim"."""
    core = _PROVINCE_PREFIX.sub("", " ".join(name.lower().split()), count=1).strip(" .,")
    return _PROVINCE_SHORT.get(re.sub(r"[^a-z]", "", core), core)


_PROVINCE_PREFIX = re.compile(r"^(?:provinsi|propinsi|prov|prop)(?:\.\s*|\s+)")

# Provinces as lists abbreviate them.
_PROVINCE_SHORT = {
    "aceh": "aceh", "nad": "aceh", "sumut": "sumatera utara", "sumbar": "sumatera barat",
    "sumsel": "sumatera selatan", "babel": "kepulauan bangka belitung",
    "kepri": "kepulauan riau", "dki": "daerah khusus ibukota jakarta",
    "dkijakarta": "daerah khusus ibukota jakarta", "jakarta": "daerah khusus ibukota jakarta",
    "jabar": "jawa barat", "jateng": "jawa tengah", "jatim": "jawa timur",
    "diy": "daerah istimewa yogyakarta", "diyogyakarta": "daerah istimewa yogyakarta",
    "yogyakarta": "daerah istimewa yogyakarta", "jogja": "daerah istimewa yogyakarta",
    "ntb": "nusa tenggara barat", "ntt": "nusa tenggara timur", "kalbar": "kalimantan barat",
    "kalteng": "kalimantan tengah", "kalsel": "kalimantan selatan",
    "kaltim": "kalimantan timur", "kaltara": "kalimantan utara", "sulut": "sulawesi utara",
    "sulteng": "sulawesi tengah", "sulsel": "sulawesi selatan",
    "sultra": "sulawesi tenggara", "sulbar": "sulawesi barat", "malut": "maluku utara",
    "pabar": "papua barat", "papbar": "papua barat",
}  # fmt: skip


@dataclass
class RegionLookup:
    """The regions a file's rows name, read once per file instead of once per row: a list of
    ten thousand rows names a few hundred regencies, each looked up once."""

    regencies: list[tuple[str, str, bool]]  # (bare name, code, is a city), longest first
    districts: set[str]  # the codes a NIK's first six digits are checked against
    has_villages: bool = True
    short: dict[str, tuple[str, str]] = field(default_factory=dict)  # "lotim" -> (code, bare)
    provinces: dict[str, str] = field(default_factory=dict)  # lower-cased name -> code
    # Province names and abbreviations ("ntb") -> code, longest first, for free text.
    province_words: list[tuple[str, str]] = field(default_factory=list)
    # A regency's code -> the other regencies of its bare name ("Kupang": the city), for
    # the rows that leave it to us which one they mean.
    namesakes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    by_code: dict[str, Region | None] = field(default_factory=dict)
    children: dict[str, list[Region]] = field(default_factory=dict)  # parent code -> regions
    named: dict[tuple[str, int, str], Region | None] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "RegionLookup":
        rows = list(Region.objects.filter(level=Region.Level.REGENCY).values_list("code", "name"))
        names = [(_bare(name), code, _says_city(name)) for code, name in rows]
        districts = set(
            Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", flat=True)
        )
        has_villages = Region.objects.filter(level=Region.Level.VILLAGE).exists()
        bare = {code: _bare(name) for code, name in rows}
        alike: dict[str, list[tuple[str, str]]] = {}
        for code, name in rows:
            alike.setdefault(bare[code], []).append((code, name))
        provinces = {
            name.lower(): code
            for name, code in Region.objects.filter(level=Region.Level.PROVINCE).values_list(
                "name", "code"
            )
        }
        words = {
            word: provinces[name] for word, name in _PROVINCE_SHORT.items() if name in provinces
        }
        words.update(provinces)
        return cls(
            sorted(names, key=lambda item: -len(item[0])),
            districts,
            has_villages,
            provinces=provinces,
            province_words=sorted(words.items(), key=lambda item: -len(item[0])),
            short={
                word: (code, bare[code])
                for word, (code, _name) in _REGENCY_SHORT.items()
                if code in bare
            },
            namesakes={
                code: [other for other in alike[bare[code]] if other[0] != code]
                for code, _name in rows
                if len(alike[bare[code]]) > 1
            },
        )

    @property
    def loaded(self) -> bool:
        """Whether the regions are in the database at all (`pulang load-regions`)."""
        return bool(self.provinces)

    def knows(self, code: str) -> bool:
        """Whether a code ("35.25", "3525", "35.25.01.2001") names a known province, regency
        or district (a village by its district: villages may not be loaded), without a
        query."""
        digits = re.sub(r"\D", "", code)
        if len(digits) >= 6:
            return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}" in self.districts
        if len(digits) >= 4:
            return f"{digits[:2]}.{digits[2:4]}" in self.regency_codes
        return digits in self.provinces.values()

    @functools.cached_property
    def regency_codes(self) -> frozenset[str]:
        return frozenset(code for _name, code, _city in self.regencies)

    def prefetch(self, codes: Iterable[str | None]) -> None:
        """Read the regions of these codes in one query, for `get`."""
        wanted = {code for code in codes if code and code not in self.by_code}
        found = {region.code: region for region in Region.objects.filter(pk__in=wanted)}
        self.by_code.update((code, found.get(code)) for code in wanted)

    def get(self, code: str) -> Region | None:
        if code not in self.by_code:
            self.by_code[code] = Region.objects.filter(pk=code).first()
        return self.by_code[code]

    def by_name(self, name: str, level: int, *, parent: Region | None) -> Region | None:
        """A region by its name as people write it ("Kab. Lombok Timur", "lombok timur",
        "Jatim"), unique within its parent; None when unknown or ambiguous."""
        core = _bare(name)
        if level == Region.Level.PROVINCE:
            core = province_core(name)
        elif level == Region.Level.REGENCY and core in self.short:
            core = self.short[core][1]  # "Lotim": Lombok Timur
        typed_city = _says_city(name)
        key = (core + (" (kota)" if typed_city else ""), level, parent.code if parent else "")
        if key not in self.named:
            if parent is not None or level == Region.Level.PROVINCE:
                # The parent's regions (or the provinces) read once, then matched here.
                home = parent.code if parent else ""
                if home not in self.children:
                    self.children[home] = list(
                        Region.objects.filter(parent=parent)
                        if parent
                        else Region.objects.filter(level=Region.Level.PROVINCE)
                    )
                candidates = self.children[home]
            else:  # a regency, district or village named with nothing above it
                candidates = list(Region.objects.filter(level=level, name__icontains=core)[:50])
            found = [r for r in candidates if r.level == level and _bare(r.name) == core]
            if len(found) > 1:  # "Bogor": the regency and the city; the words typed decide
                found = [r for r in found if r.name.lower().startswith("kota") == typed_city]
            self.named[key] = found[0] if len(found) == 1 else None
        return self.named[key]


def region_from_text(text: str, regions: RegionLookup) -> Region | None:
    """The regency named in free text such as "Lombok Timur, NTB" or "Kab. Sampang Jatim":
    the longest regency name found as whole words; a city only when the text says "kota"."""
    lowered = " " + re.sub(r"[^a-z]+", " ", text.lower()) + " "
    found = [item for item in regions.regencies if f" {item[0]} " in lowered]
    if not found:  # "Lotim, NTB", "TTS": a short name, when it names one regency
        codes = {regions.short[word][0] for word in lowered.split() if word in regions.short}
        return regions.get(codes.pop()) if len(codes) == 1 else None
    longest = [item for item in found if len(item[0]) == len(found[0][0])]
    if len(longest) > 1:
        wants_city = any(f" {word} " in lowered for word in ("kota", "kodya", "kotamadya"))
        longest = [item for item in longest if item[2] == wants_city] or longest[:1]
    return regions.get(longest[0][1])


def province_in_text(text: str, regions: RegionLookup) -> str | None:
    """The code of the province named in free text ("Lombok, NTB", "Desa Sukamaju Jawa
    Barat"): the longest province name or abbreviation found as whole words, not as a
    street's name ("Jl. Bali")."""
    lowered = " " + re.sub(r"[^a-z]+", " ", text.lower()) + " "
    for name, code in regions.province_words:
        at = lowered.find(f" {name} ")
        if at >= 0 and not _STREET_BEFORE.search(lowered[:at]):
            return code
    return None


_STREET_BEFORE = re.compile(r"\b(?:jl|jln|jalan|gg|gang)$")


def region_named(
    text: str, regions: RegionLookup, *, province_among_words: bool = True
) -> Region | None:
    """The region a home-town text names ("Kab. Indramayu", "Lombok Timur, NTB", "KOTA
    SURABAYA", "Jawa Barat"): the regency found in it, else the province; None when it names
    neither. A text that is only a province's name ("Jambi", "Prov. Bali") is the province,
    not the city of its name. A province among other words ("Lombok, NTB") counts only with
    `province_among_words`: a home-town column may say no more than the province, a coarse
    home but a true one, while an address's streets are named after provinces."""
    province = regions.provinces.get(province_core(text))
    if province is None:
        found = region_from_text(text, regions)
        if found is not None:
            return found
        if province_among_words:
            province = province_in_text(text, regions)
    return regions.get(province) if province else None
