"""The demo's stories (domain.md, "The demo data"), as plain data. Programmes, cycles and module
dates follow the public news items domain.md cites; where a date was not public we chose a
plausible one. The CT PHARE modules after 2024 are illustrative future activities, there so
that the demo has modules to nominate for. Trainers are fictional people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.models.catalogue import ModuleFormat as F
from domain.models.catalogue import VettingType

EU_ICSP = {"donor": "EU", "instrument": "Instrument contributing to Stability and Peace"}
EU = {"donor": "EU", "instrument": None}
US_INL = {"donor": "US INL", "instrument": None}

# acronym, name, implementer, funding sources
PROGRAMMES = [
    ("CT JUST", "CT JUST – Criminal justice responses to terrorism", "FIIAPP", [EU_ICSP]),
    (
        "CT PHARE",
        "CT PHARE – Platform for human rights engagement",
        "International Institute for Justice and the Rule of Law (IIJ)",
        [EU],
    ),
    (
        "UNODC IRQ-LE",
        "Strengthening the capacities of Iraqi law enforcement and criminal investigation services",
        "UNODC",
        [US_INL],
    ),
    (
        "STRIVE Juvenile",
        "STRIVE Juvenile – preventing and responding to violence against children "
        "by terrorist and violent extremist groups",
        "UNODC",
        [EU],
    ),
]

# Iraqi public holidays. Fixed ones, then the Eids, whose dates follow the moon and are announced
# shortly before: the dates below are approximate (VERIFY) and editable per cycle.
FIXED_HOLIDAYS = [
    ((1, 1), "New Year's Day"),
    ((1, 6), "Army Day"),
    ((3, 21), "Nowruz"),
    ((5, 1), "Labour Day"),
    ((7, 14), "Republic Day"),
    ((10, 3), "National Day"),
    ((12, 10), "Victory Day"),
    ((12, 25), "Christmas"),
]
EIDS = {  # year: ((Eid al-Fitr first, last), (Eid al-Adha first, last))
    2019: (("06-04", "06-06"), ("08-11", "08-14")),
    2020: (("05-24", "05-26"), ("07-31", "08-03")),
    2021: (("05-13", "05-15"), ("07-20", "07-23")),
    2022: (("05-02", "05-04"), ("07-09", "07-12")),
    2023: (("04-21", "04-23"), ("06-28", "07-01")),
    2024: (("04-10", "04-12"), ("06-16", "06-19")),
    2025: (("03-30", "04-01"), ("06-06", "06-09")),
    2026: (("03-20", "03-22"), ("05-27", "05-30")),
    2027: (("03-10", "03-12"), ("05-16", "05-19")),
}


def iraq_holidays(first: date, last: date) -> list[dict]:
    days = []
    for year in range(first.year, last.year + 1):
        days += [(date(year, m, d), name) for (m, d), name in FIXED_HOLIDAYS]
        for (start, end), name in zip(EIDS.get(year, ()), ("Eid al-Fitr", "Eid al-Adha")):
            day, end_day = date.fromisoformat(f"{year}-{start}"), date.fromisoformat(f"{year}-{end}")
            while day <= end_day:
                days.append((day, name))
                day += timedelta(days=1)
    return [{"date": d.isoformat(), "name": n} for d, n in sorted(days) if first <= d <= last]


@dataclass(frozen=True)
class CycleSpec:
    key: str
    programme: str  # acronym
    title: str
    starts_on: date
    ends_on: date
    funding_source: dict
    female_share_target: float = 0.3


CYCLES = [
    CycleSpec(
        "ctjust",
        "CT JUST",
        "EU–Iraq bilateral cooperation cycle 2024–2026",
        date(2024, 1, 1),
        date(2026, 12, 31),
        EU_ICSP,
        0.25,
    ),
    CycleSpec("phare", "CT PHARE", "CT PHARE support to Iraq 2024–2027", date(2024, 1, 1), date(2027, 12, 31), EU),
    CycleSpec(
        "unodc",
        "UNODC IRQ-LE",
        "UNODC–Iraq law enforcement capacity-building 2019–2023",
        date(2019, 1, 1),
        date(2023, 12, 31),
        US_INL,
    ),
    CycleSpec(
        "strive", "STRIVE Juvenile", "STRIVE Juvenile – Iraq 2021–2024", date(2021, 7, 1), date(2024, 12, 31), EU
    ),
]

# key: (name, city, capacity)
VENUES = {
    "jcc": ("Joint Coordination Center (JCC)", "Baghdad", 40),
    "hotel": ("Karrada hotel conference hall", "Baghdad", 80),
    "euam": ("EUAM Iraq premises", "Baghdad", 60),
    "erbil": ("Regional training centre, Erbil", "Erbil", 40),
    "judicial": ("Judicial training institute lecture hall", "Baghdad", 40),
    "ceid-lab": ("CEID forensic chemistry laboratory", "Baghdad", 16),
    "mld-lab": ("Medical Legal Directorate toxicology laboratory", "Baghdad", 16),
}

# key: (fictional name, organisation, nationality, expertise)
TRAINERS = {
    "es-ilp": ("Lucía Serrano Ibarra", "Policía Nacional (Spain)", "ES", ["ilp", "counter-terrorism"]),
    "es-osint": ("Javier Dorado Prieto", "Guardia Civil (Spain)", "ES", ["osint", "geoint"]),
    "es-judge": ("Elena Marín Cortázar", "Consejo General del Poder Judicial (Spain)", "ES", ["judicial-cooperation"]),
    "es-digital": ("Andrés Villalba Sotomayor", "Policía Nacional (Spain)", "ES", ["digital-evidence"]),
    "be-humint": ("Pieter Verhaegen-Smets", "Belgian Federal Police", "BE", ["humint"]),
    "be-digital": ("Claire Lemaire-Dufour", "Belgian Federal Police", "BE", ["digital-evidence", "osint"]),
    "europol-analyst": ("Katarzyna Wrzosek", "EUROPOL", "PL", ["criminal-intelligence-analysis", "osint"]),
    "europol-ftf": ("Matteo Ferrandini", "EUROPOL", "IT", ["ilp", "geoint"]),
    "euact-prosecutor": ("Ana Lopes Ferreirinha", "EU-ACT 2", "PT", ["judicial-cooperation"]),
    "unodc-surveillance": ("Marcus Pendleford", "UNODC", "GB", ["surveillance"]),
    "unodc-analysis": ("Leila Mansouri-Haddad", "UNODC", "JO", ["criminal-intelligence-analysis"]),
    "unodc-chemist": ("Henrik Aaltonen-Berg", "UNODC", "FI", ["gc-ms"]),
    "unodc-juvenile": ("Nadia Benhamida", "UNODC", "TN", ["juvenile-justice"]),
    "iij-rights": ("Clara Vellacott", "IIJ", "MT", ["human-rights"]),
    "iij-justice": ("Jonas Weberling", "IIJ", "DE", ["human-rights", "judicial-cooperation"]),
}

MORNING_AND_AFTERNOON = (("09:00", "12:30"), ("13:30", "15:30"))
MORNING = (("09:00", "13:00"),)


@dataclass(frozen=True)
class ModuleSpec:
    cycle: str
    code: str
    title: str
    discipline: str
    format: F
    capacity: int
    venue: str
    trainers: tuple[str, ...]
    first_day: date
    topics: tuple[str, ...]  # one working day each
    slots: tuple[tuple[str, str], ...] = MORNING_AND_AFTERNOON
    languages: tuple[str, ...] = ("ar", "en")
    interpretation: bool = True
    vetting: VettingType = VettingType.none
    prerequisites: tuple[str, ...] = ()  # codes of modules in the same cycle
    female_share_target: float | None = None


# Prerequisites come before the modules that need them.
MODULES = [
    ModuleSpec(
        "ctjust",
        "JUDCOOP-01",
        "Judicial cooperation in criminal matters (with EU-ACT 2) for judges and prosecutors",
        "judicial-cooperation",
        F.course,
        25,
        "judicial",
        ("es-judge", "euact-prosecutor"),
        date(2024, 12, 15),
        (
            "Mutual legal assistance in terrorism cases",
            "Extradition and its obstacles",
            "Integrity and admissibility of evidence",
            "Joint investigation teams and liaison magistrates",
        ),
    ),
    ModuleSpec(
        "ctjust",
        "ILP-01",
        "Intelligence-led policing training cycle",
        "ilp",
        F.course,
        30,
        "hotel",
        ("es-ilp", "europol-ftf"),
        date(2025, 1, 19),
        (
            "The intelligence-led policing model",
            "Foreign terrorist fighters: the threat picture",
            "Advanced risk analysis",
            "Financing of armed groups",
            "Preventing and dismantling terrorist networks: simulation",
        ),
    ),
    ModuleSpec(
        "ctjust",
        "OPINT-01",
        "Operational intelligence tools for FTF investigations: HUMINT, OSINT and GEOINT",
        "osint",
        F.course,
        25,
        "jcc",
        ("es-osint", "be-humint", "europol-analyst"),
        date(2025, 9, 21),
        (
            "Human sources within a human-rights framework",
            "Identity virtualisation",
            "Social-media analysis",
            "Satellite imagery",
            "Data cross-referencing exercise",
        ),
    ),
    ModuleSpec(
        "ctjust",
        "DIGEV-01",
        "Digital evidence and forensic methodologies (follow-up of OPINT-01)",
        "digital-evidence",
        F.course,
        25,
        "jcc",
        ("es-digital", "be-digital"),
        date(2025, 11, 16),
        (
            "Seizing and preserving digital evidence",
            "Chain of custody",
            "Mobile-device forensics",
            "Reporting findings to the court",
        ),
        prerequisites=("OPINT-01",),
    ),
    ModuleSpec(
        "phare",
        "PHARE-01",
        "Strengthening dialogue between government authorities and human-rights stakeholders "
        "while countering terrorism",
        "human-rights",
        F.high_level_meeting,
        55,
        "euam",
        ("iij-rights", "iij-justice"),
        date(2024, 12, 3),
        ("Opening and plenary", "Working groups", "Working groups report back; the way forward"),
    ),
    ModuleSpec(
        "phare",
        "PHARE-02",
        "Human-rights-based implementation of the national counter-terrorism strategy 2026–2030",
        "human-rights",
        F.workshop,
        30,
        "euam",
        ("iij-rights", "iij-justice"),
        date(2026, 12, 13),
        ("UPR recommendations and the strategy", "Oversight and accountability", "Civil society consultation"),
    ),
    ModuleSpec(
        "phare",
        "PHARE-03",
        "Fair-trial guarantees in terrorism cases",
        "human-rights",
        F.course,
        25,
        "judicial",
        ("iij-justice",),
        date(2027, 2, 14),
        (
            "The right to a fair trial",
            "Confessions and evidence",
            "Juveniles and women in terrorism cases",
            "Victims' rights",
            "Moot hearing",
        ),
    ),
    ModuleSpec(
        "phare",
        "PHARE-04",
        "Oversight and accountability in counter-terrorism: training of trainers",
        "human-rights",
        F.training_of_trainers,
        20,
        "erbil",
        ("iij-rights",),
        date(2027, 4, 18),
        (
            "Adult-learning methods",
            "The Brussels memorandum on oversight",
            "Designing a cascade session",
            "Practice delivery",
        ),
        languages=("ar", "ku", "en"),
    ),
    ModuleSpec(
        "unodc",
        "SURV-01",
        "Surveillance and investigative skills for senior investigators",
        "surveillance",
        F.course,
        15,
        "erbil",
        ("unodc-surveillance",),
        date(2022, 3, 6),
        (
            "Planning a surveillance operation",
            "Static and mobile surveillance",
            "Interviewing techniques",
            "Case building",
            "Field exercise",
        ),
        vetting=VettingType.leahy,
    ),
    ModuleSpec(
        "unodc",
        "CIA-01",
        "Operational criminal intelligence analysis with analysis software",
        "criminal-intelligence-analysis",
        F.course,
        21,
        "hotel",
        ("unodc-analysis",),
        date(2022, 11, 13),
        (
            "The intelligence cycle",
            "Link and network analysis",
            "Telephone-records analysis",
            "Analysis software lab",
            "Briefing an operation",
        ),
        vetting=VettingType.leahy,
    ),
    ModuleSpec(
        "unodc",
        "GCMS-01",
        "GC-MS drug identification workshop (Criminal Evidence Investigation Directorate)",
        "gc-ms",
        F.workshop,
        12,
        "ceid-lab",
        ("unodc-chemist",),
        date(2023, 2, 12),
        ("Sampling and sample preparation", "GC-MS method and spectra libraries", "Reporting results"),
        vetting=VettingType.leahy,
    ),
    ModuleSpec(
        "unodc",
        "GCMS-02",
        "GC-MS drug identification workshop (Medical Legal Directorate)",
        "gc-ms",
        F.workshop,
        12,
        "mld-lab",
        ("unodc-chemist",),
        date(2023, 3, 5),
        ("Toxicology samples", "GC-MS method and spectra libraries", "Reporting results"),
        vetting=VettingType.leahy,
    ),
    ModuleSpec(
        "strive",
        "JUV-01",
        "Psychosocial assessment processes for children and juveniles "
        "associated with terrorist and violent extremist groups",
        "juvenile-justice",
        F.workshop,
        30,
        "hotel",
        ("unodc-juvenile",),
        date(2022, 10, 25),
        (
            "Children's rights and developmental stages",
            "Preparing and conducting an assessment",
            "Using assessments for rehabilitation and reintegration",
        ),
        slots=MORNING,
        interpretation=False,
        languages=("ar",),
    ),
]
