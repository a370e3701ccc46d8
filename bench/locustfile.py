"""A shelter's working day for Locust: staff log in (password, then the 6-digit code of their
authenticator), then search people, open case pages, look at the shelter board and the daily
sheet, save meal roll calls and attendance, and now and then record an arriving batch and import
its manifest (upload, preview, commit).

Started by `python -m bench.loadtest`, which prepares the accounts and writes the plan this file
reads (PULANG_LOAD_PLAN). Every request is checked: the expected status (redirects are not
followed, so a bounce to the login page counts as a failure) and something of the page's
content, so a page that answers but does not work counts as an error. Each request kind has
its own name, so its percentiles are reported apart.
"""

import csv
import io
import itertools
import json
import os
import random
import re
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from django_otp.oath import totp  # plain RFC 6238; needs no Django settings
from locust import HttpUser, between, events, task
from locust.exception import RescheduleTask, StopUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["PULANG_LOAD_PLAN"]).read_text("utf-8"))
_ACCOUNTS = itertools.count()
_RNG = random.Random(PLAN.get("seed", 9))
JAKARTA = ZoneInfo("Asia/Jakarta")
# Every request, for bench/loadtest.py's percentiles (exact, not Locust's rounded histogram).
_LOG = open(os.environ["PULANG_LOAD_LOG"], "a", newline="", encoding="utf-8")  # noqa: SIM115
_LOG_WRITER = csv.writer(_LOG)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_LINK = re.compile(r'href="/kasus/(\d+)/"')
PERSON_LINK = re.compile(r'href="/orang/(\d+)/"')
SESSION_LINK = re.compile(r'href="/shelter/kegiatan/(\d+)/"')
SERVED_BOX = re.compile(r'name="served" value="(\d+)"')
OPEN_STAY_BOX = re.compile(r'name="stay" value="(\d+)">')  # ticked ones end in "disabled>"
DAY_FIELD = re.compile(r'name="day" value="(\d{4}-\d{2}-\d{2})"')
KIND_OPTION = re.compile(r'<option value="(\d+)"')
ACTION_SELECT = re.compile(r'<select name="action_(\d+)"[^>]*>(.*?)</select>', re.S)
SELECTED = re.compile(r'<option value="([^"]+)" selected')
MEALS = ["breakfast", "lunch", "dinner"]

# Plain names as a consulate list writes them (the split keeps the lists short to read).
MALE_NAMES = "Ahmad Agus Budi Dedi Eko Fajar Hendra Irwan Joko Lalu Muhammad Rudi Slamet".split()  # noqa: SIM905
FEMALE_NAMES = "Ani Dewi Fitri Indah Nurul Putri Rina Sari Siti Sri Wati Yanti Baiq Ayu".split()  # noqa: SIM905
FAMILY_NAMES = (  # noqa: SIM905
    "Saputra Hidayat Pratama Santoso Wibowo Nugroho Setiawan Kurniawan Hasibuan Siregar Lubis "
    "Nasution Rahmawati Wulandari Lestari Sulistyowati Hartono Gunawan Firmansyah"
).split()
MANIFEST_HEADER = [
    "Nama Lengkap",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "NIK",
    "No Paspor",
    "Kode Wilayah",
    "No HP Malaysia",
]


def manifest_csv(rows: int, villages: list[str], rng: random.Random) -> bytes:
    """A consulate list as a shelter receives it: names, sex, birth date, NIK, passport, home
    village; never the same bytes twice (the same file is refused as already imported)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MANIFEST_HEADER)
    for _ in range(rows):
        female = rng.random() < 0.35
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        name = first if rng.random() < 0.25 else f"{first} {rng.choice(FAMILY_NAMES)}"
        born = date(1970, 1, 1) + timedelta(days=rng.randint(0, 365 * 36))
        village = rng.choice(villages)
        nik = (
            village.replace(".", "")[:6]
            + f"{born.day + (40 if female else 0):02d}{born:%m%y}{rng.randint(1, 9999):04d}"
        )
        writer.writerow(
            [
                name.upper() if rng.random() < 0.3 else name,
                "P" if female else "L",
                born.strftime("%d/%m/%Y"),
                nik if rng.random() < 0.6 else "",
                f"C{rng.randint(1_000_000, 9_999_999)}",
                village,
                f"+60 1{rng.randint(1, 9)}-{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            ]
        )
    return out.getvalue().encode("utf-8")


@events.request.add_listener
def _log_request(
    request_type: str,
    name: str,
    response_time: float,
    exception: Exception | None = None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    started = start_time if start_time is not None else time.time() - response_time / 1000
    _LOG_WRITER.writerow(
        [f"{started:.3f}", request_type, name, f"{response_time:.1f}", int(exception is not None)]
    )


@events.quitting.add_listener
def _close_log(**_: Any) -> None:
    _LOG.close()


class StaffUser(HttpUser):
    """One member of a shelter's staff, logged in for the whole run."""

    wait_time = between(2, 8)

    def on_start(self) -> None:
        account = PLAN["users"][next(_ACCOUNTS) % len(PLAN["users"])]
        self.account = account
        self.shelter = f"/shelter/{account['shelter_id']}/"
        agency = PLAN["agencies"][str(account["agency_id"])]
        self.terms: list[str] = agency["terms"]
        self.case_ids: list[str] = [str(pk) for pk in agency["case_ids"]]
        self.resident_case_ids: list[str] = []
        self.entry_point: str = agency["entry_point"]
        self.rng = random.Random(_RNG.random())
        # One connection per request, as a reverse proxy such as nginx talks to gunicorn by
        # default: each request goes to whichever worker accepts it first. Kept-alive
        # connections would pin each user to one worker process, busy or not.
        self.client.headers["Connection"] = "close"
        self.login()

    # -- plumbing -------------------------------------------------------------------------

    def fetch(
        self,
        method: str,
        url: str,
        name: str,
        *,
        expect: int = 200,
        contains: tuple[str, ...] = (),
        redirect_to: str = "",
        **kwargs: Any,
    ) -> Any:
        """One request, checked; returns the response, or ends the task as failed."""
        with self.client.request(
            method, url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            problem = ""
            if not response.status_code:
                problem = f"no answer: {response.error!r}"
            elif response.status_code != expect:
                where = response.headers.get("Location", "")
                problem = f"status {response.status_code}, expected {expect} {where}".strip()
            elif redirect_to and not urlsplit(response.headers.get("Location", "")).path.startswith(
                redirect_to
            ):
                problem = f"redirected to {response.headers.get('Location')!r}, not {redirect_to}"
            elif contains and not any(marker in response.text for marker in contains):
                problem = f"page lacks {contains[0]!r}"
            if problem:
                response.failure(problem)
                raise RescheduleTask(problem)
            response.success()
            return response

    def get(self, url: str, name: str, **kwargs: Any) -> Any:
        return self.fetch("GET", url, name, **kwargs)

    def post(self, url: str, name: str, data: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("expect", 302)
        return self.fetch("POST", url, name, data=data, **kwargs)

    @staticmethod
    def csrf(response: Any) -> str:
        match = CSRF.search(response.text)
        if match is None:
            raise RescheduleTask("no CSRF token on the page")
        return match.group(1)

    # -- the day ----------------------------------------------------------------------------

    def login(self) -> None:
        account = self.account
        try:
            page = self.get("/akun/masuk/", "login page", contains=("csrfmiddlewaretoken",))
            self.post(
                "/akun/masuk/",
                "login (password)",
                {
                    "csrfmiddlewaretoken": self.csrf(page),
                    "username": account["username"],
                    "password": account["password"],
                    "next": "/",
                },
                redirect_to="/",
            )
            self.get("/", "home (before the second factor)", expect=302, redirect_to="/akun/")
            page = self.get(
                "/akun/dua-langkah/?next=/", "second factor page", contains=('name="code"',)
            )
            code = totp(bytes.fromhex(account["otp_key"]), step=30, t0=0, digits=6)
            self.post(
                "/akun/dua-langkah/",
                "login (second factor)",
                {"csrfmiddlewaretoken": self.csrf(page), "code": f"{code:06d}", "next": "/"},
                redirect_to="/",
            )
            home = self.get("/", "home", contains=('class="who"',))
        except RescheduleTask as failed:
            raise StopUser(f"{account['username']} could not log in: {failed}") from failed
        # A browser fetches the stylesheet and scripts once, then keeps them.
        for asset in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', home.text))):
            self.get(asset, "static file")

    @task(40)
    def person_search(self) -> None:
        term = self.rng.choice(self.terms)
        page = self.get(f"/orang/?q={quote(term)}", "person search", contains=("<tbody>",))
        people = PERSON_LINK.findall(page.text)
        if people and self.rng.random() < 0.4:
            self.get(
                f"/orang/{self.rng.choice(people)}/", "person page", contains=('class="fields"',)
            )

    @task(40)
    def case_page(self) -> None:
        choices = self.resident_case_ids if self.rng.random() < 0.6 else self.case_ids
        if not choices:
            choices = self.case_ids or self.resident_case_ids
        if not choices:
            self.shelter_board()
            return
        self.get(f"/kasus/{self.rng.choice(choices)}/", "case page", contains=('"case-status"',))

    @task(20)
    def shelter_board(self) -> None:
        page = self.get(self.shelter, "shelter board", contains=('data-testid="resident"',))
        self.resident_case_ids = CASE_LINK.findall(page.text)

    @task(6)
    def dashboard(self) -> None:
        """A shelter head looks at this year's figures (the rollups, with today counted live)."""
        if self.account["role"] != "shelter_head":
            self.daily_sheet()
            return
        first = f"{time.localtime().tm_year}-01-01"
        self.get(f"/laporan/?dari={first}", "dashboard", contains=('data-testid="returned-home"',))

    @task(16)
    def daily_sheet(self) -> None:
        self.get(f"{self.shelter}harian/", "daily sheet", contains=('data-testid="day-sheet"',))

    @task(8)
    def meal_roll_call(self) -> None:
        page = self.get(
            f"{self.shelter}harian/", "daily sheet", contains=('data-testid="roll-call"',)
        )
        served = [
            stay for stay in SERVED_BOX.findall(page.text) if self.rng.random() > 0.03
        ]  # a few did not come to eat
        day = DAY_FIELD.search(page.text)
        hour = datetime.now(JAKARTA).hour
        meal = MEALS[0] if hour < 10 else MEALS[1] if hour < 16 else MEALS[2]
        answer = self.post(
            f"{self.shelter}makan/",
            "meal roll call",
            [
                ("csrfmiddlewaretoken", self.csrf(page)),
                ("day", day.group(1) if day else ""),
                ("meal", meal if self.rng.random() < 0.8 else self.rng.choice(MEALS)),
                *[("served", stay) for stay in served],
            ],
            redirect_to=f"{self.shelter}harian/",
        )
        self.get(answer.headers["Location"], "daily sheet", contains=("orang makan",))

    @task(8)
    def attendance(self) -> None:
        sessions = self.get(f"{self.shelter}kegiatan/", "sessions", contains=('name="kind"',))
        links = SESSION_LINK.findall(sessions.text)
        page = None
        if links:
            page = self.get(
                f"/shelter/kegiatan/{links[0]}/", "session page", contains=("attendance-count",)
            )
            session_url = f"/shelter/kegiatan/{links[0]}/"
        if page is None or not OPEN_STAY_BOX.search(page.text):
            # Everyone is marked at the latest session: the next activity of the day begins.
            kinds = KIND_OPTION.findall(sessions.text)
            created = self.post(
                f"{self.shelter}kegiatan/baru/",
                "session create",
                {
                    "csrfmiddlewaretoken": self.csrf(sessions),
                    "kind": self.rng.choice(kinds),
                    "starts_at": datetime.now(JAKARTA).strftime("%Y-%m-%dT%H:%M"),
                    "facilitator": self.rng.choice(["Pak Darto", "Bu Ratna", "Pak Yosef"]),
                },
                redirect_to="/shelter/kegiatan/",
            )
            session_url = urlsplit(created.headers["Location"]).path
            page = self.get(session_url, "session page", contains=("attendance-count",))
        unmarked = OPEN_STAY_BOX.findall(page.text)
        if not unmarked:
            return
        chosen = self.rng.sample(unmarked, k=min(len(unmarked), self.rng.randint(5, 20)))
        answer = self.post(
            f"{session_url}hadir/",
            "attendance",
            [("csrfmiddlewaretoken", self.csrf(page)), *[("stay", stay) for stay in chosen]],
            redirect_to=session_url,
        )
        self.get(answer.headers["Location"], "session page", contains=("kehadiran dicatat",))

    @task(1)
    def manifest_import(self) -> None:
        form = self.get("/kedatangan/baru/", "batch form", contains=('name="entry_point"',))
        rows = self.rng.randint(5, 15)
        arrived = datetime.now(JAKARTA) - timedelta(hours=self.rng.randint(1, 5))
        created = self.post(
            "/kedatangan/baru/",
            "batch create",
            {
                "csrfmiddlewaretoken": self.csrf(form),
                "entry_point": self.entry_point,
                "transport": "ship",
                "arrived_at": arrived.strftime("%Y-%m-%dT%H:%M"),
                "deporting_country": "MY",
                "detention_depot": "Depot Imigresen Pekan Nenas",
                "consulate": "KJRI Johor Bahru",
                "consulate_letter_number": f"B-{self.rng.randint(100, 999)}/KJRI/2026",
                "expected_count": str(rows),
            },
            redirect_to="/kedatangan/",
        )
        batch_url = urlsplit(created.headers["Location"]).path
        batch = self.get(batch_url, "batch page", contains=('name="file"',))
        data = manifest_csv(rows, PLAN["villages"], self.rng)
        uploaded = self.post(
            f"{batch_url}manifest/",
            "manifest upload",
            {"csrfmiddlewaretoken": self.csrf(batch)},
            files={"file": (f"manifest-{uuid.uuid4().hex[:8]}.csv", data, "text/csv")},
            redirect_to="/kedatangan/impor/",
        )
        import_url = urlsplit(uploaded.headers["Location"]).path
        started = time.perf_counter()
        deadline = time.monotonic() + 120
        page = self.get(import_url, "manifest preview", contains=("<h1>",))
        if "import-counts" not in page.text:
            # While the worker checks the rows the page asks every second, as htmx does, until
            # the answer says the preview is ready and the browser reloads the page.
            while True:
                time.sleep(1)
                progress = self.get(
                    import_url,
                    "manifest progress (htmx)",
                    headers={"HX-Request": "true"},
                    contains=("<progress", "import-counts"),
                )
                if progress.headers.get("HX-Refresh") == "true":
                    break
                if time.monotonic() > deadline:
                    raise RescheduleTask("the manifest preview did not finish in 120 s")
            page = self.get(import_url, "manifest preview", contains=("import-counts",))
        self.environment.events.request.fire(
            request_type="WAIT",
            name="manifest preview ready (upload to preview shown)",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=None,
            context={},
        )
        actions = [("csrfmiddlewaretoken", self.csrf(page))]
        for number, options in ACTION_SELECT.findall(page.text):
            selected = SELECTED.search(options)
            actions.append((f"action_{number}", selected.group(1) if selected else "create"))
        answer = self.post(
            f"{import_url}simpan/", "manifest commit", actions, redirect_to=batch_url
        )
        self.get(answer.headers["Location"], "batch page", contains=("Tersimpan:",))
