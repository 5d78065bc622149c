"""Static tables the corpus generator draws from: categories, skills, countries, text parts.

Category and subcategory ids are Upwork's public taxonomy ids where they are known. Weights are
rough shares of the job market (software work dominates, legal and translation are rare); they
are estimates, not measurements.
"""

from __future__ import annotations

from typing import NamedTuple


class Subcategory(NamedTuple):
    id: str
    label: str
    # (name, prettyName) pairs, most typical first.
    skills: tuple[tuple[str, str], ...]
    # Short noun phrases naming a deliverable, used in titles and descriptions.
    projects: tuple[str, ...]
    # Role nouns for titles, for example "developer" or "designer".
    roles: tuple[str, ...]


class Category(NamedTuple):
    id: str
    label: str
    slug: str
    weight: int
    subcategories: tuple[Subcategory, ...]


class Country(NamedTuple):
    name: str
    iso2: str
    iso3: str
    timezone: str
    offset: str
    weight: int
    cities: tuple[str, ...]
    # Share, in percent, of this country's postings whose country is given as the ISO 3166
    # three-letter code instead of the name, as some live records do.
    code_percent: int = 0


def _skills(*pairs: str) -> tuple[tuple[str, str], ...]:
    """Build (name, prettyName) pairs from pretty names, deriving Upwork-style slugs."""
    result = []
    for pretty in pairs:
        slug = pretty.lower().replace(" & ", "-").replace(" ", "-").replace("/", "-")
        result.append((slug, pretty))
    return tuple(result)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "531770282580668418",
        "Web, Mobile & Software Dev",
        "web_mobile_software_dev",
        45,
        (
            Subcategory(
                "531770282584862733",
                "Web Development",
                _skills(
                    "Django",
                    "Python",
                    "JavaScript",
                    "React",
                    "Node.js",
                    "PHP",
                    "Laravel",
                    "HTML",
                    "CSS",
                    "TypeScript",
                    "Vue.js",
                    "REST API",
                    "PostgreSQL",
                    "MySQL",
                    "Next.js",
                    "GraphQL",
                    "Tailwind CSS",
                    "Ruby on Rails",
                ),
                (
                    "web application",
                    "customer portal",
                    "booking website",
                    "admin dashboard",
                    "SaaS MVP",
                    "marketplace platform",
                    "REST API backend",
                    "membership site",
                ),
                ("developer", "full stack developer", "backend developer", "frontend developer"),
            ),
            Subcategory(
                "531770282589057024",
                "Mobile Development",
                _skills(
                    "Flutter",
                    "React Native",
                    "iOS Development",
                    "Android App Development",
                    "Swift",
                    "Kotlin",
                    "Firebase",
                    "Dart",
                    "Mobile App Development",
                    "App Store Optimization",
                ),
                (
                    "mobile app",
                    "iOS app",
                    "Android app",
                    "cross-platform app",
                    "fitness tracking app",
                    "delivery app",
                    "chat app",
                ),
                ("mobile developer", "app developer", "Flutter developer", "iOS developer"),
            ),
            Subcategory(
                "1737190722360750082",
                "AI Apps & Integration",
                _skills(
                    "OpenAI API",
                    "Python",
                    "LangChain",
                    "ChatGPT",
                    "AI Chatbot",
                    "Large Language Model",
                    "Retrieval Augmented Generation",
                    "FastAPI",
                    "Vector Database",
                    "Prompt Engineering",
                    "AI Agent Development",
                ),
                (
                    "AI chatbot",
                    "RAG pipeline",
                    "AI agent",
                    "GPT integration",
                    "document question answering tool",
                    "voice assistant",
                ),
                ("AI engineer", "LLM developer", "AI developer"),
            ),
            Subcategory(
                "531770282589057028",
                "Scripts & Utilities",
                _skills(
                    "Python",
                    "Web Scraping",
                    "Automation",
                    "Bash",
                    "Selenium",
                    "API Integration",
                    "Google Apps Script",
                    "Scrapy",
                    "Chrome Extension",
                ),
                (
                    "web scraper",
                    "automation script",
                    "browser extension",
                    "data sync script",
                    "Google Sheets automation",
                    "CLI tool",
                ),
                ("Python developer", "automation engineer", "scripting expert"),
            ),
            Subcategory(
                "531770282589057026",
                "Ecommerce Development",
                _skills(
                    "Shopify",
                    "WooCommerce",
                    "WordPress",
                    "Magento",
                    "Shopify Templates",
                    "BigCommerce",
                    "Stripe",
                    "Liquid",
                ),
                ("Shopify store", "WooCommerce shop", "checkout flow", "product catalog import"),
                ("Shopify developer", "ecommerce developer", "WordPress developer"),
            ),
            Subcategory(
                "531770282589057027",
                "Game Design & Development",
                _skills(
                    "Unity",
                    "Unreal Engine",
                    "C#",
                    "C++",
                    "Game Development",
                    "Godot",
                    "3D Modeling",
                    "Multiplayer Game",
                ),
                ("mobile game", "multiplayer prototype", "VR experience", "game level"),
                ("game developer", "Unity developer", "Unreal developer"),
            ),
            Subcategory(
                "531770282589057031",
                "QA Testing",
                _skills(
                    "Manual Testing",
                    "Test Automation",
                    "Selenium",
                    "Cypress",
                    "Playwright",
                    "API Testing",
                    "Jest",
                    "pytest",
                ),
                ("test suite", "regression test plan", "end-to-end tests", "load test"),
                ("QA engineer", "test automation engineer", "tester"),
            ),
            Subcategory(
                "1517518458442309632",
                "Blockchain, NFT & Cryptocurrency",
                _skills(
                    "Solidity",
                    "Smart Contract",
                    "Ethereum",
                    "Web3.js",
                    "Rust",
                    "Solana",
                    "Blockchain",
                    "DeFi",
                ),
                ("smart contract", "token launch", "NFT minting site", "DeFi dashboard"),
                ("blockchain developer", "Solidity developer", "web3 developer"),
            ),
            Subcategory(
                "531770282589057029",
                "Web & Mobile Design",
                _skills(
                    "Figma",
                    "UI Design",
                    "UX Design",
                    "Web Design",
                    "Mobile App Design",
                    "Wireframing",
                    "Prototyping",
                    "Adobe XD",
                ),
                ("landing page design", "app UI", "design system", "website redesign"),
                ("UI/UX designer", "web designer", "product designer"),
            ),
            Subcategory(
                "531770282589057032",
                "Other - Software Development",
                _skills(
                    "Java",
                    "C#",
                    ".NET",
                    "Go",
                    "Rust",
                    "Software Architecture",
                    "Microservices",
                    "Docker",
                    "Desktop Application",
                ),
                ("internal tool", "legacy system migration", "desktop application", "plugin"),
                ("software engineer", "software developer", ".NET developer", "Java developer"),
            ),
        ),
    ),
    Category(
        "531770282580668420",
        "Data Science & Analytics",
        "data_science_analytics",
        12,
        (
            Subcategory(
                "531770282593251329",
                "AI & Machine Learning",
                _skills(
                    "Machine Learning",
                    "Python",
                    "Deep Learning",
                    "TensorFlow",
                    "PyTorch",
                    "Computer Vision",
                    "Natural Language Processing",
                    "scikit-learn",
                    "Data Science",
                ),
                (
                    "churn prediction model",
                    "image classifier",
                    "recommendation engine",
                    "fine-tuned language model",
                    "forecasting model",
                ),
                ("machine learning engineer", "data scientist", "ML engineer"),
            ),
            Subcategory(
                "531770282593251330",
                "Data Analysis & Testing",
                _skills(
                    "Data Analysis",
                    "SQL",
                    "Microsoft Excel",
                    "Tableau",
                    "Power BI",
                    "Python",
                    "R",
                    "Statistics",
                    "Data Visualization",
                ),
                (
                    "sales dashboard",
                    "KPI report",
                    "survey analysis",
                    "A/B test analysis",
                    "Power BI report",
                ),
                ("data analyst", "BI analyst", "Excel expert"),
            ),
            Subcategory(
                "531770282593251331",
                "Data Extraction/ETL",
                _skills(
                    "ETL Pipeline",
                    "Data Extraction",
                    "Apache Airflow",
                    "SQL",
                    "Snowflake",
                    "dbt",
                    "Python",
                    "Data Engineering",
                ),
                ("ETL pipeline", "data warehouse", "Airflow DAGs", "dbt models"),
                ("data engineer", "ETL developer"),
            ),
            Subcategory(
                "531770282589057038",
                "Data Mining & Management",
                _skills(
                    "Data Mining",
                    "Data Cleaning",
                    "Database Design",
                    "Data Entry",
                    "MongoDB",
                    "PostgreSQL",
                ),
                ("lead database", "data cleanup", "CRM data migration"),
                ("data specialist", "database expert"),
            ),
        ),
    ),
    Category(
        "531770282580668421",
        "Design & Creative",
        "design_creative",
        10,
        (
            Subcategory(
                "1044578476142100480",
                "Branding & Logo Design",
                _skills("Logo Design", "Brand Identity", "Adobe Illustrator", "Graphic Design"),
                ("logo", "brand identity kit", "brand guidelines"),
                ("logo designer", "brand designer"),
            ),
            Subcategory(
                "531770282593251334",
                "Graphic, Editorial & Presentation Design",
                _skills(
                    "Graphic Design",
                    "Adobe Photoshop",
                    "Canva",
                    "Presentation Design",
                    "Adobe InDesign",
                    "Infographic",
                ),
                ("pitch deck", "brochure", "social media graphics", "book layout"),
                ("graphic designer", "presentation designer"),
            ),
            Subcategory(
                "1356688570056970240",
                "Video & Animation",
                _skills(
                    "Video Editing",
                    "Adobe Premiere Pro",
                    "Motion Graphics",
                    "Adobe After Effects",
                    "2D Animation",
                    "YouTube",
                    "Explainer Video",
                ),
                ("YouTube video edit", "explainer video", "product animation", "short-form reels"),
                ("video editor", "motion designer", "animator"),
            ),
            Subcategory(
                "531770282593251335",
                "Art & Illustration",
                _skills(
                    "Illustration",
                    "Digital Painting",
                    "Children's Book Illustration",
                    "Character Design",
                ),
                ("book illustrations", "character sheet", "mascot"),
                ("illustrator", "artist"),
            ),
            Subcategory(
                "531770282593251341",
                "Audio & Music Production",
                _skills(
                    "Audio Editing", "Music Production", "Mixing", "Podcast Editing", "Voice-Over"
                ),
                ("podcast edit", "jingle", "voice-over recording"),
                ("audio engineer", "music producer", "voice actor"),
            ),
        ),
    ),
    Category(
        "531770282580668422",
        "Sales & Marketing",
        "sales_marketing",
        7,
        (
            Subcategory(
                "531770282597445636",
                "Digital Marketing",
                _skills(
                    "Search Engine Optimization",
                    "Google Ads",
                    "Facebook Ads",
                    "Social Media Marketing",
                    "Email Marketing",
                    "Google Analytics",
                    "Content Marketing",
                    "HubSpot",
                ),
                ("SEO audit", "ad campaign", "email sequence", "social media strategy"),
                ("digital marketer", "SEO specialist", "PPC expert"),
            ),
            Subcategory(
                "531770282597445634",
                "Lead Generation & Telemarketing",
                _skills(
                    "Lead Generation",
                    "Cold Calling",
                    "LinkedIn Sales Navigator",
                    "Appointment Setting",
                    "B2B Marketing",
                ),
                ("B2B lead list", "cold outreach campaign", "appointment setting"),
                ("lead generation specialist", "appointment setter", "SDR"),
            ),
        ),
    ),
    Category(
        "531770282580668419",
        "IT & Networking",
        "it_networking",
        5,
        (
            Subcategory(
                "531770282589057037",
                "DevOps & Solution Architecture",
                _skills(
                    "DevOps",
                    "Amazon Web Services",
                    "Docker",
                    "Kubernetes",
                    "Terraform",
                    "CI/CD",
                    "Linux System Administration",
                    "Google Cloud Platform",
                ),
                ("CI/CD pipeline", "Kubernetes cluster", "AWS migration", "Terraform setup"),
                ("DevOps engineer", "cloud architect", "SRE"),
            ),
            Subcategory(
                "531770282589057034",
                "ERP/CRM Software",
                _skills("Salesforce", "HubSpot", "Odoo", "Zoho CRM", "NetSuite", "SAP"),
                ("CRM setup", "Odoo module", "Salesforce integration"),
                ("Salesforce developer", "CRM consultant", "Odoo developer"),
            ),
            Subcategory(
                "531770282589057036",
                "Information Security & Compliance",
                _skills(
                    "Network Security",
                    "Penetration Testing",
                    "SOC 2",
                    "ISO 27001",
                    "Vulnerability Assessment",
                ),
                ("penetration test", "SOC 2 readiness review", "security audit"),
                ("security consultant", "pentester"),
            ),
        ),
    ),
    Category(
        "531770282580668423",
        "Writing",
        "writing",
        5,
        (
            Subcategory(
                "1301900640421842944",
                "Content Writing",
                _skills(
                    "Content Writing",
                    "Blog Writing",
                    "SEO Writing",
                    "Copywriting",
                    "Article Writing",
                    "Ghostwriting",
                ),
                ("blog posts", "website copy", "product descriptions", "newsletter"),
                ("content writer", "copywriter", "ghostwriter"),
            ),
            Subcategory(
                "531770282597445646",
                "Professional & Business Writing",
                _skills(
                    "Business Writing",
                    "Grant Writing",
                    "Technical Writing",
                    "Proofreading",
                    "Resume Writing",
                ),
                ("grant proposal", "technical documentation", "business plan"),
                ("technical writer", "grant writer", "editor"),
            ),
        ),
    ),
    Category(
        "531770282580668416",
        "Admin Support",
        "admin_support",
        5,
        (
            Subcategory(
                "531770282584862725",
                "Virtual Assistance",
                _skills(
                    "Virtual Assistance",
                    "Email Management",
                    "Calendar Management",
                    "Administrative Support",
                    "Google Workspace",
                ),
                ("inbox management", "calendar management", "travel planning"),
                ("virtual assistant", "executive assistant"),
            ),
            Subcategory(
                "531770282584862724",
                "Data Entry & Transcription Services",
                _skills("Data Entry", "Transcription", "Microsoft Excel", "Typing", "Copy Paste"),
                ("data entry", "transcription", "spreadsheet cleanup"),
                ("data entry specialist", "transcriptionist"),
            ),
            Subcategory(
                "531770282584862728",
                "Project Management",
                _skills("Project Management", "Asana", "Jira", "Trello", "Scrum"),
                ("project coordination", "sprint planning", "Jira board setup"),
                ("project manager", "project coordinator"),
            ),
            Subcategory(
                "531770282584862726",
                "Market Research & Product Reviews",
                _skills(
                    "Market Research", "Competitive Analysis", "Online Research", "Product Research"
                ),
                ("competitor analysis", "market sizing", "product research"),
                ("market researcher", "research assistant"),
            ),
        ),
    ),
    Category(
        "531770282584862721",
        "Accounting & Consulting",
        "accounting_consulting",
        3,
        (
            Subcategory(
                "531770282601639943",
                "Accounting & Bookkeeping",
                _skills(
                    "Bookkeeping", "QuickBooks Online", "Xero", "Accounting", "Financial Reporting"
                ),
                ("monthly bookkeeping", "QuickBooks cleanup", "year-end accounts"),
                ("bookkeeper", "accountant"),
            ),
            Subcategory(
                "531770282601639945",
                "Financial Planning",
                _skills("Financial Modeling", "Financial Analysis", "Budgeting", "Valuation"),
                ("financial model", "startup valuation", "budget forecast"),
                ("financial analyst", "FP&A consultant"),
            ),
            Subcategory(
                "531770282601639944",
                "Management Consulting & Analysis",
                _skills(
                    "Business Consulting",
                    "Business Strategy",
                    "Operations Management",
                    "Process Improvement",
                ),
                ("go-to-market strategy", "operations review", "process map"),
                ("business consultant", "strategy consultant"),
            ),
            Subcategory(
                "531770282601639946",
                "Recruiting & Human Resources",
                _skills("Recruiting", "Technical Recruiting", "Human Resources", "Sourcing"),
                ("candidate sourcing", "HR policy handbook", "hiring pipeline"),
                ("recruiter", "HR consultant"),
            ),
        ),
    ),
    Category(
        "531770282580668417",
        "Customer Service",
        "customer_service",
        2,
        (
            Subcategory(
                # NOTE: made-up id; Upwork's id for this subcategory is not known here.
                "531770282584862730",
                "Customer Service & Tech Support",
                _skills(
                    "Customer Service",
                    "Customer Support",
                    "Zendesk",
                    "Live Chat",
                    "Technical Support",
                ),
                ("customer support inbox", "live chat coverage", "help desk"),
                ("customer support agent", "support specialist"),
            ),
            Subcategory(
                "1484275072572772352",
                "Community Management & Tagging",
                _skills("Community Management", "Discord", "Content Moderation", "Data Labeling"),
                ("Discord community", "content moderation", "image tagging"),
                ("community manager", "moderator"),
            ),
        ),
    ),
    Category(
        "531770282584862722",
        "Engineering & Architecture",
        "engineering_architecture",
        2,
        (
            Subcategory(
                "531770282601639948",
                "3D Modeling & CAD",
                _skills("AutoCAD", "SolidWorks", "3D Modeling", "Fusion 360", "Product Design"),
                ("CAD drawings", "3D printable model", "product enclosure"),
                ("CAD designer", "mechanical designer"),
            ),
            Subcategory(
                "531770282601639951",
                "Electrical & Electronic Engineering",
                _skills("PCB Design", "Embedded Systems", "Arduino", "KiCad", "Circuit Design"),
                ("PCB layout", "embedded firmware", "IoT prototype"),
                ("electrical engineer", "embedded engineer"),
            ),
        ),
    ),
    Category(
        "531770282584862720",
        "Translation",
        "translation",
        2,
        (
            Subcategory(
                "531770282601639939",
                "Translation & Localization Services",
                _skills(
                    "Translation", "Spanish", "German", "French", "Localization", "Proofreading"
                ),
                ("website localization", "document translation", "app string translation"),
                ("translator", "localization specialist"),
            ),
            Subcategory(
                "1534904461842268160",
                "Language Tutoring & Interpretation",
                _skills("Language Tutoring", "English Tutoring", "Interpretation"),
                ("conversation lessons", "interpretation session"),
                ("language tutor", "interpreter"),
            ),
        ),
    ),
    Category(
        "531770282584862723",
        "Legal",
        "legal",
        1,
        (
            Subcategory(
                "531770282605834246",
                "Corporate & Contract Law",
                _skills(
                    "Contract Drafting",
                    "Legal Consulting",
                    "Corporate Law",
                    "Terms of Service",
                    "GDPR",
                ),
                ("contract review", "terms of service", "privacy policy"),
                ("lawyer", "legal consultant", "contract attorney"),
            ),
        ),
    ),
)


COUNTRIES: tuple[Country, ...] = (
    Country(
        "United States",
        "US",
        "USA",
        "America/New_York",
        "-05:00",
        380,
        ("New York", "San Francisco", "Austin", "Chicago", "Miami", "Seattle"),
        17,
    ),
    Country(
        "United Kingdom",
        "GB",
        "GBR",
        "Europe/London",
        "+00:00",
        80,
        ("London", "Manchester", "Bristol"),
        14,
    ),
    Country(
        "Canada",
        "CA",
        "CAN",
        "America/Toronto",
        "-05:00",
        34,
        ("Toronto", "Vancouver", "Montreal"),
        15,
    ),
    Country(
        "Australia",
        "AU",
        "AUS",
        "Australia/Sydney",
        "+10:00",
        26,
        ("Sydney", "Melbourne", "Brisbane"),
        20,
    ),
    Country(
        "India", "IN", "IND", "Asia/Kolkata", "+05:30", 70, ("Bengaluru", "Mumbai", "Pune"), 10
    ),
    Country("Germany", "DE", "DEU", "Europe/Berlin", "+01:00", 24, ("Berlin", "Munich"), 8),
    Country(
        "United Arab Emirates", "AE", "ARE", "Asia/Dubai", "+04:00", 20, ("Dubai", "Abu Dhabi"), 14
    ),
    Country("Pakistan", "PK", "PAK", "Asia/Karachi", "+05:00", 18, ("Karachi", "Lahore"), 20),
    Country("France", "FR", "FRA", "Europe/Paris", "+01:00", 13, ("Paris", "Lyon"), 15),
    Country("Netherlands", "NL", "NLD", "Europe/Amsterdam", "+01:00", 12, ("Amsterdam",), 8),
    Country("Italy", "IT", "ITA", "Europe/Rome", "+01:00", 10, ("Milan", "Rome"), 10),
    Country("Ireland", "IE", "IRL", "Europe/Dublin", "+00:00", 9, ("Dublin",), 10),
    Country("Israel", "IL", "ISR", "Asia/Jerusalem", "+02:00", 8, ("Tel Aviv",), 12),
    Country("Saudi Arabia", "SA", "SAU", "Asia/Riyadh", "+03:00", 8, ("Riyadh",), 12),
    Country(
        "South Africa",
        "ZA",
        "ZAF",
        "Africa/Johannesburg",
        "+02:00",
        8,
        ("Cape Town", "Johannesburg"),
        10,
    ),
    Country("Spain", "ES", "ESP", "Europe/Madrid", "+01:00", 8, ("Madrid", "Barcelona"), 20),
    Country("Singapore", "SG", "SGP", "Asia/Singapore", "+08:00", 7, ("Singapore",), 14),
    Country("Switzerland", "CH", "CHE", "Europe/Zurich", "+01:00", 6, ("Zurich",), 30),
    Country("Thailand", "TH", "THA", "Asia/Bangkok", "+07:00", 6, ("Bangkok",)),
    Country("Hong Kong", "HK", "HKG", "Asia/Hong_Kong", "+08:00", 6, ("Hong Kong",), 15),
    Country("Mexico", "MX", "MEX", "America/Mexico_City", "-06:00", 5, ("Mexico City",)),
    Country("Brazil", "BR", "BRA", "America/Sao_Paulo", "-03:00", 5, ("Sao Paulo",)),
    Country("Vietnam", "VN", "VNM", "Asia/Ho_Chi_Minh", "+07:00", 5, ("Ho Chi Minh City",)),
    Country("Ukraine", "UA", "UKR", "Europe/Kyiv", "+02:00", 6, ("Kyiv",), 30),
    Country("Egypt", "EG", "EGY", "Africa/Cairo", "+02:00", 6, ("Cairo",), 30),
    Country("Poland", "PL", "POL", "Europe/Warsaw", "+01:00", 5, ("Warsaw",), 20),
    Country("Portugal", "PT", "PRT", "Europe/Lisbon", "+00:00", 4, ("Lisbon",)),
    Country("Romania", "RO", "ROU", "Europe/Bucharest", "+02:00", 4, ("Bucharest",)),
    Country("Sweden", "SE", "SWE", "Europe/Stockholm", "+01:00", 4, ("Stockholm",), 25),
    Country("Belgium", "BE", "BEL", "Europe/Brussels", "+01:00", 3, ("Brussels",)),
    Country("Nigeria", "NG", "NGA", "Africa/Lagos", "+01:00", 5, ("Lagos",), 50),
    Country("Kenya", "KE", "KEN", "Africa/Nairobi", "+03:00", 4, ("Nairobi",), 25),
    Country("Philippines", "PH", "PHL", "Asia/Manila", "+08:00", 4, ("Manila",), 25),
    Country(
        "Argentina", "AR", "ARG", "America/Argentina/Buenos_Aires", "-03:00", 3, ("Buenos Aires",)
    ),
    Country("Colombia", "CO", "COL", "America/Bogota", "-05:00", 4, ("Bogota",), 40),
    Country("New Zealand", "NZ", "NZL", "Pacific/Auckland", "+12:00", 3, ("Auckland",), 40),
    Country("Japan", "JP", "JPN", "Asia/Tokyo", "+09:00", 2, ("Tokyo",)),
    Country("South Korea", "KR", "KOR", "Asia/Seoul", "+09:00", 2, ("Seoul",)),
    Country("Turkey", "TR", "TUR", "Europe/Istanbul", "+03:00", 3, ("Istanbul",)),
    Country("Denmark", "DK", "DNK", "Europe/Copenhagen", "+01:00", 2, ("Copenhagen",)),
    Country("Norway", "NO", "NOR", "Europe/Oslo", "+01:00", 2, ("Oslo",)),
    Country("Malaysia", "MY", "MYS", "Asia/Kuala_Lumpur", "+08:00", 2, ("Kuala Lumpur",)),
    Country("Estonia", "EE", "EST", "Europe/Tallinn", "+02:00", 2, ("Tallinn",), 40),
)


TITLE_TEMPLATES: tuple[str, ...] = (
    "{Skill} {role} needed for {project}",
    "Experienced {role} to build {a_project}",
    "{Seniority} {role} ({Skill}, {Skill2})",
    "Build {a_project} with {Skill}",
    "Looking for {a_role} to improve our {project}",
    "{Skill} expert for ongoing {project} work",
    "Fix and extend an existing {project}",
    "{Seniority} {role} for {a_project} - {Skill}",
    "Need help with {project} using {Skill} and {Skill2}",
    "Long-term {role} for {project}",
)

SENIORITY: tuple[str, ...] = ("Senior", "Mid-level", "Junior", "Lead", "Experienced", "Expert")

DESCRIPTION_OPENINGS: tuple[str, ...] = (
    "We are a small {industry} company looking for {a_role} to help with {a_project}.",
    "I run {a_industry} startup and need {a_role} for {a_project}.",
    "Our team is building {a_project} for the {industry} market and needs extra hands.",
    "We need an experienced {role} to take over {a_project} that is half finished.",
    "Looking for a reliable {role} to deliver {a_project} for {a_industry} client.",
)

DESCRIPTION_MIDDLES: tuple[str, ...] = (
    "The work involves {skill} and {skill2}, so hands-on experience with both is a must.",
    "You should be comfortable with {skill}; knowledge of {skill2} is a plus.",
    "The current setup uses {skill} and we want to add {skill2}.",
    "Please share examples of past work with {skill}.",
    "Clear communication and regular progress updates are expected.",
    "We have a written specification and designs ready to share.",
    "Budget is flexible for the right person with proven {skill} experience.",
    "The first milestone is a working prototype within two weeks.",
)

DESCRIPTION_CLOSINGS: tuple[str, ...] = (
    "When you apply, tell us about a similar project you completed.",
    "Please start your proposal with the word 'ready' so we know you read this.",
    "Only apply if you can start this week.",
    "Looking forward to working with you.",
    "There is more work after this for the right freelancer.",
)

INDUSTRIES: tuple[str, ...] = (
    "healthcare",
    "real estate",
    "fintech",
    "education",
    "logistics",
    "retail",
    "travel",
    "fitness",
    "legal",
    "media",
    "manufacturing",
    "nonprofit",
    "hospitality",
    "SaaS",
)

SCREENING_QUESTIONS: tuple[str, ...] = (
    "Describe your recent experience with similar projects.",
    "What is your availability per week?",
    "Please list any certifications related to this job.",
    "How would you approach the first milestone?",
    "Include a link to your portfolio or a code sample.",
)


def find_country(value: str | None) -> Country | None:
    """Return the country whose name, two- or three-letter code equals `value`, ignoring case."""
    if not value:
        return None
    key = value.strip().lower()
    return _COUNTRY_INDEX.get(key)


_COUNTRY_INDEX: dict[str, Country] = {}
for _country in COUNTRIES:
    for _key in (_country.name, _country.iso2, _country.iso3):
        _COUNTRY_INDEX[_key.lower()] = _country
# Common alternative names found in live records and in user input.
_COUNTRY_INDEX.update(
    {
        "usa": _COUNTRY_INDEX["us"],
        "united states of america": _COUNTRY_INDEX["us"],
        "uk": _COUNTRY_INDEX["gb"],
        "great britain": _COUNTRY_INDEX["gb"],
        "uae": _COUNTRY_INDEX["ae"],
    }
)
