"""Country cells → ISO 3166-1 alpha-2 codes.

People write a country as a code (`BE`, `be`), an alpha-3 code (`BEL`), an English name
(`Belgium`, `United Kingdom`, `UK`) or, in a column named "Country Code", a calling code
(`+32`). phonenumbers has no country names short of its 0.5 s geocoder locale data, so the
English names live in the small table below: every region phonenumbers supports, with the
names exports and people actually use. Names in French, German, Spanish, Portuguese,
Italian and Dutch come from pycountry's ISO 3166 translations, loaded only when needed.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import phonenumbers

# alpha-2, alpha-3 ("-" when ISO has none), then English names separated by ";".
_TABLE = """
AC - Ascension Island; Ascension
AD AND Andorra
AE ARE United Arab Emirates; UAE; Emirates
AF AFG Afghanistan
AG ATG Antigua and Barbuda; Antigua
AI AIA Anguilla
AL ALB Albania
AM ARM Armenia
AO AGO Angola
AR ARG Argentina
AS ASM American Samoa
AT AUT Austria
AU AUS Australia
AW ABW Aruba
AX ALA Åland Islands; Aland
AZ AZE Azerbaijan
BA BIH Bosnia and Herzegovina; Bosnia
BB BRB Barbados
BD BGD Bangladesh
BE BEL Belgium
BF BFA Burkina Faso
BG BGR Bulgaria
BH BHR Bahrain
BI BDI Burundi
BJ BEN Benin
BL BLM Saint Barthélemy; St Barts
BM BMU Bermuda
BN BRN Brunei; Brunei Darussalam
BO BOL Bolivia
BQ BES Caribbean Netherlands; Bonaire, Sint Eustatius and Saba; Bonaire
BR BRA Brazil
BS BHS Bahamas
BT BTN Bhutan
BW BWA Botswana
BY BLR Belarus
BZ BLZ Belize
CA CAN Canada
CC CCK Cocos (Keeling) Islands; Cocos Islands
CD COD Democratic Republic of the Congo; DR Congo; DRC; Congo-Kinshasa
CF CAF Central African Republic
CG COG Republic of the Congo; Congo; Congo-Brazzaville
CH CHE Switzerland
CI CIV Côte d'Ivoire; Ivory Coast
CK COK Cook Islands
CL CHL Chile
CM CMR Cameroon
CN CHN China; People's Republic of China
CO COL Colombia
CR CRI Costa Rica
CU CUB Cuba
CV CPV Cape Verde; Cabo Verde
CW CUW Curaçao
CX CXR Christmas Island
CY CYP Cyprus
CZ CZE Czechia; Czech Republic
DE DEU Germany; Deutschland
DJ DJI Djibouti
DK DNK Denmark
DM DMA Dominica
DO DOM Dominican Republic
DZ DZA Algeria
EC ECU Ecuador
EE EST Estonia
EG EGY Egypt
EH ESH Western Sahara
ER ERI Eritrea
ES ESP Spain; España
ET ETH Ethiopia
FI FIN Finland
FJ FJI Fiji
FK FLK Falkland Islands; Falklands
FM FSM Micronesia; Federated States of Micronesia
FO FRO Faroe Islands; Faroes
FR FRA France
GA GAB Gabon
GB GBR United Kingdom; UK; U.K.; Great Britain; Britain; England; Scotland; Wales; Northern Ireland
GD GRD Grenada
GE GEO Georgia
GF GUF French Guiana
GG GGY Guernsey
GH GHA Ghana
GI GIB Gibraltar
GL GRL Greenland
GM GMB Gambia
GN GIN Guinea
GP GLP Guadeloupe
GQ GNQ Equatorial Guinea
GR GRC Greece
GT GTM Guatemala
GU GUM Guam
GW GNB Guinea-Bissau
GY GUY Guyana
HK HKG Hong Kong
HN HND Honduras
HR HRV Croatia
HT HTI Haiti
HU HUN Hungary
ID IDN Indonesia
IE IRL Ireland; Republic of Ireland; Eire
IL ISR Israel
IM IMN Isle of Man
IN IND India
IO IOT British Indian Ocean Territory
IQ IRQ Iraq
IR IRN Iran
IS ISL Iceland
IT ITA Italy; Italia
JE JEY Jersey
JM JAM Jamaica
JO JOR Jordan
JP JPN Japan
KE KEN Kenya
KG KGZ Kyrgyzstan
KH KHM Cambodia
KI KIR Kiribati
KM COM Comoros
KN KNA Saint Kitts and Nevis
KP PRK North Korea
KR KOR South Korea; Korea; Republic of Korea
KW KWT Kuwait
KY CYM Cayman Islands
KZ KAZ Kazakhstan
LA LAO Laos
LB LBN Lebanon
LC LCA Saint Lucia
LI LIE Liechtenstein
LK LKA Sri Lanka
LR LBR Liberia
LS LSO Lesotho
LT LTU Lithuania
LU LUX Luxembourg
LV LVA Latvia
LY LBY Libya
MA MAR Morocco
MC MCO Monaco
MD MDA Moldova
ME MNE Montenegro
MF MAF Saint Martin
MG MDG Madagascar
MH MHL Marshall Islands
MK MKD North Macedonia; Macedonia
ML MLI Mali
MM MMR Myanmar; Burma
MN MNG Mongolia
MO MAC Macao; Macau
MP MNP Northern Mariana Islands
MQ MTQ Martinique
MR MRT Mauritania
MS MSR Montserrat
MT MLT Malta
MU MUS Mauritius
MV MDV Maldives
MW MWI Malawi
MX MEX Mexico
MY MYS Malaysia
MZ MOZ Mozambique
NA NAM Namibia
NC NCL New Caledonia
NE NER Niger
NF NFK Norfolk Island
NG NGA Nigeria
NI NIC Nicaragua
NL NLD Netherlands; Holland; Nederland
NO NOR Norway
NP NPL Nepal
NR NRU Nauru
NU NIU Niue
NZ NZL New Zealand
OM OMN Oman
PA PAN Panama
PE PER Peru
PF PYF French Polynesia
PG PNG Papua New Guinea
PH PHL Philippines
PK PAK Pakistan
PL POL Poland
PM SPM Saint Pierre and Miquelon
PR PRI Puerto Rico
PS PSE Palestine; State of Palestine
PT PRT Portugal
PW PLW Palau
PY PRY Paraguay
QA QAT Qatar
RE REU Réunion
RO ROU Romania
RS SRB Serbia
RU RUS Russia; Russian Federation
RW RWA Rwanda
SA SAU Saudi Arabia
SB SLB Solomon Islands
SC SYC Seychelles
SD SDN Sudan
SE SWE Sweden
SG SGP Singapore
SH SHN Saint Helena
SI SVN Slovenia
SJ SJM Svalbard and Jan Mayen; Svalbard
SK SVK Slovakia
SL SLE Sierra Leone
SM SMR San Marino
SN SEN Senegal
SO SOM Somalia
SR SUR Suriname
SS SSD South Sudan
ST STP São Tomé and Príncipe
SV SLV El Salvador
SX SXM Sint Maarten
SY SYR Syria
SZ SWZ Eswatini; Swaziland
TA - Tristan da Cunha
TC TCA Turks and Caicos Islands
TD TCD Chad
TG TGO Togo
TH THA Thailand
TJ TJK Tajikistan
TK TKL Tokelau
TL TLS Timor-Leste; East Timor
TM TKM Turkmenistan
TN TUN Tunisia
TO TON Tonga
TR TUR Türkiye; Turkey
TT TTO Trinidad and Tobago; Trinidad
TV TUV Tuvalu
TW TWN Taiwan
TZ TZA Tanzania
UA UKR Ukraine
UG UGA Uganda
US USA United States; United States of America; U.S.; U.S.A.; America
UY URY Uruguay
UZ UZB Uzbekistan
VA VAT Vatican City; Vatican; Holy See
VC VCT Saint Vincent and the Grenadines
VE VEN Venezuela
VG VGB British Virgin Islands
VI VIR U.S. Virgin Islands; US Virgin Islands
VN VNM Vietnam; Viet Nam
VU VUT Vanuatu
WF WLF Wallis and Futuna
WS WSM Samoa
XK - Kosovo
YE YEM Yemen
YT MYT Mayotte
ZA ZAF South Africa
ZM ZMB Zambia
ZW ZWE Zimbabwe
"""

_CALLING_CODE = re.compile(r"^(?:\+|00)?(\d{1,3})$")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def name_key(text: str) -> str:
    """How names are compared: no accents, case, punctuation, "&" or leading "the"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"\bst\b\.?", "saint", plain)
    words = _NOT_WORD.sub(" ", plain).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@functools.cache
def _lookup() -> dict[str, str]:
    """Alpha-3 codes and name keys → alpha-2, built once on first use (~1 ms)."""
    table: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        alpha2, alpha3, names = line.split(" ", 2)
        if alpha3 != "-":
            table[alpha3.casefold()] = alpha2
        for name in names.split(";"):
            table.setdefault(name_key(name), alpha2)
    return table


@functools.lru_cache(maxsize=1024)
def region_for(cell: str) -> str | None:
    """The ISO alpha-2 region a country cell means, or None when it is not understood.

    Cached: a file has few distinct country cells, and a million rows repeat them.
    """
    text = cell.strip()
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    calling_code = _CALLING_CODE.match(text)
    if calling_code:
        region = phonenumbers.region_code_for_country_code(int(calling_code.group(1)))
        return region if region in phonenumbers.SUPPORTED_REGIONS else None
    key = name_key(text)
    return _lookup().get(key) or _translated().get(key)


# The languages of the spreadsheets people import (SPEC 5.1), beside English.
_LANGUAGES = ("fr", "de", "es", "pt", "it", "nl")


@functools.cache
def _translated() -> dict[str, str]:
    """Country names in the file's language ("Belgique", "Österreich", "México") → alpha-2,
    from pycountry's ISO 3166 translations. Imported on the first name the English table
    does not know (~100 ms), never at start-up."""
    import gettext

    import pycountry

    table: dict[str, str] = {}
    for language in _LANGUAGES:
        names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for country in pycountry.countries:
            if country.alpha_2 not in phonenumbers.SUPPORTED_REGIONS:
                continue
            for attribute in ("name", "official_name", "common_name"):
                if english := getattr(country, attribute, None):
                    table.setdefault(name_key(names.gettext(english)), country.alpha_2)
    return table


def table_regions() -> frozenset[str]:
    """Every region the name table covers (the tests check it against phonenumbers)."""
    return frozenset(_lookup().values())
