"""About 300 fictional officers spread over the partner agencies, generated deterministically
(random.Random(2024)) from common name parts. No real person: domain rule 19."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Conflict
from domain.models.officers import OfficerExternalId, Sex
from domain.officers.names import arabic_key
from domain.officers.schemas import ExternalId, NameParts, OfficerCreate
from domain.officers.service import create_officer
from seeds import names
from seeds.tally import SEED, Tally

SOURCE = "demo-seed"
SEED_NUMBER = 2024

POLICE_RANKS = [
    ("Lieutenant", 3),
    ("First Lieutenant", 4),
    ("Captain", 5),
    ("Major", 4),
    ("Lieutenant Colonel", 3),
    ("Colonel", 2),
    ("Brigadier", 1),
]


@dataclass(frozen=True)
class Profile:
    count: int
    female_share: float
    titles: tuple[str, ...]
    ranked: bool = True  # police and security ranks; civil servants, judges and analysts have none
    kurdish: bool = False


# Agency key (seeds.reference.AGENCIES) -> who works there. 300 people in all.
PROFILES = {
    "moi": Profile(
        15, 0.2, ("Training officer", "Planning officer", "International cooperation officer", "Legal adviser")
    ),
    "fp": Profile(30, 0.1, ("Investigator", "Unit commander", "Intelligence officer", "Operations officer")),
    "ceid": Profile(
        25,
        0.3,
        (
            "Crime scene examiner",
            "Forensic chemist",
            "Fingerprint examiner",
            "Digital forensics examiner",
            "Laboratory technician",
        ),
    ),
    "narcotics": Profile(
        30, 0.15, ("Narcotics investigator", "Senior investigator", "Intelligence analyst", "Surveillance officer")
    ),
    "fiia": Profile(
        30,
        0.25,
        ("Intelligence analyst", "Investigator", "Senior investigator", "OSINT analyst", "Surveillance officer"),
    ),
    "inis": Profile(
        25,
        0.25,
        ("Intelligence analyst", "Senior analyst", "Case officer", "OSINT analyst", "GEOINT analyst"),
        ranked=False,
    ),
    "cts": Profile(20, 0.1, ("Investigator", "Intelligence officer", "Analyst", "Legal officer")),
    "onsa": Profile(
        10, 0.3, ("Policy adviser", "Senior analyst", "Strategy officer", "Coordination officer"), ranked=False
    ),
    "hjc": Profile(
        25,
        0.25,
        ("Investigative judge", "Public prosecutor", "Judicial investigator", "Juvenile court judge"),
        ranked=False,
    ),
    "moj": Profile(
        12,
        0.4,
        ("Social researcher (juvenile reform)", "Legal adviser", "Prison management officer", "Social worker"),
        ranked=False,
    ),
    "moh": Profile(2, 0.5, ("Health policy officer", "Legal adviser"), ranked=False),
    "mld": Profile(
        14, 0.45, ("Forensic physician", "Forensic chemist", "Toxicology laboratory technician"), ranked=False
    ),
    "molsa": Profile(
        14, 0.6, ("Social worker", "Social researcher", "Child protection officer", "Psychologist"), ranked=False
    ),
    "bpc": Profile(10, 0.1, ("Border inspector", "Port security officer", "Investigator")),
    "customs": Profile(8, 0.2, ("Customs inspector", "Risk analyst", "Anti-smuggling officer"), ranked=False),
    "kr-moi": Profile(10, 0.2, ("Police investigator", "Training officer", "Planning officer"), kurdish=True),
    "krsc": Profile(
        6, 0.2, ("Intelligence analyst", "Counter-terrorism analyst", "Liaison officer"), ranked=False, kurdish=True
    ),
    "asayish": Profile(10, 0.15, ("Investigator", "Intelligence officer", "Analyst"), kurdish=True),
    "hchr": Profile(4, 0.5, ("Human rights monitor", "Legal researcher", "Complaints officer"), ranked=False),
}


def _person(rng: random.Random, pool: dict, sex: Sex) -> tuple[str, str, dict]:
    given = rng.choice(pool["male" if sex is Sex.male else "female"])
    father = rng.choice(pool["elders"])
    grandfather = rng.choice([n for n in pool["elders"] if n != father])
    family = rng.choice(pool["family"]) if rng.random() < 0.35 else None
    parts = [given, father, grandfather] + ([family] if family else [])
    name_parts = {
        "given": given[0],
        "father": father[0],
        "grandfather": grandfather[0],
        "family": family[0] if family else None,
    }
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts), name_parts


def demo_email(latin: str, number: int) -> str:
    """A fictional address on a reserved domain, from the Latin name: ali.hassan.0007@example.iq."""
    local = ".".join("".join(c for c in part.lower() if c.isascii() and c.isalnum()) for part in latin.split()[:2])
    return f"{local or 'officer'}.{number:04d}@example.iq"


def officer_specs(agency_ids: dict[str, uuid.UUID]) -> list[OfficerCreate]:
    """The same people, in the same order, on every run (numbered officer-0001...)."""
    rng = random.Random(SEED_NUMBER)
    seen: set[tuple[str, str]] = set()
    specs = []
    for key, profile in PROFILES.items():
        pool = names.pools(profile.kurdish)
        for _ in range(profile.count):
            sex = Sex.female if rng.random() < profile.female_share else Sex.male
            while True:  # no two people with the same normalised Arabic name in one agency
                full_ar, latin, parts = _person(rng, pool, sex)
                if (key, arabic_key(full_ar)) not in seen:
                    break
            seen.add((key, arabic_key(full_ar)))
            rank = (
                rng.choices([r for r, _ in POLICE_RANKS], [w for _, w in POLICE_RANKS])[0] if profile.ranked else None
            )
            specs.append(
                OfficerCreate(
                    agency_id=agency_ids[key],
                    full_name_ar=full_ar,
                    name_latin=latin,
                    name_parts=NameParts(**parts),
                    sex=sex,
                    rank=rank,
                    job_title=rng.choice(profile.titles),
                    external_ids=[ExternalId(source=SOURCE, id=f"officer-{len(specs) + 1:04d}")],
                    # Fictional addresses (example.iq); two in three read their messages in Arabic.
                    email=demo_email(latin, len(specs) + 1),
                    language="en" if (len(specs) + 1) % 3 == 0 else "ar",
                )
            )
    return specs


async def load_officers(session: AsyncSession, tally: Tally, agency_ids: dict[str, uuid.UUID]) -> None:
    stored = set(await session.scalars(select(OfficerExternalId.external_id).where(OfficerExternalId.source == SOURCE)))
    for data in officer_specs(agency_ids):
        if data.external_ids[0].id in stored:
            tally.found("officer")
            continue
        try:
            await create_officer(session, principal=SEED, data=data)
        except Conflict as exc:  # someone not from the seed already looks like this person: leave it to a human
            tally.note(f"{data.external_ids[0].id} skipped: {exc.detail}")
            continue
        tally.made("officer")
