"""Word lists the demo world is made of: names, organizations, industries, roles, places, texts."""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """Words split on spaces; an underscore is a space inside a word (van_der_Berg)."""
    return tuple(word.replace("_", " ") for word in text.split())


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.strip().splitlines() if line.strip())


@dataclass(frozen=True)
class NamePool:
    """Names written in one script; ascii forms (for email addresses) when not Latin."""

    share: float
    first: tuple[str, ...]
    last: tuple[str, ...]
    first_ascii: tuple[str, ...] = ()
    last_ascii: tuple[str, ...] = ()
    family_first: bool = False  # written family name first, without a space (Chinese)


# Latin-script names from many cultures, diacritics and apostrophes included on purpose.
_LATIN = NamePool(
    share=0.95,
    first=_words(
        "James Sarah David Emma Michael Priya Tom Dana Chris Laura Mohammed Sophie Daniel Aisha "
        "Paul Helen Raj Rachel Mark Claire Ben Hannah Andrew Kate Richard Lucy Peter Fatima "
        "Gareth Niamh Callum Siobhán Tomás José Zoë Chloé Søren Łukasz Björn Renée Anaïs "
        "François Oluwaseun Chidi Ngozi Kwame Ama Wei Mei Hiroshi Yuki Anjali Arjun Sanjay Deepa "
        "Olga Dmitri Lucía Matteo Giulia Lars Ingrid Noah Olivia Liam Rebecca Sam Alex Jess Jo "
        "Imran Nadia Omar Layla Ravi Sunita Tariq Yasmin Ciarán Aoife Dariusz Agnieszka Mehmet "
        "Elif Javier Carmen Thanh Linh Kofi Eilidh Rhian Ifeoma Márton Zsófia Ines João Małgorzata"
    ),
    last=_words(
        "Smith Jones Williams Brown Taylor Davies Evans Wilson Thomas Johnson Roberts Walker "
        "Wright Robinson Thompson White Hughes Edwards Green Hall Wood Harris Clarke Patel Khan "
        "Ali Shah Hussain Okafor Adeyemi Mensah Nguyễn Tran Chen Wang Li Kim Park Sato Tanaka "
        "Singh Sharma Gupta Kowalczyk Nowak Wójcik Müller Schmidt Fischer Jørgensen Østergaard "
        "García Fernández López Martínez Rossi Bianchi Dubois Lefèvre O'Brien O'Connor Murphy "
        "Kelly Byrne Ryan MacDonald Campbell Stewart Murray Jenkins Price Lloyd Morgan Cohen "
        "Haddad Mansour Yılmaz Demir Kovács Novák Kovalenko Shevchenko Papadopoulos Silva Santos "
        "Oliveira Costa Jansen Bakker Andersson Nielsen Hansen Rahman Begum Chowdhury Iyer Nair "
        "Reddy Mehta Joshi Ashworth Whitfield Ó_Briain van_der_Berg De_Souza Al-Farsi Ní_Bhriain"
    ),
)
# Right-to-left scripts: names must come back byte-identical from every command.
_ARABIC = NamePool(
    share=0.015,
    first=_words("محمد فاطمة أحمد ليلى يوسف مريم عمر نور"),
    last=_words("الحسن حداد منصور خليل النجار الزين"),
    first_ascii=_words("mohammed fatima ahmed layla youssef maryam omar nour"),
    last_ascii=_words("alhassan haddad mansour khalil alnajjar alzein"),
)
_HEBREW = NamePool(
    share=0.01,
    first=_words("נועה דוד יעל אורי תמר איתי"),
    last=_words("כהן לוי מזרחי פרץ ביטון אברהם"),
    first_ascii=_words("noa david yael uri tamar itai"),
    last_ascii=_words("cohen levi mizrahi peretz biton avraham"),
)
_CHINESE = NamePool(
    share=0.01,
    first=_words("伟 娜 敏 静 磊 洋 婷 杰"),
    last=_words("王 李 张 刘 陈 杨"),
    first_ascii=_words("wei na min jing lei yang ting jie"),
    last_ascii=_words("wang li zhang liu chen yang"),
    family_first=True,
)
# Family names that do not change with gender (Shevchenko, Melnyk): any first name fits.
_CYRILLIC = NamePool(
    share=0.008,
    first=_words("Ольга Дмитрий Анна Сергей Елена Андрей"),
    last=_words("Шевченко Коваленко Бондаренко Ткаченко Кравченко Мельник"),
    first_ascii=_words("olga dmitry anna sergey elena andrey"),
    last_ascii=_words("shevchenko kovalenko bondarenko tkachenko kravchenko melnyk"),
)
# Greek family names take a feminine form: these are all men's names.
_GREEK = NamePool(
    share=0.007,
    first=_words("Γιώργος Νίκος Κώστας Δημήτρης Γιάννης Σπύρος"),
    last=_words("Παπαδόπουλος Γεωργίου Νικολάου Οικονόμου Δημητρίου Ιωάννου"),
    first_ascii=_words("giorgos nikos kostas dimitris giannis spyros"),
    last_ascii=_words("papadopoulos georgiou nikolaou oikonomou dimitriou ioannou"),
)
NAME_POOLS: tuple[NamePool, ...] = (_LATIN, _ARABIC, _HEBREW, _CHINESE, _CYRILLIC, _GREEK)


@dataclass(frozen=True)
class City:
    name: str
    country: str
    phone_prefixes: tuple[str, ...]  # E.164 prefixes of plausible mobile numbers
    phone_digits: int  # digits after the prefix


def _city(name: str, country: str, prefixes: str, digits: int) -> City:
    return City(name, country, _words(prefixes), digits)


_UK = "+447400 +447500 +447800 +447900 +447830"
# In order of how often they appear (a Zipf-like law picks them).
CITIES: tuple[City, ...] = (
    _city("London", "GB", _UK, 6),
    _city("Manchester", "GB", _UK, 6),
    _city("New York", "US", "+1212 +1646 +1917", 7),
    _city("Birmingham", "GB", _UK, 6),
    _city("Leeds", "GB", _UK, 6),
    _city("Chicago", "US", "+1312 +1773", 7),
    _city("Toronto", "CA", "+1416 +1647", 7),
    _city("Sheffield", "GB", _UK, 6),
    _city("Dublin", "IE", "+35383 +35385 +35386 +35387", 7),
    _city("Liverpool", "GB", _UK, 6),
    _city("Boston", "US", "+1617 +1857", 7),
    _city("Glasgow", "GB", _UK, 6),
    _city("Bristol", "GB", _UK, 6),
    _city("Sydney", "AU", "+6141 +6142", 7),
    _city("Nottingham", "GB", _UK, 6),
    _city("Edinburgh", "GB", _UK, 6),
    _city("Cardiff", "GB", _UK, 6),
    _city("Newcastle", "GB", _UK, 6),
    _city("Philadelphia", "US", "+1215 +1267", 7),
    _city("Melbourne", "AU", "+6143 +6140", 7),
    _city("Belfast", "GB", _UK, 6),
    _city("Amsterdam", "NL", "+3161 +3162 +3165", 7),
    _city("Austin", "US", "+1512 +1737", 7),
    _city("Berlin", "DE", "+49151 +49160 +49170", 8),
    _city("Cork", "IE", "+35383 +35387", 7),
    _city("Denver", "US", "+1303 +1720", 7),
    _city("Vancouver", "CA", "+1604 +1778", 7),
    _city("Lisbon", "PT", "+35191 +35193 +35196", 7),
)


@dataclass(frozen=True)
class Industry:
    name: str
    org_words: tuple[str, ...]  # what organizations of this industry are called
    roles: tuple[str, ...]  # the usual roles, most common first
    offers: tuple[str, ...]  # what its people offer, in their own words
    as_clients: tuple[str, ...]  # how a supplier describes firms of this industry
    provider: bool = False  # serves businesses of many industries: a natural advocate
    firm: bool = False  # a partnership (LLP, & Partners) rather than a company


def _industry(
    name: str, words: str, roles: str, offers: str, clients: str, *, provider: bool = False
) -> Industry:
    firm = name in {"Accounting", "Legal", "Architecture", "Financial planning"}
    return Industry(
        name, _words(words), _lines(roles), _lines(offers), _lines(clients), provider, firm
    )


# In order of how often they appear (a Zipf-like law picks them).
INDUSTRIES: tuple[Industry, ...] = (
    _industry(
        "Manufacturing",
        "Precision Engineering Components Plastics Fabrications Tooling Metalworks Castings",
        "Managing Director\nOperations Director\nPlant Manager\nProduction Manager\n"
        "Quality Manager\nSupply Chain Manager\nEngineering Manager\nFinance Director",
        "contract manufacturing and short production runs\nsheet metal fabrication\nCNC machining",
        "family-owned manufacturers\nengineering and manufacturing SMEs\n"
        "factories with 50 to 500 staff\nmakers, fabricators and machine shops",
    ),
    _industry(
        "Accounting",
        "Accountants Accounting Tax Advisory",
        "Partner\nTax Manager\nAccountant\nBookkeeper\nAudit Manager",
        "bookkeeping and payroll for small firms\nyear-end accounts and tax returns\n"
        "R&D tax credit claims\nfractional CFO support\nmanagement accounts and VAT",
        "accountancy practices",
        provider=True,
    ),
    _industry(
        "Legal",
        "Law Legal Solicitors",
        "Partner\nSolicitor\nAssociate\nEmployment Lawyer\nParalegal",
        "commercial contracts and terms of business\nemployment law advice\n"
        "buying and selling businesses\nshareholder agreements\ncommercial leases",
        "law firms",
        provider=True,
    ),
    _industry(
        "IT services",
        "IT Systems Networks Cyber Technology",
        "IT Director\nSupport Engineer\nCyber Security Consultant\nAccount Manager",
        "managed IT support and cyber security\ncloud migration\nERP implementation",
        "IT companies",
        provider=True,
    ),
    _industry(
        "Marketing",
        "Marketing Digital Creative Media",
        "Marketing Director\nAccount Director\nSEO Specialist\nCopywriter",
        "websites that generate leads\nSEO and paid search\nbrand strategy and design\n"
        "trade show and exhibition marketing",
        "marketing agencies",
        provider=True,
    ),
    _industry(
        "Construction",
        "Construction Builders Contractors Developments",
        "Site Manager\nQuantity Surveyor\nContracts Manager\nProject Manager",
        "office and factory fit-outs\ncommercial building work",
        "builders and contractors\nconstruction firms and developers",
    ),
    _industry(
        "Real estate",
        "Property Estates Surveyors",
        "Commercial Agent\nChartered Surveyor\nProperty Manager",
        "industrial units and warehouse space\noffice lettings\ncommercial property valuations",
        "landlords and property investors",
        provider=True,
    ),
    _industry(
        "Banking",
        "Bank Finance Capital",
        "Relationship Manager\nBusiness Banking Manager\nCredit Analyst\nBranch Manager",
        "asset finance and working-capital loans\ninvoice finance\ncommercial mortgages",
        "banks and lenders",
        provider=True,
    ),
    _industry(
        "Health care",
        "Health Clinic Care Medical",
        "Practice Manager\nGP Partner\nClinical Director\nPhysiotherapist",
        "occupational health services\nphysiotherapy for staff",
        "dental and GP practices\ncare homes and private clinics",
    ),
    _industry(
        "Retail",
        "Stores Retail Outfitters Trading",
        "Store Manager\nBuyer\nE-commerce Manager",
        "corporate gifts",
        "independent retailers\nshops and e-commerce brands",
    ),
    _industry(
        "Recruitment",
        "Recruitment Talent Staffing People",
        "Recruitment Consultant\nTalent Partner\nExecutive Search Consultant",
        "recruiting engineers and production staff\nexecutive search for finance roles",
        "recruitment agencies",
        provider=True,
    ),
    _industry(
        "Hospitality",
        "Hotels Kitchen Taverns Events",
        "General Manager\nHead Chef\nEvents Manager",
        "corporate events and catering",
        "restaurants, pubs and hotels",
    ),
    _industry(
        "Insurance",
        "Insurance Brokers Risk",
        "Insurance Broker\nAccount Executive\nRisk Manager",
        "business insurance and risk reviews\nkey-person and employee benefits cover",
        "insurers and brokers",
        provider=True,
    ),
    _industry(
        "Engineering",
        "Engineering Design Automation Controls",
        "Chartered Engineer\nDesign Engineer\nAutomation Engineer",
        "CAD design and mechanical engineering\nfactory automation and robotics\n"
        "machine maintenance contracts",
        "engineering consultancies",
        provider=True,
    ),
    _industry(
        "Logistics",
        "Logistics Freight Haulage Distribution",
        "Logistics Manager\nTransport Planner\nFreight Forwarder",
        "warehousing and same-day delivery\nfreight forwarding for exporters",
        "hauliers and distributors",
        provider=True,
    ),
    _industry(
        "Financial planning",
        "Wealth Financial Planning",
        "Financial Planner\nWealth Manager\nPensions Adviser",
        "pensions and retirement planning for business owners\nsuccession and exit planning",
        "financial advisers",
        provider=True,
    ),
    _industry(
        "Software",
        "Software Labs Digital Apps",
        "CTO\nSoftware Engineer\nProduct Manager\nSales Engineer",
        "custom software development\nproduction planning and stock control software",
        "tech startups and SaaS companies",
        provider=True,
    ),
    _industry(
        "Consulting",
        "Consulting Advisory Associates Partners",
        "Consultant\nManaging Consultant\nHR Consultant\nBusiness Coach",
        "HR consultancy\nstrategy workshops for leadership teams\nbusiness coaching for owners",
        "consultancies",
        provider=True,
    ),
    _industry(
        "Education",
        "College Academy Training Learning",
        "Head of Business Development\nTraining Manager\nLecturer",
        "management training and apprenticeships",
        "colleges and training providers",
    ),
    _industry(
        "Charity",
        "Trust Foundation Community",
        "Chief Executive\nFundraising Manager\nTrustee",
        "volunteering days for company teams",
        "charities and social enterprises",
    ),
    _industry(
        "Design",
        "Design Studio Creative",
        "Creative Director\nProduct Designer\nIndustrial Designer",
        "product design and prototyping\npackaging design",
        "design studios",
        provider=True,
    ),
    _industry(
        "Food and drink",
        "Foods Bakery Brewing Dairy",
        "Managing Director\nOperations Director\nProduction Manager\nTechnical Manager",
        "private-label food production",
        "food and drink producers",
    ),
    _industry(
        "Printing",
        "Print Signs Press Graphics",
        "Print Manager\nEstimator\nAccount Manager",
        "printing and signage\nbranded merchandise",
        "printers",
        provider=True,
    ),
    _industry(
        "Energy",
        "Energy Solar Power Renewables",
        "Energy Consultant\nSolar Installer\nSustainability Manager",
        "energy audits and solar installations",
        "energy companies",
        provider=True,
    ),
    _industry(
        "Automotive",
        "Motors Automotive Vehicles",
        "Managing Director\nPlant Manager\nService Manager",
        "fleet servicing",
        "automotive suppliers and dealers",
    ),
    _industry(
        "Architecture",
        "Architects Architecture",
        "Architect\nPartner\nArchitectural Technologist",
        "factory and office design\nplanning applications",
        "architecture practices",
        provider=True,
    ),
    _industry(
        "Media",
        "Media Productions Films PR",
        "Producer\nPR Manager\nJournalist",
        "video production and PR",
        "media companies",
        provider=True,
    ),
    _industry(
        "Telecoms",
        "Telecom Communications Connect",
        "Account Manager\nNetwork Engineer",
        "business phone systems and connectivity",
        "telecoms providers",
        provider=True,
    ),
)

GENERAL_ROLES = _lines(
    """
    Managing Director
    Director
    Founder
    Owner
    Operations Director
    Finance Director
    Sales Director
    Business Development Manager
    Office Manager
    HR Manager
    """
)
# Used to build organization names: a base word, then an industry word, then a suffix.
ORG_BASES = _words(
    "Northern Pennine Atlas Apex Summit Riverside Oak Harbour Crown Meridian Vertex Bluebird "
    "Keystone Phoenix Granite Beacon Millstone Ironbridge Redrose Whitestone Kingsway Ashford "
    "Lakeside Highfield Brookside Carlton Sterling Orchard Foundry Canalside Hawthorn Fairfield"
)
COMPANY_SUFFIXES = ("Ltd", "Ltd", "Limited", "Group", "& Sons", "Inc.", "Holdings", "GmbH")
FIRM_SUFFIXES = ("LLP", "& Partners", "& Co", "Associates")

# The same needs are asked for in other words than they are offered in (issue 4 matches them).
ASKS: tuple[tuple[str, str], ...] = (
    ("Accounting", "looking for a bookkeeper"),
    ("Accounting", "needs help claiming R&D tax relief"),
    ("Accounting", "wants a finance director two days a month"),
    ("Legal", "needs an employment lawyer"),
    ("Legal", "looking for someone to review supplier contracts"),
    ("Legal", "planning to sell the business in two years"),
    ("IT services", "our servers keep failing, need IT support"),
    ("IT services", "worried about ransomware"),
    ("Marketing", "wants a new website"),
    ("Marketing", "needs more enquiries from Google"),
    ("Banking", "needs funding for a new machine"),
    ("Banking", "cash flow is tight, exploring finance options"),
    ("Insurance", "reviewing our business insurance"),
    ("Recruitment", "can't find skilled CNC operators"),
    ("Recruitment", "hiring a finance manager"),
    ("Financial planning", "thinking about retirement and who takes over"),
    ("Real estate", "looking for a bigger warehouse"),
    ("Real estate", "needs a small office in the city centre"),
    ("Consulting", "production is late and costs keep rising"),
    ("Consulting", "wants the factory to run more efficiently"),
    ("Logistics", "shipping to Europe has become a headache"),
    ("Manufacturing", "needs a supplier for small batches of metal parts"),
    ("Design", "new packaging for a product launch"),
    ("Energy", "energy bills have doubled"),
    ("Telecoms", "our phone system is out of date"),
    ("Education", "training for new team leaders"),
    ("Health care", "staff keep going off sick with back problems"),
    ("Printing", "signage for the new unit"),
    ("Media", "a short film about the company for the website"),
    ("Software", "spreadsheets for stock control are breaking"),
)
GENERIC_OFFERS = _lines(
    """
    introductions across the local business community
    a seat on the Chamber's manufacturing committee
    speaking slots at the monthly breakfast
    """
)
TAGS = _words(
    "chamber bni referral-partner family-business exporter golf rotary speaker board "
    "investor alumni cycling women-in-business connector supplier mentor young-professionals"
)
PERSON_NOTES = _lines(
    """
    Keen cyclist; rides the Peak District most weekends.
    Very well connected in the Chamber.
    Prefers WhatsApp to email.
    Sits on the board of a local charity.
    Always brings someone new to events.
    Runs a podcast on family businesses.
    Speaks German and Polish.
    Moving to a new office in the spring.
    Ex-Army: direct and reliable.
    Knows everyone in the Manchester manufacturing scene.
    Generous with introductions; never keeps score.
    Busy until the end of the quarter; call in the new year.
    """
)
INTERACTION_NOTES = _lines(
    """
    Caught up on their plans for the year.
    Talked about referral partners.
    Discussed their hiring problems.
    Swapped introductions.
    Shared an article on lean manufacturing.
    Asked how I could help.
    Talked about their biggest client.
    Gave feedback on their pitch.
    Discussed a possible joint workshop.
    Followed up on the introduction.
    """
)
EVENT_SERIES = _lines(
    """
    {city} Chamber breakfast
    BNI {city} Central visitor day
    Made in the North manufacturing forum
    {city} Business Network lunch
    Family Business Forum
    Women in Business networking
    Lean & Digital Manufacturing conference
    Accountants and lawyers referral mixer
    {city} Tech Meetup
    Export & Growth seminar
    Institute of Directors drinks
    Manufacturing Leaders roundtable
    """
)
VENUES = _lines(
    """
    Town Hall, {city}
    The Grand Hotel, {city}
    Science Park, {city}
    Chamber House, {city}
    Innovation Centre, {city}
    The Engine Shed, {city}
    """
)
MAIL_DOMAINS = ("fastmail.test", "mail.test", "outlook.test")


@dataclass(frozen=True)
class Me:
    """The owner of the demo network: a consultant with a clear ideal client."""

    name: str = "Jordan Ashworth"
    email: str = "jordan@ashworth-lean.test"
    phone: str = "+447700123456"
    organization: str = "Ashworth Lean Consulting Ltd"
    domain: str = "ashworth-lean.test"
    role: str = "Founder, operations consultant"
    industry: str = "Consulting"
    city: str = "Manchester"
    serves: str = "owner-managed manufacturers with 50 to 500 staff in the North of England"
    offers: str = "lean manufacturing and operational improvement: shorter lead times, less waste"
    asks: str = "introductions to managing and operations directors at manufacturers"
    notes: str = "Typical result: lead times down 30% and on-time delivery above 95% in a year."
    # Whom I want to meet: the ideal client profile later commands are set up with.
    icp_industries: tuple[str, ...] = ("Manufacturing", "Food and drink", "Automotive")
    icp_roles: tuple[str, ...] = (
        "Managing Director",
        "Operations Director",
        "Plant Manager",
        "Production Manager",
        "Owner",
    )
    icp_cities: tuple[str, ...] = ("Manchester", "Leeds", "Sheffield", "Liverpool")
    icp_org_size: tuple[int, int] = (50, 500)


ME = Me()
