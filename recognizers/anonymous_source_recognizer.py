"""Anonymous sources and the details that could re-identify them (jigsaw identification).

A source the draft marks as anonymous ("spoke on condition of anonymity", "asked not to be
named") is protected only if the rest of the sentence does not describe them so precisely that a
security service can work out who they are: "a 61-year-old retired nurse from <village>, whose
grandson is still living there" names one person in most villages.

How it works, in the order the code runs:

1. **Cues.** One compiled regex (:data:`ANONYMITY_CUE_PATTERNS`) finds the anonymity cues. Only
   the text around a cue is looked at afterwards, so the cost is linear in the draft's length.
2. **The source's description.** The noun phrase that introduces the source: the subject of the
   cue's sentence ("A former guard at a penal colony in X, who ..., said"), a noun phrase
   embedded after a quote ("“...,” a rebel source in X told ..."), or, when the cue sentence
   starts with a pronoun or a short anaphoric "The commander, ..." / "The 52-year-old, ...", the
   indefinite subject of the previous sentence. A subject that is a capitalised name is a named
   or pseudonymous person, not an anonymous source, and the cue is skipped. The
   ``ANONYMOUS_SOURCE`` span runs from the description to the cue (two sentences at most); when
   no description is found it is the cue itself.
3. **Quasi-identifiers.** Detectors for place (finer than a city), unit/workplace, job, age,
   time and family details run over the description and the cue's "because ..." tail; over the
   rest of the two sentences (reported speech) only the detectors for the source's own job,
   detention and relatives run, and quoted speech is skipped.
4. **Jigsaw risk.** ``low`` without details, ``medium`` with one or two kinds, ``high`` with
   three kinds or more, or with a place finer than a city together with a job or a family detail.

Reasons never quote the source's details, only their kinds.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.entities import ANONYMOUS_SOURCE, QUASI_IDENTIFIER

# ---------------------------------------------------------------------------------------------
# Phrase lists
# ---------------------------------------------------------------------------------------------

_SUBST = {
    "pron": r"(?:he|she|they|him|her|them)",
    "poss": r"(?:his|her|their)",
    "name": r"(?:(?:real|full|last|family)\s+)?(?:names?|identit(?:y|ies)|surnames?)",
    "neg": r"(?:not|never|n[’']t)",
    "be_gone": (
        r"(?:used|published|given|disclosed|revealed|printed|mentioned|made\s+public|released"
        r"|quoted)"
    ),
}

ANONYMITY_CUE_PATTERNS: tuple[str, ...] = (
    # on (the) condition of anonymity / that he not be named / that her name not be used
    r"(?:on|under)\s+(?:the\s+)?(?:strict\s+)?conditions?\s+of\s+(?:strict\s+|complete\s+|full\s+)?"
    r"anonymity",
    r"on\s+(?:the\s+)?(?:strict\s+)?condition\s+(?:that\s+)?(?:{pron}|{poss}\s+{name})\s+"
    r"(?:(?:would|will|should|could|must)\s+)?(?:not|never)\s+(?:be\s+)?(?:named|identified|{be_gone})",
    r"on\s+(?:the\s+)?(?:strict\s+)?condition\s+(?:that\s+)?{pron}\s+(?:(?:would|will|could)\s+)?"
    r"(?:remain|remains|stay|be\s+kept)\s+anonymous",
    r"on\s+(?:the\s+)?condition\s+(?:that\s+)?{poss}\s+{name}\s+(?:(?:would|will|should)\s+)?"
    r"be\s+withheld",
    r"on\s+(?:the\s+)?(?:basis|grounds|understanding|promise)\s+of\s+anonymity",
    # requested / was granted anonymity
    r"(?:requested|requests|requesting|asked\s+for|asks\s+for|asking\s+for|sought|seeks|seeking"
    r"|insisted\s+on|insists\s+on|insisting\s+on|demanded|preferred|prefers"
    r"|under\s+a\s+promise\s+of|with\s+a\s+guarantee\s+of|in\s+exchange\s+for)\s+"
    r"(?:strict\s+|complete\s+|full\s+)?anonymity",
    r"(?:was|were|been|is|are|being)\s+(?:granted|given|offered|promised|guaranteed)\s+"
    r"(?:strict\s+|complete\s+|full\s+)?anonymity",
    # spoke anonymously
    r"(?:spoke|speaks?|speaking|spoken|talked|talks?|talking|commented|commenting|said|says"
    r"|told|tells|testified|wrote|writing|quoted|interviewed|responded|replied)\s+"
    r"(?:[\w’'-]+\s+){0,3}?anonymously",
    # asked not to be named / identified
    r"asked\s+(?:us\s+|reporters\s+|journalists\s+|the\s+[\w-]+\s+)?(?:not\s+to\s+be|to\s+not\s+be)"
    r"\s+(?:named|identified|quoted\s+by\s+name)",
    r"(?:asked|asking|requested|requesting)\s+(?:us\s+|reporters\s+|journalists\s+|the\s+[\w-]+\s+)?"
    r"not\s+to\s+(?:(?:name|identify)\s+{pron}\b|(?:name|identify|publish|use|print|reveal|give)"
    r"\s+{poss}\s+{name})",
    r"(?:asked|asking|requested|requesting|insisted|insisting)\s+(?:that|for)\s+{poss}\s+{name}\s+"
    r"(?:to\s+)?(?:be\s+(?:withheld|kept\s+(?:secret|private|confidential))"
    r"|(?:not|never)\s+(?:to\s+)?(?:be\s+)?{be_gone})",
    r"(?:asked|asking|requested|requesting|insisted|insisting)\s+that\s+{pron}\s+(?:not|never)\s+"
    r"be\s+(?:named|identified)",
    r"(?:did|does|do|would|will)\s*{neg}\s+(?:want|wish)\s+(?:to\s+be\s+(?:named|identified)"
    r"|{poss}\s+{name}\s+(?:to\s+be\s+)?(?:{be_gone}|known))",
    r"(?:declined|declining|declines|refused|refusing|refuses|unwilling|reluctant|afraid"
    r"|too\s+(?:afraid|scared|frightened)|fearful|hesitant)\s+to\s+(?:be\s+(?:named|identified)"
    r"|give\s+(?:{poss}\s+)?(?:{name}|a\s+name)|(?:reveal|disclose|share|provide|publish)\s+"
    r"{poss}\s+{name}|have\s+{poss}\s+{name}\s+(?:used|published|printed))",
    r"(?:preferred|prefers|preferring|chose|chooses|opted|wished|wishes|wanted|wants|asked|asks"
    r"|asking|requested|agreed)\s+(?:not\s+to\s+be\s+(?:named|identified)"
    r"|to\s+(?:remain|stay|be\s+kept)\s+anonymous)",
    r"(?:did|does|would|will|could)\s*{neg}\s+(?:give|provide|share|reveal|disclose)\s+{poss}\s+"
    r"{name}",
    r"without\s+(?:giving|providing|revealing|disclosing|sharing)\s+{poss}\s+{name}",
    # whose name is withheld / name withheld / is not being named
    r"(?:whose|{poss})\s+{name}\s+(?:is|are|was|were|has\s+been|have\s+been|is\s+being|are\s+being"
    r"|will\s+be)\s+(?:withheld|kept\s+(?:secret|confidential|private)|protected"
    r"|not\s+(?:being\s+)?(?:published|disclosed|revealed|used|given|printed))",
    r"(?:name|identity)\s+(?:has\s+been\s+|is\s+being\s+|was\s+)?withheld",
    r"(?:is|are|was|were)\s+not\s+being\s+(?:named|identified)",
    r"{neg}\s+(?:naming|identifying)\s+(?:{pron}\b|{poss}\s+{name})",
    r"(?:is|are|am)\s+withholding\s+{poss}\s+{name}",
    r"who\s+(?:cannot|can\s+not|could\s+not|can[’']t|couldn[’']t|may\s+not|must\s+not|should\s+not)"
    r"\s+be\s+(?:named|identified)(?!\s+(?:as|by|with)\b)",
    r"(?:is|are|was|were|been)\s+not\s+(?:named|identified)\s+(?:here|in\s+this\s+(?:article|report"
    r"|story|piece)|for\s+(?:{poss}\s+(?:own\s+)?)?(?:safety|security|protection)"
    r"|for\s+security\s+reasons|to\s+protect)",
    r"(?:identified|named|described|referred\s+to)\s+only\s+(?:as\s+(?:an?|the)(?=\s)"
    r"|by\s+(?:{poss}\s+)?(?:profession|occupation|job|role|title|rank|position|initials?))",
    r"(?:to|in\s+order\s+to)\s+protect\s+(?:{poss}|the\s+sources?[’']s?)\s+(?:identit(?:y|ies)"
    r"|anonymity)",
    r"(?:identity|identities)\s+(?:is|are|was|were|has\s+been|have\s+been)\s+(?:being\s+)?"
    r"(?:protected|concealed|hidden|withheld)",
    # not authorised to speak
    r"{neg}\s*(?:authori[sz]ed|permitted|allowed|cleared|entitled|empowered)\s+to\s+"
    r"(?:speak|talk|comment|brief|be\s+(?:quoted|named|identified)|give\s+interviews|discuss"
    r"|make\s+(?:public\s+)?statements|disclose)",
    # on background / off the record
    r"(?:spoke|speaks|speaking|talked|talking|briefed|briefing|said|told\s+[\w’'-]+)\s+"
    r"(?:[\w’'-]+\s+){0,2}?on\s+(?:deep\s+)?background",
    r"(?:spoke|speaks|speaking|talked|talking|briefed|briefing|said|told\s+[\w’'-]+)\s+"
    r"(?:[\w’'-]+\s+){0,3}?(?:off\s+the\s+record|not\s+for\s+attribution"
    r"|without\s+attribution)",
    # for fear of reprisals (bound to speaking or to a request, not any fear in a sentence)
    r"(?:spoke|speaking|talked|talking|declined|declining|asked|asking|requested|requesting"
    r"|insisted|insisting)\b[^.;!?\n“”\"]{0,60}?\bfor\s+fear\s+of\s+(?:reprisals?|retribution"
    r"|retaliation|persecution|punishment|arrest|being\s+(?:targeted|arrested|identified"
    r"|detained|punished))",
    # an anonymous / unnamed official
    r"(?:anonymous|unnamed)\s+(?:[\w-]+\s+){0,2}?(?:sources?|officials?|officers?|residents?"
    r"|witness(?:es)?|diplomats?|insiders?|aides?|employees?|workers?|staffers?|members?"
    r"|commanders?|fighters?|activists?|doctors?|medics?|soldiers?|guards?|defectors?)",
)
"""Regexes (case-insensitive, whole words) for phrases that mark a source as anonymous."""

SUBJECT_PRONOUNS: frozenset[str] = frozenset({"he", "she", "they"})
INDEFINITE_DETERMINERS: frozenset[str] = frozenset(
    "a an one another two three four five six several some many".split()
)
RELATIVE_PRONOUNS: frozenset[str] = frozenset({"who", "whose", "which", "whom"})
SUBORDINATORS: frozenset[str] = frozenset(
    "because as since although though while when whenever after before until unless if".split()
)
"""Words opening a clause inside a noun phrase: its first verb is not the sentence's main verb."""

SPEECH_VERBS: frozenset[str] = frozenset(
    """said says say told tells tell spoke speaks added adds explained explains recalled recalls
    described describes claimed claims insisted insists confirmed confirms warned warns noted notes
    stated states wrote writes recounted recounts admitted admits acknowledged acknowledges
    complained complains estimated estimates alleged alleges reported reports testified testifies
    asserted asserts argued argues remembered remembers agreed agrees asked asks declined declines
    requested requests described""".split()
)
"""Verbs that end the subject noun phrase of a source ("A nurse ..., said")."""

FINITE_FALLBACK_VERBS: frozenset[str] = frozenset(
    """is are was were has have had does did do will would can could may might must shall should
    fled left lives lived works worked runs ran""".split()
)
"""Finite verbs recognised when the text comes without part-of-speech tags."""

FAMILY_NOUNS: tuple[str, ...] = (
    "son", "sons", "daughter", "daughters", "child", "children", "kids", "father", "mother",
    "parents", "parent", "brother", "brothers", "sister", "sisters", "sibling", "siblings",
    "husband", "wife", "spouse", "cousin", "cousins", "uncle", "uncles", "aunt", "aunts",
    "nephew", "nephews", "niece", "nieces", "grandson", "grandsons", "granddaughter",
    "granddaughters", "grandchild", "grandchildren", "grandfather", "grandmother",
    "grandparents", "father-in-law", "mother-in-law", "brother-in-law", "sister-in-law",
    "son-in-law", "daughter-in-law", "in-laws", "relatives", "relative", "family",
    "fiancé", "fiancée", "fiance", "fiancee", "twin", "stepson", "stepdaughter", "stepfather",
    "stepmother",
)  # fmt: skip
ASSOCIATE_NOUNS: tuple[str, ...] = (
    "colleague", "colleagues", "friend", "friends", "neighbour", "neighbours", "neighbor",
    "neighbors", "client", "clients", "classmate", "classmates", "co-worker", "co-workers",
    "coworker", "coworkers", "employer", "boss", "patients", "students", "pupils", "comrades",
    "flatmate", "roommate", "business partner",
)  # fmt: skip
"""People around a source other than family; details about them are kind ``other``."""

JOB_NOUNS: tuple[str, ...] = (
    # trade, crafts, services
    "baker", "butcher", "farmer", "shepherd", "herder", "fisherman", "fishermen", "beekeeper",
    "shopkeeper", "shop owner", "storekeeper", "grocer", "trader", "merchant", "vendor",
    "street vendor", "seller", "tailor", "barber", "hairdresser", "cook", "chef", "waiter",
    "waitress", "cleaner", "janitor", "porter", "labourer", "laborer", "day labourer",
    "construction worker", "builder", "carpenter", "plumber", "electrician", "mechanic",
    "welder", "blacksmith", "jeweller", "jeweler", "goldsmith", "money changer", "moneylender",
    "smuggler", "miner", "driver", "taxi driver", "truck driver", "bus driver", "lorry driver",
    "ambulance driver", "courier", "housekeeper", "maid", "nanny", "landlord", "contractor",
    "craftsman", "weaver", "potter", "printer", "photographer", "cameraman", "camerawoman",
    # professions
    "teacher", "schoolteacher", "headteacher", "headmaster", "headmistress", "principal",
    "lecturer", "professor", "academic", "researcher", "scientist", "student", "pupil",
    "schoolboy", "schoolgirl", "graduate", "doctor", "physician", "surgeon", "anaesthetist",
    "anesthetist", "dentist", "pharmacist", "nurse", "midwife", "paramedic", "medic",
    "lab technician", "technician", "engineer", "architect", "accountant", "banker",
    "bank employee", "cashier", "clerk", "secretary", "receptionist", "translator",
    "interpreter", "lawyer", "attorney", "judge", "prosecutor", "notary", "economist",
    "analyst", "programmer", "developer", "journalist", "reporter", "editor", "presenter",
    "broadcaster", "blogger", "writer", "poet", "artist", "musician", "singer", "actor",
    "actress", "athlete", "footballer", "coach", "pilot", "sailor", "firefighter", "rescuer",
    "rescue worker", "aid worker", "humanitarian worker", "health worker", "social worker",
    "volunteer", "activist", "organiser", "organizer", "fixer", "imam", "preacher", "priest",
    "monk", "nun", "cleric", "mullah", "muezzin", "mukhtar", "village elder", "tribal elder",
    "elder", "headman", "chief", "administrator", "manager", "director", "supervisor",
    "civil servant", "employee", "worker", "staffer", "staff member", "official", "diplomat",
    "retiree", "pensioner", "housewife", "leader", "community leader", "organiser", "coordinator",
    "representative", "negotiator", "mediator", "monitor", "observer", "delegate", "councillor",
    "councilor", "inspector", "auditor", "prison doctor", "intern", "trainee", "apprentice",
    "caretaker", "gravedigger", "undertaker", "mason", "painter", "decorator",
    # security services, armed groups
    "soldier", "conscript", "recruit", "officer", "police officer", "policeman", "policemen",
    "policewoman", "guard", "prison guard", "border guard", "jailer", "warden", "interrogator",
    "commander", "fighter", "rebel", "militiaman", "militiamen", "militant", "combatant",
    "sniper", "sergeant", "corporal", "lieutenant", "captain", "colonel", "major", "general",
    "defector", "deserter", "veteran", "informant", "agent", "spy", "mercenary",
    # generic heads that need a modifier ("rebel military source", "UN staff member")
    "source", "member", "insider", "figure", "staff",
)  # fmt: skip
"""Occupations and roles (singular; plurals in -s/-es are matched too)."""

GENERIC_JOB_HEADS: frozenset[str] = frozenset(
    {"source", "member", "insider", "figure", "staff", "official", "employee", "worker"}
)
"""Heads that identify nobody on their own: kept only with a modifier ("rebel military source")."""

JOB_MODIFIERS: frozenset[str] = frozenset(
    """former retired ex ex- senior junior chief head deputy assistant acting local rebel
    military army police security intelligence government opposition regime militia un ngo aid
    relief medical hospital school university secondary primary bank water truck taxi bus
    ambulance national international civil defence defense border prison field religious
    village district municipal council party tribal community volunteer part-time full-time
    trainee veteran freelance mid-ranking mid-level high-ranking low-ranking top-ranking
    middle-ranking rank-and-file career underground clandestine armed naval air infantry
    paramilitary humanitarian health emergency private public state""".split()
)
"""Modifiers kept in a job phrase even without part-of-speech tags."""

PERSON_NOUNS: frozenset[str] = frozenset(
    """man men woman women person people resident residents villager villagers witness witnesses
    survivor survivors refugee refugees civilian civilians youth boy girl teenager mother father
    widow widower relative relatives neighbour neighbor local locals member members source
    sources official officials displaced detainee detainee prisoner prisoners defector
    deserter parent parents grandmother grandfather pensioner elder elders""".split()
)
"""Nouns for people: an introducing noun phrase must contain one (or a job, or an age)."""

JOB_STOP_MODIFIERS: frozenset[str] = frozenset(
    """second third fourth fifth first last other another same young old elderly woman man women
    men mother father widow person people resident residents local's""".split()
)

WORKPLACE_NOUNS: tuple[str, ...] = (
    "hospital", "clinic", "field hospital", "health centre", "health center", "facility",
    "penal colony", "colony", "prison", "jail", "detention centre", "detention center",
    "school", "university", "college", "academy", "bank", "ministry", "council",
    "municipality", "organisation", "organization", "ngo", "charity", "agency", "company",
    "firm", "factory", "plant", "bakery", "ovens?", "pharmacy", "base", "barracks", "garrison",
    "checkpoint", "brigade", "battalion", "regiment", "division", "corps", "unit", "branch",
    "directorate", "department", "office", "police station", "station", "headquarters",
    "court", "newspaper", "channel", "radio station", "tv station", "television", "mosque",
    "church", "monastery", "mine", "port", "airport", "refinery", "embassy", "consulate",
    "militia", "faction", "army", "police", "civil defence", "civil defense", "security service",
    "intelligence service",
    "workshop", "garage", "restaurant", "hotel", "shop", "store",
)  # fmt: skip
"""Workplaces and units: "at a penal colony in X", "for the local council", "in the brigade"."""

UNIT_NAME_WORDS: tuple[str, ...] = (
    "Brigade", "Battalion", "Regiment", "Division", "Corps", "Branch", "Directorate", "Hospital",
    "Prison", "Colony", "Unit", "Forces", "Force", "Army", "Front", "Militia", "Guard", "Clinic",
    "School", "University", "Ministry", "Bank", "Council", "Committee", "Commission", "Party",
    "Movement", "Organisation", "Organization", "Agency", "Office", "Court", "Service",
    "Parliament", "Police", "Department", "Company", "Factory", "Centre", "Center",
)  # fmt: skip

PLACE_WORDS: tuple[str, ...] = (
    "neighbourhood", "neighbourhoods", "neighborhood", "neighborhoods", "district", "districts",
    "township", "village", "villages", "camp", "refugee camp", "displacement camp", "street",
    "sub-city", "subcity", "quarter", "suburb", "area", "town", "ward", "block", "hamlet",
    "settlement", "compound", "estate", "avenue", "road", "square", "market", "souk", "souq",
    "county", "commune", "kebele", "woreda", "tehsil", "raion", "mahalla", "mohalla", "alley",
    "lane", "housing project", "housing estate", "precinct", "locality", "countryside",
    "outskirts",
)  # fmt: skip
"""Words after a capitalised name that make it a place finer than a city."""

COUNTRIES: tuple[str, ...] = (
    "Afghanistan", "Albania", "Algeria", "Angola", "Argentina", "Armenia", "Australia",
    "Austria", "Azerbaijan", "Bahrain", "Bangladesh", "Belarus", "Belgium", "Benin", "Bolivia",
    "Bosnia", "Brazil", "Bulgaria", "Burkina Faso", "Burma", "Burundi", "Cambodia", "Cameroon",
    "Canada", "Chad", "Chile", "China", "Colombia", "Congo", "Croatia", "Cuba", "Cyprus",
    "Czech Republic", "Denmark", "Djibouti", "Egypt", "Eritrea", "Estonia", "Ethiopia",
    "Finland", "France", "Gaza", "Gaza Strip", "Georgia", "Germany", "Ghana", "Greece",
    "Guatemala", "Guinea", "Haiti", "Honduras", "Hungary", "India", "Indonesia", "Iran", "Iraq",
    "Ireland", "Israel", "Italy", "Japan", "Jordan", "Kazakhstan", "Kenya", "Kosovo", "Kuwait",
    "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Libya", "Lithuania", "Mali", "Mauritania",
    "Mexico", "Moldova", "Mongolia", "Morocco", "Mozambique", "Myanmar", "Nepal", "Netherlands",
    "Nicaragua", "Niger", "Nigeria", "North Korea", "Norway", "Oman", "Pakistan", "Palestine",
    "Poland", "Portugal", "Qatar", "Romania", "Russia", "Rwanda", "Saudi Arabia", "Senegal",
    "Serbia", "Somalia", "Somaliland", "South Africa", "South Korea", "South Sudan", "Spain",
    "Sri Lanka", "Sudan", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania",
    "Thailand", "Tunisia", "Turkey", "Türkiye", "Turkmenistan", "Uganda", "Ukraine",
    "United Arab Emirates", "UAE", "United Kingdom", "UK", "Britain", "United States", "US",
    "USA", "America", "Uzbekistan", "Venezuela", "Vietnam", "West Bank", "Western Sahara",
    "Yemen", "Zimbabwe", "Europe", "Africa", "Asia", "Middle East",
)  # fmt: skip
LARGE_CITIES: tuple[str, ...] = (
    # Syria
    "Aleppo", "Damascus", "Homs", "Hama", "Idlib", "Raqqa", "Deir ez-Zor", "Deir al-Zor",
    "Latakia", "Tartus", "Daraa", "Qamishli", "Hasakah", "al-Hasakah",
    # Yemen
    "Sanaa", "Sana'a", "Sana’a", "Aden", "Taiz", "Hodeidah", "Marib", "Mukalla", "Ibb",
    "Saada",
    # Sudan
    "Khartoum", "Omdurman", "Bahri", "El Fasher", "al-Fashir", "El Geneina", "Geneina", "Nyala",
    "Port Sudan", "Wad Madani", "El Obeid", "Kassala",
    # Myanmar
    "Yangon", "Rangoon", "Mandalay", "Naypyidaw", "Naypyitaw", "Sittwe", "Myitkyina",
    "Lashio", "Bago", "Mawlamyine",
    # Ukraine
    "Kyiv", "Kiev", "Kharkiv", "Kharkov", "Odesa", "Odessa", "Kherson", "Mariupol", "Dnipro",
    "Zaporizhzhia", "Lviv", "Donetsk", "Luhansk", "Mykolaiv", "Sumy", "Chernihiv", "Poltava",
    "Bakhmut", "Melitopol", "Sevastopol", "Simferopol",
    # Belarus
    "Minsk", "Brest", "Gomel", "Homel", "Grodno", "Hrodna", "Vitebsk", "Viciebsk", "Mogilev",
    "Mahilyow",
    # Afghanistan
    "Kabul", "Kandahar", "Herat", "Mazar-i-Sharif", "Mazar-e-Sharif", "Jalalabad", "Kunduz",
    "Ghazni", "Lashkar Gah",
    # Iran
    "Tehran", "Mashhad", "Isfahan", "Tabriz", "Shiraz", "Zahedan", "Ahvaz", "Kermanshah",
    "Qom", "Karaj", "Rasht", "Sanandaj",
    # Libya
    "Tripoli", "Benghazi", "Misrata", "Sirte", "Sabha", "Derna", "Tobruk", "Zawiya",
    # Ethiopia
    "Addis Ababa", "Mekelle", "Gondar", "Bahir Dar", "Dire Dawa", "Hawassa", "Adama", "Dessie",
    "Axum", "Adigrat",
    # elsewhere
    "Baghdad", "Mosul", "Basra", "Erbil", "Beirut", "Amman", "Cairo", "Istanbul", "Ankara",
    "Gaziantep", "Riyadh", "Doha", "Dubai", "Moscow", "Saint Petersburg", "Warsaw", "Vilnius",
    "Paris", "London", "Berlin", "Geneva", "New York", "Washington", "Brussels", "Nairobi",
    "Kampala", "Juba", "N'Djamena", "Mogadishu", "Islamabad", "Karachi", "Lahore", "Peshawar",
    "Quetta", "Dhaka", "Delhi", "Bangkok", "Tbilisi", "Baku", "Yerevan", "Jerusalem",
    "Tel Aviv", "Gaza City", "Khan Younis", "Rafah",
)  # fmt: skip
REGIONS: tuple[str, ...] = (
    "Darfur", "West Darfur", "North Darfur", "South Darfur", "Kordofan", "Blue Nile", "Tigray",
    "Amhara", "Oromia", "Afar", "Sagaing", "Rakhine", "Shan", "Kachin", "Karen", "Kayin",
    "Chin", "Magway", "Donbas", "Donbass", "Crimea", "Kurdistan", "Rojava", "Baluchestan",
    "Sistan and Baluchestan", "Khuzestan", "Panjshir", "Helmand", "Badakhshan", "Cyrenaica",
    "Fezzan", "Tripolitania", "Hadramawt", "Hadramout", "Eastern Ghouta", "Ghouta",
    "Idlib province", "Gomel region",
)  # fmt: skip
"""Countries, large cities and regions: a place at this scale identifies nobody."""

NOT_PLACE_WORDS: frozenset[str] = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday arabic english kurdish russian
    ukrainian belarusian persian farsi dari pashto burmese tigrinya amharic french turkish hebrew
    urdu baluchi balochi somali islam christianity ramadan eid un ngo reuters afp bbc cnn
    whatsapp telegram signal facebook twitter instagram tiktok youtube god allah""".split()
)

_DIRECTIONS = r"(?:east|west|north|south|eastern|western|northern|southern|central|old\s+city\s+of"
_DIRECTIONS += r"|outskirts\s+of|suburbs\s+of|north-east|north-west|south-east|south-west)"

NUMBER_WORDS = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty|forty|fifty|several|many|a\s+few|few|some|about\s+\d+|nearly\s+\d+|almost\s+\d+"
    r"|more\s+than\s+\d+|over\s+\d+)"
)

# ---------------------------------------------------------------------------------------------
# Compiled regexes (module level: compiled once per process)
# ---------------------------------------------------------------------------------------------


def _alt(items: tuple[str, ...] | frozenset[str], escape: bool = True) -> str:
    ordered = sorted(items, key=len, reverse=True)
    parts = [re.escape(i).replace(r"\ ", r"\s+") if escape else i for i in ordered]
    return "(?:" + "|".join(parts) + ")"


def _expand(pattern: str) -> str:
    """Fill the {pron}/{poss}/{name}/... placeholders of a cue pattern (quantifiers untouched)."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: _SUBST.get(m.group(1), m.group(0)), pattern)


CUE_RE = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?:{_expand(p)})" for p in ANONYMITY_CUE_PATTERNS)
    + r")(?![\w-])",
    re.IGNORECASE,
)

CUE_KEYWORDS: tuple[str, ...] = (
    "anonym", "name", "naming", "identi", "authori", "permitted", "allowed", "cleared",
    "entitled", "empowered", "background", "record", "attribution", "fear", "withh",
)  # fmt: skip
"""Every cue contains one of these: the full cue regex only runs in windows around them."""
_CUE_WINDOW = 220


def find_cues(text: str) -> list[re.Match[str]]:
    """Anonymity cue matches in text order; linear, with the costly regex run only near keywords."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lower-cased
        return list(CUE_RE.finditer(text))
    hits: list[int] = []
    for word in CUE_KEYWORDS:
        i = lowered.find(word)
        while i >= 0:
            hits.append(i)
            i = lowered.find(word, i + len(word))
    windows: list[list[int]] = []
    for k in sorted(hits):
        ws, we = max(0, k - _CUE_WINDOW), min(len(text), k + _CUE_WINDOW)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = we
        else:
            windows.append([ws, we])
    out: list[re.Match[str]] = []
    last_end = -1
    for ws, we in windows:
        for m in CUE_RE.finditer(text, ws, we):
            if m.start() >= last_end:
                out.append(m)
                last_end = m.end()
    return out


_WORD_RE = re.compile(r"[\w’'][\w’'-]*")
_LEAD_JUNK_RE = re.compile(
    r"(?:\s|<[^>]*>|&[a-z]+;|[-*>#•“\"‘'(\[_|=+~]|\d+\.\s)*"
    r"(?:[A-Z][A-Z .,’'-]{2,40}?\s*(?:\([^)]{1,40}\)\s*)?(?:—|–|&mdash;|--|-)\s+)?"
)
_QUOTE_RE = re.compile(r"“[^”]*”|\"[^\"\n]*\"|&ldquo;.*?&rdquo;")
_HARD_BOUNDARY_RE = re.compile(
    r"\n[ \t]*\n|\n(?=[ \t]*(?:[#>*+-]|\d+\.)\s)|</?(?:p|div|li|ul|ol|h[1-6]|blockquote|br|tr|td|th"
    r"|table|figcaption|figure|article|section|header|footer|aside)\b[^>]*>",
    re.IGNORECASE,
)
_TRAILING_JUNK_RE = re.compile(r"(?:\s|<[^<>]*>|[#>*+|_-])*$")
_SENT_END_RE = re.compile(r"[.!?][”\"’)\]]*\s+|\n\s*\n")
_AGE_LIKE_RE = re.compile(r"^\d+(?:-year-old|-years-old|s)?$|year-old$", re.IGNORECASE)

_CAPW = (
    r"(?:(?:al|el|ad|ash|as|at|ar|az|an|ed|es|ul|a|e)[-‑])?[A-Z\u00C0-\u00DE][\w\u00C0-\u024F’'‑-]*"
)
_PARTICLE = r"(?:al|el|ad|ash|as|at|ar|az|an|ed|es|ul|bin|ibn|e|de|du)"
_PLACE_NAME = rf"(?-i:{_CAPW}(?:\s+{_CAPW}|\s+{_PARTICLE}[-\s]{_CAPW}){{0,3}})"
_PLACE_WORDS_ALT = _alt(PLACE_WORDS)
_LARGE = COUNTRIES + LARGE_CITIES + REGIONS
_LARGE_SET = frozenset(p.casefold() for p in _LARGE)
_CITY_ALT = _alt(LARGE_CITIES)

PLACE_WITH_WORD_RE = re.compile(
    rf"(?<![\w-])(?P<p>{_PLACE_NAME})\s+(?P<w>{_PLACE_WORDS_ALT})(?![\w-])"
)
PLACE_AFTER_PREP_RE = re.compile(
    rf"(?<![\w-])(?:in|from|near|outside|inside|around|of)\s+(?:the\s+)?(?P<p>{_PLACE_NAME})(?![\w-])"
)
PLACE_WORD_OF_RE = re.compile(
    rf"(?<![\w-])(?:village|town|hamlet|neighbourhood|neighborhood|district|camp|township|suburb"
    rf"|quarter|area)\s+(?:of|called|named)\s+(?P<p>{_PLACE_NAME})(?![\w-])"
)
_MEMBER_OF_RE = re.compile(
    r"(?:member|fighter|commander|officer|official|employee|staff|ranks|leader|militant|soldier"
    r"|recruit|volunteer|worker|cadre|operative|part)s?\s+of\b",
    re.IGNORECASE,
)
PLACE_NUMBERED_RE = re.compile(
    r"(?<![\w-])(?:Ward|Block|Sector|Zone|Camp|Quarter|Street|Kebele|Woreda|Microdistrict|District"
    r"|Building|Tower|Village|Unit|Area|Phase)\s+(?:No\.?\s*)?\d+[A-Za-z]?(?![\w-])"
)
PLACE_VAGUE_RE = re.compile(
    r"(?<![\w-])(?:the\s+same|a\s+nearby|a\s+small|a\s+remote|a\s+border|a\s+mountain|a\s+frontline"
    r"|a\s+front-line|a\s+rural)\s+(?:village|town|neighbourhood|neighborhood|district|camp|street"
    r"|hamlet|settlement)(?:\s+(?:near|outside|north\s+of|south\s+of|east\s+of|west\s+of)\s+"
    rf"{_PLACE_NAME})?(?![\w-])",
    re.IGNORECASE,
)
PLACE_DIRECTION_CITY_RE = re.compile(
    rf"(?<![\w-]){_DIRECTIONS}\s+(?:the\s+)?{_CITY_ALT}(?![\w-])", re.IGNORECASE
)

AGE_RE = re.compile(
    r"(?<![\w-])(?:\d{1,3}[-‑](?:year|yr)s?[-‑]old|(?:aged|age)\s+\d{1,3}"
    r"|in\s+(?:his|her|their)\s+(?:early\s+|mid[-\s]?|late\s+)?(?:teens|twenties|thirties|forties"
    r"|fifties|sixties|seventies|eighties|nineties|\d0s)|teenage|teenager|adolescent)(?![\w-])",
    re.IGNORECASE,
)
AGE_COMMA_RE = re.compile(r"(?<=[A-Za-z]),\s+(?P<a>\d{1,2})(?=,|$|\s+(?:who|from|of)\b)")

TIME_RE = re.compile(
    rf"(?<![\w-])(?:for\s+(?:the\s+(?:past|last)\s+)?{NUMBER_WORDS}\s+(?:days?|weeks?|months?|years?"
    r"|decades?)|since\s+(?:\d{4}|last\s+\w+|the\s+(?:start|beginning|end)\s+of\s+\w+)"
    r"|(?:left|quit|joined|deserted|defected\s+from|retired\s+from|resigned\s+from|fled|was\s+"
    r"dismissed\s+from|was\s+discharged\s+from)\s+(?:the\s+|his\s+|her\s+|their\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:service|army|police|forces?|job|post|unit|military|ministry|militia"
    r"|group|brigade|battalion|regiment|prison|colony|force)(?:\s+(?:last\s+\w+|this\s+\w+"
    r"|in\s+\d{4}|\w+\s+(?:years?|months?)\s+ago))?"
    rf"|{NUMBER_WORDS}\s+(?:days?|weeks?|months?|years?)\s+ago"
    r"|(?:in|since|until)\s+(?:(?:early|late|mid-?)\s*)?(?:(?:January|February|March|April|May|June"
    r"|July|August|September|October|November|December)\s+)?(?:19|20)\d\d)(?![\w-])",
    re.IGNORECASE,
)

_FAMILY_ALT = _alt(FAMILY_NOUNS)
_ASSOC_ALT = _alt(ASSOCIATE_NOUNS)
_CLAUSE_END = r"(?=\s*(?:[,.;:!?()“”\"<]|$|\s-\s|\s—|\sand\s+(?:who|whose|now|also)\b))"
_QUANT = r"(?:(?:one|two|three|four|five|six|several|some|all|both|many|most|none|each)\s+of\s+)"
_FAMILY_MODS = (
    r"(?:(?:elder|eldest|older|oldest|younger|youngest|only|late|ex-|estranged|teenage|adult|infant"
    r"|baby|two|three|four|five|six|own|other|step-|\d+-year-old|little|big)\s+){0,2}"
)
FAMILY_CLAUSE_RE = re.compile(
    rf"(?<![\w-])(?P<q>{_QUANT}?)(?P<poss>whose|his|her|their)\s+{_FAMILY_MODS}"
    rf"(?P<n>{_FAMILY_ALT}|{_ASSOC_ALT})(?:s|es)?(?![\w’'-])(?P<rest>[^,.;:!?()“”\"<\n]{{0,120}}?)"
    + _CLAUSE_END,
    re.IGNORECASE,
)
_CHILDREN = r"(?:children|sons|daughters|kids|boys|girls)"
PARENT_OF_RE = re.compile(
    r"(?<![\w-])(?:mother|father|parent|grandmother|grandfather|grandparent)\s+of\s+"
    r"(?:one\s+of\s+the\s+[\w-]+"
    r"|(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many|twins)"
    rf"(?:\s+(?:young\s+)?{_CHILDREN})?"
    rf"|\w+\s+{_CHILDREN})"
    r"|(?<![\w-])(?:widow|widower|orphan)(?![\w-])",
    re.IGNORECASE,
)
RELATION_OF_RE = re.compile(
    r"(?<![\w-])(?P<n>son|daughter|brother|sister|cousin|uncle|aunt|nephew|niece|wife|husband"
    r"|mother|father|grandson|granddaughter|relative|friend|colleague|neighbour|neighbor"
    r"|classmate|brother-in-law|sister-in-law)\s+of\s+(?:(?:an?|the|one\s+of\s+the)\s+"
    r"[\w’'-]+(?:\s+(?!(?:who|whose|which|said|told|spoke|and|in|from|at|near)\b)[\w’'-]+){0,2}"
    r"|(?-i:" + _PLACE_NAME + r"))",
    re.IGNORECASE,
)
"""'the brother of a detained activist', 'a cousin of <Name>': a link to someone identifiable."""
WHOSE_OTHER_RE = re.compile(
    rf"(?<![\w-])whose\s+(?!{_FAMILY_ALT}|{_ASSOC_ALT}|names?\b|identity\b|real\b|full\b)"
    rf"(?P<c>[\w’'-]+[^,.;:!?()“”\"<\n]{{0,100}}?)" + _CLAUSE_END,
    re.IGNORECASE,
)
_PRED_FAMILY_VERBS = (
    r"(?:is|are|was|were|has|have|had|remains?|remained|lives?|lived|works?|worked|serves?|served"
    r"|still|also|now|fled|died|disappeared|went|joined|fights?|fought|stays?|stayed|"
    r"(?:was|were|had\s+been|has\s+been|have\s+been)\s+\w+)"
)

WORK_CLAUSE_RE = re.compile(
    r"(?<![\w-])(?:(?:now|also|still|currently|previously|once)\s+)?(?:works?|worked|working"
    r"|employed|serves?|served|serving|volunteers?|volunteered|teaches|taught|trained)\s+"
    r"(?:as|for|at|in|with|on)\s+[^,.;:!?()“”\"<\n]{1,90}?" + _CLAUSE_END,
    re.IGNORECASE,
)
REL_JOB_CLAUSE_RE = re.compile(
    r"(?<=\bwho\s)(?:(?:now|also|still|once|currently|previously|used\s+to)\s+)?(?P<c>(?:runs|ran"
    r"|owns|owned|manages|managed|heads|headed|leads|led|commands|commanded|represents"
    r"|represented|teaches|taught|drives|drove|sells|sold|operates|operated|trains|trained"
    r"|treats|treated|repairs|fixes|cooks|bakes|guards|guarded|staffs|staffed|delivers"
    r"|delivered|smuggles|smuggled|supplies|supplied|studies|studied)\s+"
    r"[^,.;:!?()“”\"<\n]{1,100}?)" + _CLAUSE_END,
    re.IGNORECASE,
)
DETENTION_RE = re.compile(
    r"(?<![\w-])(?:he|she|they|i)\s+(?:had\s+|has\s+|have\s+|was\s+|were\s+)?"
    r"(?:(?:been|previously|once|twice|briefly|also)\s+){0,2}(?P<e>(?:detained|arrested|imprisoned"
    r"|jailed|held|abducted|tortured|interrogated|kidnapped|summoned)(?:\s+(?:for\s+"
    rf"{NUMBER_WORDS}\s+(?:days?|weeks?|months?|years?)|in\s+\d{{4}}|last\s+\w+|twice"
    r"|three\s+times|several\s+times))?)(?![\w-])",
    re.IGNORECASE,
)
WORKPLACE_RE = re.compile(
    r"(?<![\w-])(?:at|for|with|in|from|of|on)\s+(?:(?:a|an|the|one\s+of\s+the|his|her|their|its)\s+)?"
    r"(?:[\w’'-]+\s+){0,3}?" + _alt(WORKPLACE_NOUNS, escape=False) + r"s?"
    rf"(?:\s+(?:in|of|near|outside)\s+(?:the\s+)?{_PLACE_NAME}(?:\s+{_PLACE_WORDS_ALT})?)?(?![\w-])",
    re.IGNORECASE,
)
_WORKPLACE_AFTER_RE = re.compile(r"\s+" + _alt(WORKPLACE_NOUNS, escape=False) + r"s?\b", re.I)
UNIT_NAME_RE = re.compile(
    rf"(?<![\w-])(?:\d+(?:st|nd|rd|th)\s+|{_CAPW}\s+(?:{_CAPW}\s+){{0,2}})"
    + _alt(UNIT_NAME_WORDS)
    + r"(?:\s+\d+)?(?![\w-])|(?<![\w-])(?:Branch|Brigade|Battalion|Division|Unit|Regiment|Corps)"
    r"\s+\d+(?![\w-])"
)
JOB_HEAD_RE = re.compile(
    r"(?<![\w’'-])(?P<h>" + _alt(JOB_NOUNS) + r")(?:s|es)?(?![\w’'-])", re.IGNORECASE
)

_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
_CONJUNCTIONS = frozenset({"and", "or", "but", "nor"})
_APPOSITION_OPENERS = frozenset(
    "who whose which a an one aged himself herself themselves originally formerly now also".split()
)
_CLAUSE_OPENERS = frozenset(
    "but and yet so however meanwhile still also now then instead separately later".split()
)
_ADVERBS = frozenset({"now", "also", "still", "then", "later", "once", "currently", "previously"})

RISK_HIGH_MIN_KINDS = 3
QUASI_KINDS: tuple[str, ...] = ("place", "unit", "job", "age", "time", "family", "other")

ANONYMOUS_SOURCE_SCORE = 0.85
QUASI_SCORE = 0.7

# ---------------------------------------------------------------------------------------------
# Internal structures
# ---------------------------------------------------------------------------------------------


@dataclass
class _Tok:
    start: int
    end: int
    text: str
    tag: str
    ent: str
    iob: str = ""


@dataclass
class _NP:
    start: int
    end: int
    kind: str  # indef | def | def_intro | pronoun | name


@dataclass
class _Detail:
    start: int
    end: int
    kind: str
    container: bool = False  # a family/associate clause: its nested details describe relatives


@dataclass
class _Source:
    cue_start: int
    cue_end: int
    cue_text: str
    start: int
    end: int
    key: int
    linked: bool
    described: bool
    desc_scopes: list[tuple[int, int]] = field(default_factory=list)
    pred_scopes: list[tuple[int, int]] = field(default_factory=list)
    details: list[_Detail] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)


class _Context:
    """Sentences, tokens and entities around a position, from the spaCy Doc or from regexes."""

    def __init__(self, text: str, nlp_artifacts: NlpArtifacts | None) -> None:
        self.text = text
        doc = getattr(nlp_artifacts, "tokens", None) if nlp_artifacts is not None else None
        if doc is not None and (
            len(doc) == 0 or doc.text != text or not doc.has_annotation("SENT_START")
        ):
            doc = None  # another text, or no sentence boundaries: fall back to regexes
        self.doc = doc

    def _token_index(self, pos: int) -> int:
        doc = self.doc
        i = bisect.bisect_right(doc, pos, key=lambda t: t.idx) - 1
        return max(0, min(i, len(doc) - 1))

    def sentence(self, pos: int) -> tuple[int, int]:
        if self.doc is not None:
            sent = self.doc[self._token_index(pos)].sent
            start, end = sent.start_char, sent.end_char
        else:
            start, end = self._regex_sentence(pos)
        # Paragraph breaks and block markup always end a sentence (the senter misses them).
        for m in _HARD_BOUNDARY_RE.finditer(self.text, start, end):
            if m.end() <= pos:
                start = m.end()
            elif m.start() >= pos:
                end = m.start()
                break
        # Very long "sentences" (tables, lists without punctuation) are cut to a window.
        return max(start, pos - 1500), min(end, pos + 1500)

    def previous_sentence(self, start: int) -> tuple[int, int] | None:
        window = max(0, start - 400)
        junk = _TRAILING_JUNK_RE.search(self.text, window, start)
        head_end = junk.start() if junk else start
        if head_end <= 0:
            return None
        prev = self.sentence(head_end - 1)
        if prev[0] >= start:
            return None
        return prev[0], min(prev[1], start)

    def _regex_sentence(self, pos: int) -> tuple[int, int]:
        text = self.text
        window_start = max(0, pos - 2000)
        start = window_start
        for m in _SENT_END_RE.finditer(text, window_start, pos):
            if m.end() <= pos:
                start = m.end()
        m = _SENT_END_RE.search(text, pos, min(len(text), pos + 2000))
        end = m.start() + 1 if m else min(len(text), pos + 2000)
        return start, end

    def tokens(self, start: int, end: int) -> list[_Tok]:
        if self.doc is not None:
            doc = self.doc
            i = self._token_index(start)
            out: list[_Tok] = []
            while i < len(doc) and doc[i].idx < end:
                t = doc[i]
                if t.idx >= start and not t.is_space:
                    out.append(
                        _Tok(t.idx, t.idx + len(t.text), t.text, t.tag_, t.ent_type_, t.ent_iob_)
                    )
                i += 1
            return out
        return [
            _Tok(start + m.start(), start + m.end(), m.group(), "", "")
            for m in re.finditer(r"[\w’'-]+|[^\w\s]", self.text[start:end])
        ]


# ---------------------------------------------------------------------------------------------
# The recognizer
# ---------------------------------------------------------------------------------------------


class AnonymousSourceRecognizer(EntityRecognizer):
    """Anonymous sources (``ANONYMOUS_SOURCE``) and their re-identifying details
    (``QUASI_IDENTIFIER``), with a jigsaw risk level per source.

    Metadata on every result: ``recognizer_name``, ``recognizer_identifier``, ``sg_source``
    ("anon-1", ...), ``sg_risk`` (low/medium/high) and ``sg_reasons``; on quasi-identifiers also
    ``sg_kind`` (place/unit/job/age/time/family/other); on sources also ``sg_kinds``.
    """

    ENTITIES: tuple[str, ...] = (ANONYMOUS_SOURCE, QUASI_IDENTIFIER)

    def __init__(
        self,
        supported_language: str = "en",
        supported_entities: list[str] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(
            supported_entities=list(supported_entities or self.ENTITIES),
            name=name or "AnonymousSourceRecognizer",
            supported_language=supported_language,
            version="1.0.0",
        )

    def load(self) -> None:  # regexes are compiled at import time
        pass

    # -- public API ------------------------------------------------------------------------

    def analyze(
        self,
        text: str,
        entities: list[str] | None = None,
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(self.supported_entities)
        wanted &= set(self.supported_entities)
        if not wanted or not text:
            return []
        sources = self.find_sources(text, nlp_artifacts)
        results: list[RecognizerResult] = []
        for number, src in enumerate(sources, start=1):
            results.extend(self._results(src, f"anon-{number}", wanted))
        return results

    def find_sources(self, text: str, nlp_artifacts: NlpArtifacts | None = None) -> list[_Source]:
        ctx = _Context(text, nlp_artifacts)
        by_key: dict[int, _Source] = {}
        for m in find_cues(text):
            src = self._source_for_cue(ctx, m.start(), m.end())
            if src is None:
                continue
            known = by_key.get(src.key)
            if known is None and not src.described:
                # a bare cue inside an existing source's span belongs to that source
                known = next((s for s in by_key.values() if s.start <= src.cue_start < s.end), None)
            if known is not None:
                known.start = min(known.start, src.start)
                known.end = max(known.end, src.end)
                known.desc_scopes.extend(src.desc_scopes)
                known.pred_scopes.extend(src.pred_scopes)
                known.cues.extend(src.cues)
                known.described = known.described or src.described
                continue
            by_key[src.key] = src
        sources = sorted(by_key.values(), key=lambda s: s.start)
        for src in sources:
            src.details = self._details(ctx, src)
        return sources

    # -- the source and its description ---------------------------------------------------

    def _source_for_cue(self, ctx: _Context, cue_start: int, cue_end: int) -> _Source | None:
        text = ctx.text
        s_start, s_end = ctx.sentence(cue_start)
        s_end = max(s_end, cue_end)
        np = self._subject(ctx, s_start, s_end, cue_start, cue_end)
        cue_text = _cue_label(text[cue_start:cue_end])
        desc_scopes: list[tuple[int, int]] = []
        pred_scopes: list[tuple[int, int]] = []
        linked = False
        intro: _NP | None = None

        if np is not None and np.kind == "name":
            return None  # a named or pseudonymous person, not an anonymous source
        if np is None or np.kind == "pronoun" or (np.kind == "def" and self._anaphoric(np, text)):
            prev = ctx.previous_sentence(s_start)
            if prev is not None:
                p_np = self._subject(ctx, prev[0], prev[1], prev[1], prev[1])
                if (
                    p_np is not None
                    and p_np.kind == "name"
                    and (np is None or np.kind == "pronoun")
                ):
                    return None  # "He" refers to a named person
                if (
                    p_np is not None
                    and p_np.kind in ("indef", "def_intro")
                    and _mentions_person(text[p_np.start : p_np.end])
                ):
                    intro = p_np
                    linked = True
                    desc_scopes.append((p_np.start, p_np.end))
                    pred_scopes.append((p_np.end, prev[1]))
        if np is not None and np.kind != "pronoun":
            desc_scopes.append((np.start, np.end))
            if intro is None:
                intro = np
        pred_from = np.end if np is not None else s_start
        pred_scopes.append((pred_from, s_end))

        tail_end = self._cue_tail_end(text, cue_end, s_end)
        if tail_end > cue_end:
            desc_scopes.append((cue_end, tail_end))

        if intro is None:
            start, end, key = cue_start, cue_end, cue_start
        else:
            start = min(intro.start, cue_start)
            end = max(cue_end, np.end if np is not None and np.kind != "pronoun" else cue_end)
            key = intro.start
        return _Source(
            cue_start=cue_start,
            cue_end=cue_end,
            cue_text=cue_text,
            start=start,
            end=end,
            key=key,
            linked=linked,
            described=intro is not None,
            desc_scopes=desc_scopes,
            pred_scopes=pred_scopes,
            cues=[cue_text],
        )

    @staticmethod
    def _anaphoric(np: _NP, text: str) -> bool:
        """'The commander, ...' / 'The 52-year-old, ...': a short definite head, no appositive."""
        head = re.split(r",|\s(?:who|whose|which)\b", text[np.start : np.end], maxsplit=1)[0]
        return len(_WORD_RE.findall(head)) <= 4

    def _subject(
        self, ctx: _Context, s_start: int, s_end: int, cue_start: int, cue_end: int
    ) -> _NP | None:
        """The noun phrase naming the speaker in one sentence, or None."""
        text = ctx.text
        lead = _LEAD_JUNK_RE.match(text, s_start, s_end)
        first_pos = lead.end() if lead else s_start
        toks = ctx.tokens(first_pos, s_end)
        toks = [t for t in toks if t.start >= first_pos]
        if not toks:
            return None
        first = toks[0]
        low = first.text.lower()
        if re.search(r"[“\"]|&ldquo;", text[s_start:first_pos]):
            # the sentence opens with a quote: its first words are the quote, not the subject
            return self._embedded_subject(ctx, toks, s_end, cue_start, cue_end)
        if low in SUBJECT_PRONOUNS:
            return _NP(first.start, first.end, "pronoun")
        np: _NP | None = None
        if low in INDEFINITE_DETERMINERS or (first.tag == "NNS" and first.text[:1].isupper()):
            np = self._np_from(ctx, toks, 0, s_end, "indef")
        elif low == "the":
            np = self._np_from(ctx, toks, 0, s_end, "def")
            if re.search(r",\s+(?:an?|one)\s", text[np.start : np.end], re.IGNORECASE):
                np.kind = "def_intro"
        if np is not None:
            if _mentions_person(text[np.start : np.end]):
                return np
            # "The strikes continued, a local official told AFP, requesting anonymity."
            embedded = self._embedded_subject(ctx, toks, s_end, cue_start, cue_end)
            if embedded is not None:
                return embedded
            return np if np.start <= cue_start <= np.end + 12 else None
        if (
            low in ("his", "her", "their")
            and len(toks) > 1
            and _is_family_word(toks[1].text.lower())
        ):
            return self._np_from(ctx, toks, 0, s_end, "def_intro")  # "Her husband, who ..."
        if self._is_name_at(toks, 0):
            return _NP(first.start, first.end, "name")
        return self._embedded_subject(ctx, toks, s_end, cue_start, cue_end)

    @staticmethod
    def _is_name_at(toks: list[_Tok], i: int) -> bool:
        """A capitalised name (not a common noun at sentence start) heading a clause."""
        tok = toks[i]
        if not tok.text[:1].isupper() or tok.text.lower() in NOT_PLACE_WORDS:
            return False
        if tok.text.isupper() and len(tok.text) > 1:
            return False  # a dateline (KHARTOUM —) or an acronym
        if tok.tag and tok.tag not in ("NNP", "NNPS") and tok.ent != "PERSON":
            return False
        j = i
        while j + 1 < len(toks) and j - i < 4 and toks[j + 1].text[:1].isupper():
            j += 1
        if j + 1 >= len(toks):
            return False
        nxt = toks[j + 1].text
        return nxt in (",", "(", "*") or nxt.lower() == "who" or nxt.lower() in SPEECH_VERBS

    def _embedded_subject(
        self, ctx: _Context, toks: list[_Tok], s_end: int, cue_start: int, cue_end: int
    ) -> _NP | None:
        """A speaker inside the sentence: '“...,” a rebel source told ...', 'said a nurse ...',
        'Speaking on condition of anonymity, a guard said ...'."""
        best_before: tuple[int, str] | None = None  # (token index, kind)
        best_after: tuple[int, str] | None = None
        last_name = -10
        for i, tok in enumerate(toks):
            low = tok.text.lower()
            is_det = low in ("a", "an", "one", "another")
            is_name = not is_det and self._is_name_at(toks, i)
            if is_name:
                last_name = i
            if not (is_det or is_name) or i == 0:
                continue
            prev = toks[i - 1]
            prev_low = prev.text.lower()
            boundary = (
                prev.text in (",", "”", '"', "’", ":", "—", "–", "(", ";")
                or prev_low in SPEECH_VERBS
                or prev_low in _CLAUSE_OPENERS
                or (prev_low == "to" and i > 1 and toks[i - 2].text.lower() == "according")
                or (prev.end == cue_end)
            )
            if not boundary:
                continue
            kind = "indef" if is_det else "name"
            if (
                is_det
                and last_name >= 0
                and all(
                    t.text == "," or t.text[:1].isdigit() or t.text[:1].isupper() or t.text == "-"
                    for t in toks[last_name + 1 : i]
                )
            ):
                kind = "name"  # "said Ahmed, 32, a pharmacist who ...": the named person again
            if tok.start < cue_start:
                best_before = (i, kind)
            elif best_after is None and tok.start >= cue_end:
                best_after = (i, kind)
        choice = best_before or best_after
        if choice is None:
            return None
        i, kind = choice
        if kind == "name":
            return _NP(toks[i].start, toks[i].end, "name")
        np = self._np_from(ctx, toks, i, s_end, "indef", embedded=True)
        if np.end <= np.start:
            return None
        return np

    def _np_from(
        self,
        ctx: _Context,
        toks: list[_Tok],
        i0: int,
        s_end: int,
        kind: str,
        embedded: bool = False,
    ) -> _NP:
        """From a determiner to just before the clause's main verb (relative clauses included).

        An embedded phrase ('according to a nurse in X, who ..., the raids ...') also ends at a
        comma that does not open an apposition or a relative clause.
        """
        text = ctx.text
        pending = ""  # "rel" after who/whose/which, "sub" after because/since/...: a clause verb
        end = None
        for i in range(i0 + 1, len(toks)):
            tok = toks[i]
            low = tok.text.lower()
            if tok.text in ("“", '"') and i > i0 + 1:
                end = tok.start
                break
            if embedded and tok.text == "," and i + 1 < len(toks):
                nxt = toks[i + 1]
                if not (
                    nxt.text.lower() in _APPOSITION_OPENERS
                    or nxt.text[:1].isdigit()
                    or nxt.tag in ("VBN", "VBG")
                    or (nxt.text.lower() in SPEECH_VERBS and not pending)
                ):
                    end = tok.start
                    break
            if low in RELATIVE_PRONOUNS or (low == "that" and tok.tag == "WDT"):
                pending = "rel"
                continue
            if low in SUBORDINATORS or (low == "that" and tok.tag == "IN"):
                pending = "sub"
                continue
            speech = low in SPEECH_VERBS
            finite = tok.tag in _FINITE_TAGS if tok.tag else low in FINITE_FALLBACK_VERBS
            if not (finite or speech):
                continue
            if tok.tag and tok.tag not in _FINITE_TAGS and not (speech and tok.tag == "VBN"):
                continue  # participles and infinitives are never the main verb
            j = i - 1
            while j > i0 and toks[j].text.lower() in _ADVERBS:
                j -= 1
            prev = toks[j].text
            after_comma = prev == ","
            if pending == "rel" and not after_comma:
                pending = ""
                continue  # "who spoke ...", "whose husband is ..."
            if pending == "sub" and not speech and not after_comma:
                pending = ""
                continue  # "because his son is doing ..."
            if prev.lower() in _CONJUNCTIONS and toks[j - 1].text != ",":
                continue  # "who is in his forties and now works as ...": same relative clause
            end = tok.start
            break
        if end is None:
            end = s_end
        stop = end
        while stop > toks[i0].start and (text[stop - 1].isspace() or text[stop - 1] in ",;:—-.("):
            stop -= 1
        return _NP(toks[i0].start, stop, kind)

    @staticmethod
    def _cue_tail_end(text: str, cue_end: int, s_end: int) -> int:
        """End of the clause after the cue ('... because two of his cousins are still wanted')."""
        m = re.match(
            r"\s*,?\s*(?:because|as|since|for\s+fear|fearing|citing|given\s+that|out\s+of\s+fear"
            r"|amid\s+fears|after|to\s+protect|for\s+(?:his|her|their))\b",
            text[cue_end:s_end],
            re.IGNORECASE,
        )
        if not m:
            return cue_end
        rest = text[cue_end + m.end() : s_end]
        stop = re.search(
            r",\s+(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\b|[;“\"]|\.(?:\s|$)", rest
        )
        length = stop.start() if stop else len(rest)
        return cue_end + m.end() + min(length, 240)

    # -- quasi-identifiers ----------------------------------------------------------------

    def _details(self, ctx: _Context, src: _Source) -> list[_Detail]:
        text = ctx.text
        found: list[_Detail] = []
        desc = _merge(src.desc_scopes)
        for a, b in desc:
            found.extend(self._scope_details(ctx, a, b))
        for a, b in _subtract(_merge(src.pred_scopes), [*desc, (src.cue_start, src.cue_end)]):
            found.extend(self._predicate_details(text, a, b))
        return _clean(found, text)

    def _scope_details(self, ctx: _Context, a: int, b: int) -> list[_Detail]:
        text = ctx.text
        seg = text[a:b]
        out: list[_Detail] = []

        def add(s: int, e: int, kind: str, container: bool = False) -> None:
            if e > s:
                out.append(_Detail(a + s, a + e, kind, container))

        # family and associates
        for m in FAMILY_CLAUSE_RE.finditer(seg):
            kind = "other" if _is_associate(m.group("n")) else "family"
            start = m.start("q") if m.group("q") else m.start("poss")
            if m.group("poss").lower() == "whose" and not m.group("q"):
                start = m.end("poss") + (
                    len(seg[m.end("poss") :]) - len(seg[m.end("poss") :].lstrip())
                )
            add(start, m.end(), kind, container=True)
        for m in PARENT_OF_RE.finditer(seg):
            add(m.start(), m.end(), "family", container=True)
        for m in RELATION_OF_RE.finditer(seg):
            if m.group("n").lower() in ("mother", "father") and PARENT_OF_RE.match(seg, m.start()):
                continue
            kind = "other" if _is_associate(m.group("n")) else "family"
            add(m.start(), m.end(), kind, container=True)
        for m in WHOSE_OTHER_RE.finditer(seg):
            if FAMILY_CLAUSE_RE.match(seg, m.start()):
                continue
            add(m.start("c"), m.end("c"), "other", container=True)
        # age
        for m in AGE_RE.finditer(seg):
            add(m.start(), m.end(), "age")
        for m in AGE_COMMA_RE.finditer(seg):
            add(m.start("a"), m.end("a"), "age")
        # time
        for m in TIME_RE.finditer(seg):
            add(m.start(), m.end(), "time")
        # job
        for m in WORK_CLAUSE_RE.finditer(seg):
            add(m.start(), m.end(), "job")
        for m in REL_JOB_CLAUSE_RE.finditer(seg):
            add(m.start("c"), m.end("c"), "job")
        for s, e in self._job_phrases(ctx, a, b):
            out.append(_Detail(s, e, "job"))
        # unit / workplace
        for m in WORKPLACE_RE.finditer(seg):
            add(m.start(), m.end(), "unit")
        for m in UNIT_NAME_RE.finditer(seg):
            add(m.start(), m.end(), "unit")
        # place
        for s, e, kind in self._places(ctx, a, b):
            out.append(_Detail(s, e, kind))
        for m in DETENTION_RE.finditer(seg):
            kind = "time" if re.search(r"\d|for\s|last\s|in\s", m.group("e")) else "other"
            add(m.start("e"), m.end("e"), kind)
        return out

    def _predicate_details(self, text: str, a: int, b: int) -> list[_Detail]:
        """Reported speech: only the source's own job, detention and relatives."""
        seg = _blank_quotes(text[a:b])
        out: list[_Detail] = []
        for m in re.finditer(
            r"(?<![\w-])(?:he|she)\s+(?:(?:also|now|still|currently)\s+)?(?=(?:works?|worked"
            r"|serves?|served|teaches|taught)\s)",
            seg,
            re.IGNORECASE,
        ):
            w = WORK_CLAUSE_RE.match(seg, m.end())
            if w:
                out.append(_Detail(a + w.start(), a + w.end(), "job"))
        for m in DETENTION_RE.finditer(seg):
            if re.search(r"\s(?:for|in|last)\s", m.group("e")):  # "he had been held for 11 days"
                out.append(_Detail(a + m.start("e"), a + m.end("e"), "time"))
        for m in FAMILY_CLAUSE_RE.finditer(seg):
            if m.group("poss").lower() == "whose":
                continue
            if not re.match(rf"\s+{_PRED_FAMILY_VERBS}\b", m.group("rest"), re.IGNORECASE):
                continue
            kind = "other" if _is_associate(m.group("n")) else "family"
            start = m.start("q") if m.group("q") else m.start("poss")
            out.append(_Detail(a + start, a + m.end(), kind, container=True))
        return out

    def _job_phrases(self, ctx: _Context, a: int, b: int) -> list[tuple[int, int]]:
        text = ctx.text
        tags: dict[int, str] = {}
        if ctx.doc is not None:
            tags = {t.start: t.tag for t in ctx.tokens(a, b)}
        out: list[tuple[int, int]] = []
        for m in JOB_HEAD_RE.finditer(text, a, b):
            head = m.group("h").lower()
            start = m.start()
            mods = 0
            while mods < 3:
                w = re.search(r"([\w’'][\w’'-]*)(\s+|-)$", text[max(a, start - 40) : start])
                if not w:
                    break
                word = w.group(1)
                wstart = start - len(w.group(0))
                low = word.lower()
                if low in JOB_STOP_MODIFIERS or _AGE_LIKE_RE.search(low) or low.isdigit():
                    break
                tag = tags.get(wstart, "")
                if low in JOB_MODIFIERS or (
                    tag in _NOUN_TAGS
                    and low not in INDEFINITE_DETERMINERS
                    and low not in NOT_PLACE_WORDS
                    and not JOB_HEAD_RE.fullmatch(word)
                    and not _is_family_word(low)
                ):
                    start = wstart
                    mods += 1
                    continue
                break
            if head in GENERIC_JOB_HEADS and mods == 0:
                continue
            out.append((start, m.end()))
        return out

    def _places(self, ctx: _Context, a: int, b: int) -> list[tuple[int, int, str]]:
        """Places finer than a city as (start, end, "place"); organisations after "of" as units."""
        text = ctx.text
        toks = ctx.tokens(a, b) if ctx.doc is not None else []
        ents = {t.start: t.ent for t in toks}
        out: list[tuple[int, int, str]] = []
        for m in PLACE_WITH_WORD_RE.finditer(text, a, b):
            name = m.group("p")
            if _is_large(name) and m.group("w").lower() not in ("neighbourhood", "district"):
                continue
            if not _not_place(name):
                out.append((m.start("p"), m.end(), "place"))
        for rx in (PLACE_AFTER_PREP_RE, PLACE_WORD_OF_RE):
            for m in rx.finditer(text, a, b):
                name = m.group("p")
                if _is_large(name) or _not_place(name):
                    continue
                member_of = ents.get(m.start("p")) in ("ORG", "NORP") and bool(
                    _MEMBER_OF_RE.search(text, max(a, m.start() - 30), m.start() + 3)
                )
                if _is_unit_name(name) or member_of:
                    out.append((m.start("p"), m.end("p"), "unit"))  # "a member of <faction>"
                else:
                    out.append((m.start("p"), m.end("p"), "place"))
        for rx in (PLACE_VAGUE_RE, PLACE_DIRECTION_CITY_RE, PLACE_NUMBERED_RE):
            for m in rx.finditer(text, a, b):
                out.append((m.start(), m.end(), "place"))
        i = 0
        while i < len(toks):  # spaCy GPE/LOC/FAC entities
            tok = toks[i]
            j = i + 1
            if tok.ent in ("GPE", "LOC", "FAC") and tok.iob == "B":
                while j < len(toks) and toks[j].iob == "I":
                    j += 1
                start, end = tok.start, toks[j - 1].end
                if tok.text.lower() == "the" and j - i > 1:
                    start = toks[i + 1].start
                name = text[start:end]
                if (
                    name[:1].isupper()
                    and not _is_large(name)
                    and not _not_place(name)
                    and not _is_unit_name(name)
                    and not _WORKPLACE_AFTER_RE.match(text, end, min(len(text), end + 40))
                ):
                    out.append((start, end, "place"))
            i = j
        return out

    # -- results --------------------------------------------------------------------------

    def _results(self, src: _Source, source_id: str, wanted: set[str]) -> list[RecognizerResult]:
        kinds = sorted({d.kind for d in src.details}, key=QUASI_KINDS.index)
        risk = jigsaw_risk(kinds)
        reasons = [f"anonymity cue '{c}'" for c in dict.fromkeys(src.cues)]
        if kinds:
            reasons.append("described with " + " + ".join(kinds))
        else:
            reasons.append("no re-identifying details found")
        if not src.described:
            reasons.append("description of the source not found; span is the cue")
        elif src.linked:
            reasons.append("description linked from the previous sentence")
        reasons.append(f"jigsaw risk {risk}")
        out: list[RecognizerResult] = []
        if ANONYMOUS_SOURCE in wanted:
            out.append(
                RecognizerResult(
                    entity_type=ANONYMOUS_SOURCE,
                    start=src.start,
                    end=src.end,
                    score=ANONYMOUS_SOURCE_SCORE,
                    analysis_explanation=None,
                    recognition_metadata=self._metadata(
                        sg_source=source_id, sg_risk=risk, sg_reasons=reasons, sg_kinds=kinds
                    ),
                )
            )
        if QUASI_IDENTIFIER in wanted:
            for d in src.details:
                out.append(
                    RecognizerResult(
                        entity_type=QUASI_IDENTIFIER,
                        start=d.start,
                        end=d.end,
                        score=QUASI_SCORE,
                        analysis_explanation=None,
                        recognition_metadata=self._metadata(
                            sg_source=source_id,
                            sg_risk=risk,
                            sg_kind=d.kind,
                            sg_reasons=[
                                f"{d.kind} detail of anonymous source {source_id}",
                                f"jigsaw risk {risk}",
                            ],
                        ),
                    )
                )
        return out

    def _metadata(self, **extra: Any) -> dict[str, Any]:
        meta: dict[str, Any] = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        meta.update(extra)
        return meta


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def jigsaw_risk(kinds: list[str] | set[str] | tuple[str, ...]) -> str:
    """low: no details; medium: 1-2 kinds; high: 3+ kinds, or a fine place with a job or family."""
    ks = set(kinds)
    if not ks:
        return "low"
    if len(ks) >= RISK_HIGH_MIN_KINDS or ("place" in ks and ks & {"job", "family"}):
        return "high"
    return "medium"


_CUE_VOCABULARY = frozenset(
    w for p in ANONYMITY_CUE_PATTERNS + tuple(_SUBST.values()) for w in re.findall(r"[a-z]{2,}", p)
) | frozenset(
    """authorised authorized unauthorised unauthorized identity identities names surnames
    conditions withheld didn't doesn't don't wouldn't won't can't couldn't""".split()
)


def _cue_label(cue: str) -> str:
    """The cue for reasons, with any word outside the cue vocabulary (an outlet, a name) elided."""
    words = [w if w in _CUE_VOCABULARY else "…" for w in re.findall(r"[\w’'-]+", cue.lower())]
    return re.sub(r"(?:… )+…", "…", " ".join(words))


def _mentions_person(phrase: str) -> bool:
    """Does a noun phrase describe a person (a person noun, a job, an age or a relative)?"""
    words = {w.lower() for w in _WORD_RE.findall(phrase)}
    return bool(
        words & PERSON_NOUNS
        or words & _FAMILY_SET
        or JOB_HEAD_RE.search(phrase)
        or AGE_RE.search(phrase)
    )


def _is_associate(noun: str) -> bool:
    return noun.lower() in {n.lower() for n in ASSOCIATE_NOUNS}


_FAMILY_SET = frozenset(n.lower() for n in FAMILY_NOUNS)


def _is_family_word(word: str) -> bool:
    return word in _FAMILY_SET


def _is_large(name: str) -> bool:
    key = " ".join(name.replace("‑", "-").split()).casefold()
    if key in _LARGE_SET:
        return True
    # "Aleppo's", "Kyiv region"
    key = re.sub(r"[’']s$", "", key)
    return key in _LARGE_SET


def _not_place(name: str) -> bool:
    words = [w.casefold() for w in _WORD_RE.findall(name)]
    return not words or words[0] in NOT_PLACE_WORDS or all(w in NOT_PLACE_WORDS for w in words)


def _is_unit_name(name: str) -> bool:
    return bool(re.search(_alt(UNIT_NAME_WORDS) + r"$", name))


def _blank_quotes(seg: str) -> str:
    return _QUOTE_RE.sub(lambda m: " " * len(m.group()), seg)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(x for x in spans if x[1] > x[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _subtract(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    holes = _merge(holes)
    for s, e in spans:
        cur = s
        for hs, he in holes:
            if he <= cur or hs >= e:
                continue
            if hs > cur:
                out.append((cur, hs))
            cur = max(cur, he)
        if cur < e:
            out.append((cur, e))
    return out


def _clean(details: list[_Detail], text: str) -> list[_Detail]:
    """Trim, drop details nested in a family clause, duplicates and same-kind nested spans."""
    trimmed: list[_Detail] = []
    for d in details:
        s, e = d.start, d.end
        while s < e and (text[s].isspace() or text[s] in ",;:"):
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:."):
            e -= 1
        if e > s:
            trimmed.append(_Detail(s, e, d.kind, d.container))
    containers = [d for d in trimmed if d.container]
    kept: list[_Detail] = []
    for d in sorted(trimmed, key=lambda d: (d.start, -(d.end - d.start))):
        if any(
            c is not d
            and c.start <= d.start
            and d.end <= c.end
            and (c.end - c.start) > (d.end - d.start)
            for c in containers
        ):
            continue  # "husband is held in <camp>": the camp describes the husband
        same = next(
            (k for k in kept if k.kind == d.kind and d.start < k.end and k.start < d.end), None
        )
        if same is not None:  # overlapping details of one kind merge ("at Branch" + "Branch 215")
            same.start, same.end = min(same.start, d.start), max(same.end, d.end)
            continue
        kept.append(d)
    # an anaphoric repeat of the same job ("A lawyer ... The lawyer, who ...") adds nothing
    seen_jobs: list[str] = []
    final: list[_Detail] = []
    for d in sorted(kept, key=lambda d: d.start):
        if d.kind == "job":
            words = text[d.start : d.end].lower().split()
            if any(j.endswith(" ".join(words)) for j in seen_jobs):
                continue
            seen_jobs.append(" ".join(words))
        final.append(d)
    return final
