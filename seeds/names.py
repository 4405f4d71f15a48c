"""Common Arabic (and, for the Kurdistan Region, Kurdish) name parts with one Latin rendering
each. The demo officers are assembled from these at random: given + father + grandfather,
sometimes a family name (laqab). The combinations are fictional (domain rule 19); no name of a
person from news reports about these programmes is listed here."""

from __future__ import annotations

# (Arabic script, Latin rendering). Latin spellings vary in real life; the seed picks one.
MALE_GIVEN = [
    ("محمد", "Mohammed"), ("علي", "Ali"), ("حسين", "Hussein"), ("حسن", "Hassan"), ("أحمد", "Ahmed"),
    ("عباس", "Abbas"), ("مصطفى", "Mustafa"), ("عمر", "Omar"), ("كريم", "Kareem"), ("حيدر", "Haider"),
    ("مرتضى", "Murtadha"), ("جاسم", "Jasim"), ("قاسم", "Qasim"), ("ماجد", "Majid"), ("سعد", "Saad"),
    ("فلاح", "Falah"), ("رعد", "Raad"), ("ياسر", "Yasir"), ("زيد", "Zaid"), ("عمار", "Ammar"),
    ("باسم", "Basim"), ("خالد", "Khalid"), ("محمود", "Mahmoud"), ("إبراهيم", "Ibrahim"), ("يوسف", "Yousif"),
    ("سلام", "Salam"), ("وليد", "Waleed"), ("نبيل", "Nabeel"), ("منتظر", "Muntadhar"), ("ليث", "Laith"),
    ("مهند", "Muhannad"), ("أسامة", "Osama"), ("طارق", "Tariq"), ("عادل", "Adil"), ("كاظم", "Kadhim"),
    ("ناصر", "Nasir"), ("هادي", "Hadi"), ("صادق", "Sadiq"), ("رياض", "Riyadh"), ("ضياء", "Dhiaa"),
    ("عبد الله", "Abdullah"), ("عبد الرحمن", "Abdulrahman"), ("عبد الكريم", "Abdulkareem"), ("أنس", "Anas"),
    ("سيف", "Saif"), ("بلال", "Bilal"), ("فراس", "Firas"), ("أيمن", "Ayman"), ("حامد", "Hamid"), ("نزار", "Nizar"),
]

FEMALE_GIVEN = [
    ("فاطمة", "Fatima"), ("زينب", "Zainab"), ("مريم", "Maryam"), ("نور", "Noor"), ("سارة", "Sara"),
    ("هدى", "Huda"), ("رنا", "Rana"), ("شيماء", "Shaimaa"), ("إسراء", "Israa"), ("آمنة", "Amna"),
    ("رقية", "Ruqaya"), ("دعاء", "Duaa"), ("زهراء", "Zahraa"), ("هبة", "Hiba"), ("سجى", "Saja"),
    ("أسيل", "Aseel"), ("بان", "Ban"), ("لمى", "Lama"), ("ضحى", "Dhuha"), ("إيمان", "Iman"),
    ("وسن", "Wasan"), ("ميس", "Mais"), ("رغد", "Raghad"), ("نادية", "Nadia"), ("سهى", "Suha"),
    ("أمل", "Amal"), ("هالة", "Hala"), ("غادة", "Ghada"), ("رشا", "Rasha"), ("منى", "Muna"),
]

# Fathers' and grandfathers' names: the given names above plus older, very common ones.
ELDER_EXTRA = [
    ("جبار", "Jabbar"), ("ستار", "Sattar"), ("عبد الحسين", "Abdulhussein"), ("حمزة", "Hamza"), ("مهدي", "Mahdi"),
    ("شاكر", "Shakir"), ("رشيد", "Rasheed"), ("نعمة", "Nima"), ("كامل", "Kamil"), ("خضير", "Khudhair"),
    ("عواد", "Awad"), ("فاضل", "Fadhil"), ("لطيف", "Lateef"), ("حميد", "Hameed"), ("صالح", "Salih"),
    ("عبد الأمير", "Abdulameer"), ("جواد", "Jawad"), ("سلمان", "Salman"), ("خليل", "Khalil"), ("عزيز", "Aziz"),
    ("طه", "Taha"), ("ياسين", "Yaseen"), ("عبد الرزاق", "Abdulrazzaq"), ("نوري", "Nouri"), ("حمد", "Hamad"),
]
ELDERS = MALE_GIVEN + ELDER_EXTRA

# Family or tribal names (laqab), used for a minority of people as in real records.
FAMILY = [
    ("التميمي", "al-Tamimi"), ("الجبوري", "al-Jubouri"), ("العبيدي", "al-Obaidi"), ("الدليمي", "al-Dulaimi"),
    ("الساعدي", "al-Saadi"), ("الخفاجي", "al-Khafaji"), ("الربيعي", "al-Rubaie"), ("الزبيدي", "al-Zubaidi"),
    ("الشمري", "al-Shammari"), ("الكعبي", "al-Kaabi"), ("البياتي", "al-Bayati"), ("العزاوي", "al-Azzawi"),
    ("الحسناوي", "al-Hasnawi"), ("الموسوي", "al-Musawi"), ("الجنابي", "al-Janabi"), ("اللامي", "al-Lami"),
    ("المالكي", "al-Maliki"), ("الكناني", "al-Kinani"), ("السامرائي", "al-Samarrai"), ("العاني", "al-Ani"),
]

# Kurdistan Region: Kurdish given names written in Arabic script (the authoritative field must be
# Arabic script); fathers' names mix Kurdish and common Muslim names.
KURDISH_MALE = [
    ("آزاد", "Azad"), ("شيرزاد", "Sherzad"), ("ريبوار", "Rebwar"), ("هيوا", "Hiwa"), ("كاروان", "Karwan"),
    ("دلشاد", "Dilshad"), ("سرهنك", "Sarhang"), ("بختيار", "Bakhtiyar"), ("دلير", "Dler"), ("شوان", "Shwan"),
    ("زانا", "Zana"), ("هاوكار", "Hawkar"), ("رزكار", "Rizgar"), ("سيروان", "Sirwan"), ("نوزاد", "Nawzad"),
]
KURDISH_FEMALE = [
    ("شيلان", "Shilan"), ("ڤيان", "Vian"), ("نسرين", "Nasrin"), ("روناك", "Ronak"), ("هيرو", "Hero"),
    ("ئاواز", "Awaz"), ("جوان", "Jwan"), ("بيريفان", "Berivan"), ("شادان", "Shadan"), ("كزال", "Kazhal"),
]
KURDISH_FAMILY = [
    ("البرزنجي", "Barzinji"), ("الجاف", "Jaf"), ("الهركي", "Harki"), ("السورچي", "Surchi"),
    ("الخوشناو", "Khoshnaw"), ("الهماوندي", "Hamawandi"),
]
KURDISH_ELDERS = KURDISH_MALE + MALE_GIVEN[:20] + ELDER_EXTRA[:10]


def pools(kurdish: bool) -> dict[str, list[tuple[str, str]]]:
    """The name pools for an agency: Kurdish-leaning in the Kurdistan Region."""
    if kurdish:
        return {"male": KURDISH_MALE + MALE_GIVEN[:15], "female": KURDISH_FEMALE + FEMALE_GIVEN[:10],
                "elders": KURDISH_ELDERS, "family": KURDISH_FAMILY}
    return {"male": MALE_GIVEN, "female": FEMALE_GIVEN, "elders": ELDERS, "family": FAMILY}
