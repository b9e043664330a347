"""The facts of pilot three, from the board's report, as data for load_pilot_three.

The organizations, content areas, partner districts, award amounts, clock hours and the
reported totals are the board's. Participants are invented (obviously fake names at
example.org), distributed so that the product, computing from them, reproduces the
report: 132 micro-credentials earned (ECS 34, CR-SEL 88, RWT 10), 18 of them on the first
attempt, educators from 29 school districts, and 100 paid stipends from $50 to $650 with
a mean of $230.00 at ten sites."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")

PROGRAM = {
    "name": "Pilot three",
    "slug": "pilot-three",
    "period_label": "2018-19",
    "starts_on": date(2018, 9, 1),
    "ends_on": date(2019, 6, 30),
    "award_amount": Decimal("18000.00"),
    "budget": Decimal("252000.00"),
    "clock_hours": 20,
    "max_attempts": 5,
    "report_due_on": date(2019, 6, 14),
    "content_areas": ["ECS", "CR-SEL", "RWT"],
}

RFP = {
    "title": "Pilot three: micro-credential pilot grants, 2018-19",
    "slug": "pilot-three-rfp",
    "summary": (
        "Grants of $18,000 for school districts, educational service districts, "
        "universities, community organizations and district consortia to support "
        "educators earning micro-credentials in Elementary Computer Science, Culturally "
        "Responsive Social Emotional Learning, or Recruiting Washington Teachers."
    ),
    "opens_at": datetime(2018, 6, 1, 9, 0, tzinfo=PACIFIC),
    "closes_at": datetime(2018, 7, 13, 17, 0, tzinfo=PACIFIC),
    "eligible_org_types": ["school_district", "esd", "higher_ed", "community", "consortium"],
    "questions": [
        "What need will the pilot meet for your educators and students?",
        "What is your plan to recruit participants and support them through submission?",
        "What support structures will participants have (meetings, coaching, PLC time)?",
        "What incentives will you offer (stipends, clock hours, other)?",
        "How does this work connect to your existing initiatives?",
    ],
}

# The next pilot's RFP is open whenever the demo is loaded, so the demo applicant can
# try the whole application. Its window is set relative to the day of loading.
NEXT_PROGRAM = {
    "name": "Pilot four",
    "slug": "pilot-four",
    "period_label": "2027-28",
    "starts_on": date(2027, 9, 1),
    "ends_on": date(2028, 6, 30),
    "award_amount": Decimal("18000.00"),
    "budget": Decimal("270000.00"),
    "clock_hours": 20,
    "max_attempts": 5,
    "report_due_on": date(2028, 6, 14),
    "content_areas": ["ECS", "CR-SEL", "RWT"],
}

NEXT_RFP = {
    "title": "Pilot four: micro-credential pilot grants, 2027-28",
    "slug": "pilot-four-rfp",
    "summary": (
        "Grants of $18,000 for school districts, educational service districts, universities, "
        "community organizations and district consortia to support educators earning "
        "micro-credentials in Elementary Computer Science, Culturally Responsive Social "
        "Emotional Learning, or Recruiting Washington Teachers."
    ),
    "opened_days_ago": 7,
    "open_for_days": 90,
    "eligible_org_types": ["school_district", "esd", "higher_ed", "community", "consortium"],
    "questions": RFP["questions"],
    "faq": [
        (
            "Can we propose more than one content area?",
            "<p>Yes. Choose every content area your site will pilot.</p>",
        ),
        (
            "Must the budget include stipends?",
            "<p>Include a participant stipends line, even if it is $0: the board reports "
            "what sites offer educators.</p>",
        ),
        (
            "Can we change the application after submitting it?",
            "<p>No, but you can withdraw it and submit a new one while the RFP is open.</p>",
        ),
    ],
}

SUBMITTED_AT = datetime(2018, 7, 10, 14, 30, tzinfo=PACIFIC)
DECIDED_AT = datetime(2018, 8, 15, 10, 0, tzinfo=PACIFIC)
REPORTS_AT = datetime(2019, 6, 10, 12, 0, tzinfo=PACIFIC)
PAID_ON = date(2019, 6, 21)

CONVENING = {
    "title": "Pilot three policy convening",
    "slug": "pilot-three-convening",
    "event_date": date(2019, 10, 17),
    "place": "Tacoma, Washington",
    "intro": (
        "<p>About one hundred educators, site coordinators, higher-education partners and "
        "policy makers met to discuss what pilot three taught about micro-credentials: "
        "alignment to standards, assessment, educator support and collaboration, incentives, "
        "and platform providers.</p>"
    ),
}

HONORARY_SITE = "seattle-university"

# Earned micro-credentials per site: "ECS"/"CR-SEL" are counts of participants who each
# earned one; "RWT" lists, per participant, the RWT micro-credentials they earned.
# "first" is how many of the site's earned credentials came on the first attempt,
# "others" how many further participants submitted without earning.
# Stipends: (trigger, amount) rules; "both" lets a participant receive both triggers.
SITES = [
    {
        "slug": "bellevue-sd",
        "org": "Bellevue School District",
        "type": "school_district",
        "district": "Bellevue School District",
        "areas": ["CR-SEL"],
        "partners": [],
        "earned": {"CR-SEL": 12},
        "first": 2,
        "others": 3,
        "districts": ["Bellevue School District"],
        "roles": {"administrator": 1, "school_counselor": 1},
        "stipends": [("earned", "200.00")],
        "supports": ["in_person", "plc", "coaching"],
    },
    {
        "slug": "central-washington-university",
        "org": "Central Washington University",
        "type": "higher_ed",
        "areas": ["RWT"],
        "partners": ["Grandview School District", "Mabton School District"],
        "earned": {"RWT": [["RWT-1", "RWT-2", "RWT-3"], ["RWT-1", "RWT-2"], ["RWT-1"]]},
        "first": 1,
        "others": 2,
        "districts": ["Grandview School District", "Mabton School District"],
        "roles": {"university_faculty": 1, "paraeducator": 1},
        "stipends": [],
        "supports": ["in_person", "paired"],
    },
    {
        "slug": "city-university-of-seattle",
        "org": "City University of Seattle",
        "type": "higher_ed",
        "areas": ["CR-SEL"],
        "partners": ["Selah School District"],
        "earned": {"CR-SEL": 8},
        "first": 1,
        "others": 2,
        "districts": ["Selah School District"],
        "roles": {"university_faculty": 1},
        "stipends": [("earned", "250.00")],
        "supports": ["discussion_board", "coaching"],
    },
    {
        "slug": "eastern-washington-university",
        "org": "Eastern Washington University",
        "type": "higher_ed",
        "areas": ["ECS", "CR-SEL"],
        "partners": ["Cheney School District", "Liberty School District"],
        "earned": {"ECS": 6, "CR-SEL": 5},
        "first": 2,
        "others": 3,
        "districts": ["Cheney School District", "Liberty School District"],
        "roles": {"university_faculty": 2, "administrator": 1},
        "stipends": [("earned", "300.00")],
        "supports": ["in_person", "discussion_board", "paired"],
    },
    {
        "slug": "esd-101",
        "org": "NorthEast Washington ESD 101",
        "type": "esd",
        "district": "NorthEast Washington ESD 101",
        "areas": ["ECS"],
        "partners": [],
        "earned": {"ECS": 10},
        "first": 1,
        "others": 3,
        "districts": [
            "Deer Park School District",
            "Colville School District",
            "Mead School District",
            "Newport School District",
        ],
        "esd_participants": 1,
        "roles": {"administrator": 1},
        "stipends": [],
        "supports": ["in_person", "coaching", "plc"],
    },
    {
        "slug": "esd-113",
        "org": "Capital Region ESD 113",
        "type": "esd",
        "district": "Capital Region ESD 113",
        "areas": ["CR-SEL"],
        "partners": [],
        "earned": {"CR-SEL": 10},
        "first": 1,
        "others": 4,
        "districts": [
            "Tumwater School District",
            "North Thurston Public Schools",
            "Shelton School District",
            "Centralia School District",
        ],
        "roles": {"school_counselor": 2, "paraeducator": 1},
        "stipends": [("first_submission", "50.00"), ("earned", "200.00")],
        "both": True,
        "supports": ["in_person", "plc", "discussion_board"],
    },
    {
        "slug": "olympia-sd",
        "org": "Olympia School District",
        "type": "school_district",
        "district": "Olympia School District",
        "areas": ["CR-SEL"],
        "partners": [],
        "earned": {"CR-SEL": 11},
        "first": 2,
        "others": 3,
        "districts": ["Olympia School District"],
        "roles": {"administrator": 1, "paraeducator": 1},
        "stipends": [("earned", "200.00")],
        "supports": ["plc", "paired"],
    },
    {
        "slug": "rib-h-consortium",
        "org": "Renton, Issaquah, Bellevue and Highline ECS Consortium",
        "type": "consortium",
        "areas": ["ECS"],
        "partners": [
            "Renton School District",
            "Issaquah School District",
            "Bellevue School District",
            "Highline School District",
        ],
        "earned": {"ECS": 12},
        "first": 2,
        "others": 4,
        "districts": [
            "Renton School District",
            "Issaquah School District",
            "Bellevue School District",
            "Highline School District",
        ],
        "roles": {"administrator": 2, "school_counselor": 1},
        "stipends": [],
        "supports": ["in_person", "coaching", "discussion_board", "plc"],
    },
    {
        "slug": "ridgefield-sd",
        "org": "Ridgefield School District",
        "type": "school_district",
        "district": "Ridgefield School District",
        "areas": ["CR-SEL"],
        "partners": [],
        "earned": {"CR-SEL": 9},
        "first": 1,
        "others": 2,
        "districts": ["Ridgefield School District"],
        "roles": {"school_counselor": 1},
        "stipends": [("earned", "250.00")],
        "supports": ["plc"],
    },
    {
        "slug": "seattle-public-schools",
        "org": "Seattle Public Schools",
        "type": "school_district",
        "district": "Seattle Public Schools",
        "areas": ["RWT"],
        "partners": [],
        "earned": {"RWT": [["RWT-1", "RWT-2"], ["RWT-1"], ["RWT-3"]]},
        "first": 0,
        "others": 2,
        "districts": ["Seattle Public Schools"],
        "roles": {"paraeducator": 2, "administrator": 1},
        "stipends": [("earned", "650.00")],
        "supports": ["in_person", "coaching"],
    },
    {
        "slug": "seattle-university",
        "org": "Seattle University",
        "type": "higher_ed",
        "areas": ["CR-SEL"],
        "partners": ["Seattle Public Schools", "Shoreline School District"],
        "earned": {"CR-SEL": 7},
        "first": 1,
        "others": 2,
        "districts": ["Seattle Public Schools", "Shoreline School District"],
        "roles": {"university_faculty": 1},
        "stipends": [],
        "supports": ["discussion_board", "other"],
    },
    {
        "slug": "sumner-bonney-lake-sd",
        "org": "Sumner-Bonney Lake School District",
        "type": "school_district",
        "district": "Sumner-Bonney Lake School District",
        "areas": ["ECS"],
        "partners": [],
        "earned": {"ECS": 6},
        "first": 1,
        "others": 2,
        "districts": ["Sumner-Bonney Lake School District"],
        "roles": {"administrator": 1},
        "stipends": [("earned", "300.00")],
        "supports": ["in_person", "paired"],
    },
    {
        "slug": "the-rural-alliance",
        "org": "The Rural Alliance",
        "type": "community",
        "areas": ["CR-SEL"],
        "partners": [
            "Dayton School District",
            "Touchet School District",
            "Colfax School District",
            "Prescott School District",
        ],
        "earned": {"CR-SEL": 9},
        "first": 1,
        "others": 3,
        "districts": [
            "Dayton School District",
            "Touchet School District",
            "Colfax School District",
            "Prescott School District",
        ],
        "roles": {"administrator": 1, "school_counselor": 1},
        "stipends": [("earned", "200.00")],
        "supports": ["discussion_board", "coaching"],
    },
    {
        "slug": "waitsburg-sd",
        "org": "Waitsburg School District",
        "type": "school_district",
        "district": "Waitsburg School District",
        "areas": ["CR-SEL"],
        "partners": [],
        "earned": {"CR-SEL": 6},
        "first": 0,
        "others": 1,
        "districts": ["Waitsburg School District"],
        "roles": {"paraeducator": 1},
        "stipends": [("earned", "325.00")],
        "supports": ["paired", "plc"],
    },
    {
        "slug": "whitworth-university",
        "org": "Whitworth University",
        "type": "higher_ed",
        "areas": ["CR-SEL"],
        "partners": [
            "Mead School District",
            "Spokane School District",
            "Nine Mile Falls School District",
        ],
        "earned": {"CR-SEL": 11},
        "first": 2,
        "others": 3,
        "districts": [
            "Mead School District",
            "Spokane School District",
            "Nine Mile Falls School District",
        ],
        "roles": {"university_faculty": 1, "school_counselor": 1},
        "stipends": [],
        "supports": ["in_person", "discussion_board", "coaching"],
    },
]

FIRST_NAMES = [
    "Avery",
    "Blake",
    "Casey",
    "Devon",
    "Emery",
    "Finley",
    "Gray",
    "Harper",
    "Indigo",
    "Jordan",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Reese",
    "Sage",
    "Taylor",
    "Umber",
    "Val",
    "Wren",
    "Xen",
    "Yael",
    "Zion",
]
# Surnames that no one will take for a real educator.
LAST_NAMES = [
    "Example",
    "Sample",
    "Placeholder",
    "Fictional",
    "Demo",
    "Testperson",
    "Madeup",
    "Pretend",
    "Dummy",
    "Mockley",
    "Specimen",
    "Notreal",
]

DEMO_PASSWORD = "pilot-three-demo"  # noqa: S105 - printed by make demo, for local use only

DEMO_USERS = {
    "staff": ("staff@example.org", "Sam", "Staffer"),
    "reviewer": ("reviewer@example.org", "Riley", "Reviewer"),
    "finance": ("finance@example.org", "Frances", "Finance"),
    "coordinator": ("coordinator@example.org", "Cory", "Coordinator"),
    "applicant": ("applicant@example.org", "Ari", "Applicant"),
}

# Staff and finance sign in with a second factor. These demo keys (hex, as django-otp
# stores them) let `python manage.py demo_totp <email>` print the current code.
DEMO_TOTP_KEYS = {
    "staff@example.org": "3132333435363738393031323334353637383930",
    "finance@example.org": "3031323334353637383930313233343536373839",
}

# The review panel's rubric for pilot three, and a second panel reviewer beside the demo
# reviewer. Each application gets two submitted reviews before it is decided.
RUBRIC = [
    ("Need and fit", "How well the pilot meets a need of the educators it will serve."),
    ("Plan and support", "Cohort structure, protected time and coaching for candidates."),
    ("Partnerships", "Partner districts and how the site will reach them."),
    ("Capacity", "Staff, coordination and the budget's fit to the plan."),
]
PANEL_REVIEWER = ("panel.reviewer@example.org", "Pat", "Panelist")


# The convening's small groups and the site stories (issue 7). Quotes are invented; the
# ones marked False had no consent to publish and must never appear publicly.
CONVENING_SESSIONS = [
    (
        "alignment",
        "Standards and micro-credentials",
        "How should micro-credentials align with the professional teaching standards and "
        "with certificate renewal?",
        "Room A",
    ),
    (
        "assessment",
        "Judging a portfolio",
        "What makes the assessment of a micro-credential trustworthy, and what would make "
        "resubmission easier?",
        "Room B",
    ),
    (
        "support",
        "Support and collaboration",
        "Which supports (meetings, coaching, PLC time, pairs) most helped educators finish?",
        "Room C",
    ),
    (
        "incentives",
        "Stipends, clock hours and more",
        "Which incentives should a statewide program offer, and how should they be paid?",
        "Room D",
    ),
    (
        "platforms",
        "Platform providers",
        "What should the state expect of the platforms that host micro-credentials?",
        "Room E",
    ),
]

SITE_QUOTES = [
    ("I wanted my students to see themselves in what we teach.", "Teacher", True),
    ("Working in pairs kept me going when the second submission came back.", "Teacher", True),
    ("Private note from a participant who did not want to be quoted.", "Teacher", False),
]
