"""The Tunisian municipal budget nomenclature, as far as the pages need it: titles, parts, the names of common
articles, which revenues are the municipality's own, and the default function of each expense line.

An article code is five digits: the first two are its category, and for expenses the category is the part
(01 staff pay … 10 repayment of the debt's principal). Revenue parts group categories: 01-04 ordinary tax revenue,
05-06 ordinary non-tax revenue (title 1); 07-08 own and assigned development resources, 09-10 borrowing (title 2).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gisportal.finances.models import Function

TITLES: dict[str, Promise] = {"1": _("Title 1: operating"), "2": _("Title 2: development")}

PARTS: dict[tuple[str, int], Promise] = {
    ("revenue", 1): _("Part 1: ordinary tax revenue"),
    ("revenue", 2): _("Part 2: ordinary non-tax revenue"),
    ("revenue", 3): _("Part 3: own and assigned development resources"),
    ("revenue", 4): _("Part 4: borrowing"),
    ("expense", 1): _("Part 1: staff pay"),
    ("expense", 2): _("Part 2: running the services"),
    ("expense", 3): _("Part 3: public interventions"),
    ("expense", 4): _("Part 4: unallocated operating expenses"),
    ("expense", 5): _("Part 5: interest on the debt"),
    ("expense", 6): _("Part 6: direct investment"),
    ("expense", 7): _("Part 7: public financing"),
    ("expense", 8): _("Part 8: unallocated development expenses"),
    ("expense", 9): _("Part 9: development on assigned external resources"),
    ("expense", 10): _("Part 10: repayment of the debt's principal"),
}

# The part of a line, in SQL, from its kind and article (see the module's docstring).
PART_SQL = """CASE WHEN {alias}.kind = 'expense' THEN NULLIF(substr({alias}.article, 1, 2), '')::int
                   ELSE CASE WHEN substr({alias}.article, 1, 2) <= '04' THEN 1
                             WHEN substr({alias}.article, 1, 2) <= '06' THEN 2
                             WHEN substr({alias}.article, 1, 2) <= '08' THEN 3 ELSE 4 END END"""

# Own revenue: taxes, the public domain, fees for services and the municipality's property (categories 01-05).
# The rest are the State's share of the common fund and grants (06, 07), surpluses carried over (08) and loans.
OWN_REVENUE_SQL = "({alias}.kind = 'revenue' AND substr({alias}.article, 1, 2) BETWEEN '01' AND '05')"

ARTICLES: dict[tuple[str, str], Promise] = {
    ("revenue", "01101"): _("Tax on built property"),
    ("revenue", "01102"): _("Tax on unbuilt land"),
    ("revenue", "01201"): _("Tax on businesses"),
    ("revenue", "01203"): _("Licence fee of drinks outlets"),
    ("revenue", "02101"): _("Markets"),
    ("revenue", "02201"): _("Slaughterhouse"),
    ("revenue", "02402"): _("Occupation of the public road"),
    ("revenue", "02403"): _("Parking on the public road"),
    ("revenue", "02404"): _("Building sites on the public road"),
    ("revenue", "02406"): _("Advertising"),
    ("revenue", "02499"): _("Other revenue of the public domain"),
    ("revenue", "03101"): _("Certified signatures"),
    ("revenue", "03102"): _("Certified copies"),
    ("revenue", "03103"): _("Civil status records"),
    ("revenue", "03199"): _("Other certificates"),
    ("revenue", "03202"): _("Licences for trades on the public road"),
    ("revenue", "03203"): _("Licences for family celebrations"),
    ("revenue", "03206"): _("Building permits"),
    ("revenue", "03302"): _("Pound fees"),
    ("revenue", "03303"): _("Surcharge on the electricity price"),
    ("revenue", "03304"): _("Removal of businesses' waste"),
    ("revenue", "03399"): _("Other fees for services"),
    ("revenue", "05201"): _("Rent of commercial premises"),
    ("revenue", "05202"): _("Rent of professional premises"),
    ("revenue", "05203"): _("Rent of industrial premises"),
    ("revenue", "05206"): _("Rent of parks and leisure places"),
    ("revenue", "05209"): _("Rent of theatres"),
    ("revenue", "06001"): _("Share of the common fund (from the State)"),
    ("revenue", "06002"): _("Transferred from operating surpluses"),
    ("revenue", "06003"): _("Operating grants"),
    ("revenue", "06006"): _("Fines for breaches of hygiene rules"),
    ("revenue", "06099"): _("Other financial revenue"),
    ("revenue", "07001"): _("Grants of the local authorities' loan fund (CPSCL)"),
    ("revenue", "08001"): _("Surpluses carried over"),
    ("revenue", "08004"): _("Resources of the year"),
    ("revenue", "08005"): _("Surpluses carried over"),
    ("expense", "01100"): _("Allowances of the mayor and deputies"),
    ("expense", "01101"): _("Pay of permanent staff"),
    ("expense", "01102"): _("Pay of contract and part-time staff"),
    ("expense", "02201"): _("Running costs of the administration"),
    ("expense", "02202"): _("Upkeep of public works and facilities"),
    ("expense", "03302"): _("Social and health interventions"),
    ("expense", "03303"): _("Education and training"),
    ("expense", "03304"): _("Staff welfare"),
    ("expense", "03305"): _("Culture, youth and sport"),
    ("expense", "03310"): _("Cooperation"),
    ("expense", "04401"): _("Unallocated operating expenses"),
    ("expense", "05500"): _("Interest on loans"),
    ("expense", "06600"): _("Studies"),
    ("expense", "06601"): _("Land"),
    ("expense", "06603"): _("Town hall and buildings"),
    ("expense", "06604"): _("Office equipment"),
    ("expense", "06606"): _("Cleaning and road equipment"),
    ("expense", "06609"): _("Miscellaneous investment"),
    ("expense", "06610"): _("Maintenance works"),
    ("expense", "06613"): _("Roads"),
    ("expense", "06614"): _("Controlled dumps and transfer centres"),
    ("expense", "06615"): _("Town entrances"),
    ("expense", "08901"): _("Unallocated development expenses"),
    ("expense", "10950"): _("Repayment of loans' principal"),
}

# The default function of an expense line: the first rule whose prefix starts its key "ARTICLE-PARAGRAPH-SUB".
# The rule follows what the nomenclature names (article 02202 paragraph 0032 is the upkeep of public lighting …);
# where a line serves every service (pay, running costs) it says so rather than guess a share. Electricity
# (02201-0003) is mostly public lighting in a Tunisian municipality's bills. Staff correct any line in the admin.
FUNCTION_RULES: tuple[tuple[str, Function], ...] = (
    ("01100", Function.ADMINISTRATION),  # allowances of the mayor and deputies
    ("011", Function.STAFF),  # pay and employer's contributions
    ("02201-0003", Function.LIGHTING),  # electricity and gas
    ("02201-0036-001", Function.CULTURE),  # public festivities
    ("02201-0043", Function.PLANNING),  # preparing the town plans
    ("02201", Function.ADMINISTRATION),  # water, phone, fuel, insurance, offices, IT, training …
    ("02202-0030", Function.WASTE),  # public cleanliness: products, equipment hire
    ("02202-0032", Function.LIGHTING),  # upkeep of public lighting
    ("02202-0034", Function.GREEN),  # upkeep of green spaces
    ("02202-0036", Function.ROADS),  # traffic and its signs
    ("02202-0038", Function.ROADS),  # ditches and drains
    ("02202-0044", Function.ROADS),  # direct upkeep of the roads
    ("02202-0046", Function.YOUTH),  # sports facilities
    ("02202", Function.OTHER),
    ("03302-0010", Function.STAFF),  # pension contributions
    ("03302-0022", Function.HEALTH),  # insects and stray animals
    ("03302-0025", Function.HEALTH),  # health prevention
    ("03302", Function.SOCIAL),  # burials of the poor, social associations …
    ("03303", Function.EDUCATION),  # training centre, school prizes
    ("03304", Function.STAFF),  # staff meal vouchers
    ("03305-0012", Function.YOUTH),  # sports associations
    ("03305", Function.CULTURE),  # festivals, cultural associations
    ("03310", Function.ADMINISTRATION),  # cooperation with other towns
    ("05", Function.DEBT),  # interest
    ("10", Function.DEBT),  # principal
    ("06600-0001", Function.PLANNING),  # town planning studies
    ("06603", Function.ADMINISTRATION),  # town hall
    ("06604", Function.ADMINISTRATION),  # office equipment
    ("06605", Function.ADMINISTRATION),  # IT equipment
    ("06606", Function.WASTE),  # cleaning and road equipment: mostly the waste trucks
    ("06611", Function.LIGHTING),
    ("06612", Function.GREEN),
    ("06613", Function.ROADS),  # paving and upkeep of roads
    ("06614", Function.WASTE),  # controlled dumps, transfer centres
    ("06615", Function.PLANNING),  # town entrances
)


def default_function(article: str, paragraph: str, sub_paragraph: str) -> Function:
    """The function the rules give an expense line (Python twin of `function_sql`, for seeding tags)."""
    key = f"{article}-{paragraph}-{sub_paragraph}"
    return next((function for prefix, function in FUNCTION_RULES if key.startswith(prefix)), Function.OTHER)


def function_sql(alias: str) -> str:
    """SQL for the rules' function of the expense line `alias`, first match wins (prefixes are plain digits)."""
    key = f"({alias}.article || '-' || {alias}.paragraph || '-' || {alias}.sub_paragraph)"
    whens = " ".join(f"WHEN {key} LIKE '{prefix}%%' THEN '{function.value}'" for prefix, function in FUNCTION_RULES)
    return f"CASE {whens} ELSE '{Function.OTHER.value}' END"
