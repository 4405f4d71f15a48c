"""Reference data: the discipline vocabulary and the partner agencies in Iraq.

Arabic names come from /work/shared/domain.md. Where that table marks a name "(verify)" or gives
none, the rendering below is our best effort: PARTNERS MUST VERIFY every name marked VERIFY
(and the Kurdish names) before any real use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.catalogue.resources import create_discipline
from domain.catalogue.schemas import DisciplineCreate
from domain.models.agencies import Agency, AgencyKind
from domain.models.catalogue import Discipline
from seeds.tally import SEED, Tally

# code, English label, Arabic label (Arabic labels: VERIFY with partners).
DISCIPLINES = [
    ("ilp", "Intelligence-led policing", "العمل الشرطي المستند إلى الاستخبارات"),
    ("osint", "Open-source intelligence (OSINT)", "استخبارات المصادر المفتوحة"),
    ("humint", "Human intelligence (HUMINT)", "الاستخبارات البشرية"),
    ("geoint", "Geospatial intelligence (GEOINT)", "الاستخبارات الجغرافية المكانية"),
    ("digital-evidence", "Digital evidence and forensic methodologies", "الأدلة الرقمية ومنهجيات الطب الجنائي الرقمي"),
    ("gc-ms", "GC-MS drug forensics", "تحليل المخدرات بتقنية كروماتوغرافيا الغاز ومطياف الكتلة"),
    ("criminal-intelligence-analysis", "Criminal intelligence analysis", "تحليل المعلومات الاستخبارية الجنائية"),
    ("surveillance", "Surveillance and investigative skills", "مهارات المراقبة والتحقيق"),
    ("judicial-cooperation", "Judicial cooperation in criminal matters", "التعاون القضائي في المسائل الجنائية"),
    ("human-rights", "Human rights", "حقوق الإنسان"),
    ("border-control", "Border control", "مراقبة الحدود"),
    ("juvenile-justice", "Juvenile justice", "عدالة الأحداث"),
]


@dataclass(frozen=True)
class AgencySpec:
    key: str  # how the demo refers to the agency; the stored natural key is name_en + parent
    name_en: str
    name_ar: str
    kind: AgencyKind
    acronym: str | None = None
    parent: str | None = None  # key of the parent agency
    name_ku: str | None = None


P, I, J, M, C, X = (
    AgencyKind.police,
    AgencyKind.intelligence,
    AgencyKind.judiciary,
    AgencyKind.ministry,
    AgencyKind.civil_society,
    AgencyKind.international,
)

# Parents come before their sub-units.
AGENCIES = [
    AgencySpec("moi", "Ministry of Interior", "وزارة الداخلية", M, "MoI"),
    AgencySpec("fp", "Federal Police", "الشرطة الاتحادية", P, None, "moi"),
    AgencySpec(
        "ceid", "Criminal Evidence Investigation Directorate", "مديرية تحقيق الأدلة الجنائية", P, "CEID", "moi"
    ),  # VERIFY
    AgencySpec(
        "narcotics",
        "General Directorate for Narcotics and Psychotropic Substances Affairs",
        "المديرية العامة لشؤون المخدرات والمؤثرات العقلية",
        P,
        "GDNPSA",
        "moi",
    ),  # VERIFY (none in domain.md)
    AgencySpec(
        "fiia",
        "Federal Intelligence and Investigation Agency",
        "وكالة الاستخبارات والتحقيقات الاتحادية",
        I,
        "FIIA",
        "moi",
    ),  # VERIFY
    AgencySpec("inis", "National Intelligence Service", "جهاز المخابرات الوطني العراقي", I, "INIS"),  # VERIFY
    # CTS is a security force with investigative powers; "police" is the nearest AgencyKind.
    AgencySpec("cts", "Counter-Terrorism Service", "جهاز مكافحة الإرهاب", P, "CTS"),  # VERIFY
    AgencySpec("onsa", "Office of the National Security Advisor", "مستشارية الأمن القومي", M, "ONSA"),  # VERIFY
    AgencySpec("hjc", "Higher Judicial Council", "مجلس القضاء الأعلى", J, "HJC"),  # VERIFY
    AgencySpec("moj", "Ministry of Justice", "وزارة العدل", M, "MoJ"),  # VERIFY
    AgencySpec("moh", "Ministry of Health", "وزارة الصحة", M, "MoH"),  # VERIFY
    AgencySpec("mld", "Medical Legal Directorate", "دائرة الطب العدلي", M, None, "moh"),  # VERIFY (none in domain.md)
    AgencySpec(
        "molsa", "Ministry of Labour and Social Affairs", "وزارة العمل والشؤون الاجتماعية", M, "MoLSA"
    ),  # VERIFY
    AgencySpec("bpc", "Border Ports Commission", "هيئة المنافذ الحدودية", P, "BPC"),  # VERIFY (none in domain.md)
    AgencySpec(
        "customs", "General Commission of Customs", "الهيئة العامة للكمارك", M, None
    ),  # VERIFY (none in domain.md)
    # Kurdistan Region (domain.md gives no names). The reporting lines are simplified: the three
    # bodies hang under the regional government; partners should VERIFY names and lines.
    AgencySpec(
        "krg", "Kurdistan Regional Government", "حكومة إقليم كوردستان", M, "KRG", name_ku="حکوومەتی هەرێمی کوردستان"
    ),
    AgencySpec(
        "kr-moi",
        "Kurdistan Region Ministry of Interior",
        "وزارة داخلية إقليم كوردستان",
        M,
        None,
        "krg",
        name_ku="وەزارەتی ناوخۆی هەرێمی کوردستان",
    ),
    AgencySpec(
        "krsc",
        "Kurdistan Region Security Council",
        "مجلس أمن إقليم كوردستان",
        I,
        "KRSC",
        "krg",
        name_ku="ئەنجومەنی ئاسایشی هەرێمی کوردستان",
    ),
    AgencySpec("asayish", "Asayish (Kurdistan Region Security Agency)", "الأسايش", P, None, "krg", name_ku="ئاسایش"),
    # Beyond domain.md's table, for the CT PHARE dialogue: an independent commission (nearest kind:
    # civil society) and the EU advisory mission that hosted it.
    AgencySpec("hchr", "Iraqi High Commission for Human Rights", "المفوضية العليا لحقوق الإنسان", C, "IHCHR"),  # VERIFY
    AgencySpec(
        "euam", "EU Advisory Mission in Iraq", "بعثة الاتحاد الأوروبي الاستشارية في العراق", X, "EUAM Iraq"
    ),  # VERIFY
]


async def load_disciplines(session: AsyncSession, tally: Tally) -> None:
    existing = set(await session.scalars(select(Discipline.code)))
    for code, label_en, label_ar in DISCIPLINES:
        if code in existing:
            tally.found("discipline")
            continue
        await create_discipline(
            session, principal=SEED, data=DisciplineCreate(code=code, label_en=label_en, label_ar=label_ar)
        )
        tally.made("discipline")


async def load_agencies(session: AsyncSession, tally: Tally) -> dict[str, uuid.UUID]:
    """Create the hierarchy; returns agency ids by spec key."""
    ids: dict[str, uuid.UUID] = {}
    stored = {
        (a.name_en, a.parent_id): a.id for a in await session.scalars(select(Agency).where(Agency.country == "IQ"))
    }
    for spec in AGENCIES:
        parent_id = ids[spec.parent] if spec.parent else None
        found = stored.get((spec.name_en, parent_id))
        if found is not None:
            ids[spec.key] = found
            tally.found("agency")
            continue
        agency = await create_agency(
            session,
            principal=SEED,
            data=AgencyCreate(
                name_en=spec.name_en,
                name_ar=spec.name_ar,
                name_ku=spec.name_ku,
                acronym=spec.acronym,
                parent_id=parent_id,
                kind=spec.kind,
                country="IQ",
            ),
        )
        ids[spec.key] = agency.id
        tally.made("agency")
    return ids


async def load_reference(session: AsyncSession, tally: Tally) -> dict[str, uuid.UUID]:
    await load_disciplines(session, tally)
    return await load_agencies(session, tally)
