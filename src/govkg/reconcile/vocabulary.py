"""What the reconciliation service speaks of: its types (the graph's own classes) and the
properties a query may compare and data extension may fetch."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.namespaces import terms

GK, FOAF, SDO = terms("GK"), terms("FOAF"), terms("SDO")


@dataclass(frozen=True)
class Kind:
    """A type entities are reconciled against: the class IRI (its id) and a name."""

    id: str
    name: str
    description: str

    def json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "description": self.description}


STATE = Kind(str(GK.State), "State", "A sovereign state or state-like entity (ISO 3166-1)")
INTERNATIONAL = Kind(
    str(GK.InternationalOrganisation),
    "International organisation",
    "An organisation whose members are states (EU, UN, OECD)",
)
COMPANY = Kind(str(GK.Company), "Company", "A commercial enterprise, such as an AI developer")
RESEARCH = Kind(
    str(GK.ResearchInstitution), "Research institution", "A university or research institute"
)
CIVIL = Kind(
    str(GK.CivilSocietyOrganisation),
    "Civil-society organisation",
    "A non-governmental, non-commercial organisation",
)
INSTRUMENT = Kind(
    str(GK.Instrument), "Instrument", "A declaration, statement, resolution or convention"
)
EVENT = Kind(str(SDO.Event), "Event", "A summit, session or bilateral meeting")
PERSON = Kind(str(FOAF.Person), "Person", "A person the sources quote or name")

#: Every type, in the order suggestions list them; the first six are the manifest's defaults.
KINDS: tuple[Kind, ...] = (
    STATE,
    INTERNATIONAL,
    COMPANY,
    INSTRUMENT,
    EVENT,
    PERSON,
    RESEARCH,
    CIVIL,
)
DEFAULT_KINDS = KINDS[:6]
_BY_NAME = {k.id: k for k in KINDS} | {k.id.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: k for k in KINDS}


def kind_of(type_id: str) -> Kind | None:
    """The type a query names: its class IRI, ``gk:State`` or the bare local name ``State``."""
    return _BY_NAME.get(type_id) or _BY_NAME.get(type_id.rpartition(":")[2])


@dataclass(frozen=True)
class Property:
    """A property a query may compare (``matchable``) and data extension may fetch."""

    id: str
    name: str
    description: str
    kinds: tuple[Kind, ...]
    matchable: bool = False

    def json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "description": self.description}


#: The types of actor: what takes stances on instruments.
ACTORS = (STATE, INTERNATIONAL, COMPANY, RESEARCH, CIVIL)
PROPERTIES: tuple[Property, ...] = (
    Property("iso3", "ISO 3166-1 alpha-3 code", "Three letters: USA, TUR", (STATE,), True),
    Property("iso2", "ISO 3166-1 alpha-2 code", "Two letters: US, TR", (STATE,), True),
    Property("m49", "UN M49 code", "Three digits with leading zeros: 840", (STATE,), True),
    Property("wikidata", "Wikidata id", "A Q-id: Q30", (STATE, INTERNATIONAL), True),
    Property(
        "orgId", "Organisation id", "The short id of the reference list: EU", ACTORS[1:], True
    ),
    Property(
        "date",
        "Date",
        "An instrument's date or an event's start (YYYY-MM-DD)",
        (INSTRUMENT, EVENT),
        True,
    ),
    Property("region", "UN M49 region", "Africa, Americas, Asia, Europe or Oceania", (STATE,)),
    Property("subregion", "UN M49 sub-region", "Such as Western Asia", (STATE,)),
    Property("unStatus", "UN status", "member, observer or non-member", (STATE,)),
    Property("place", "Place", "Where an event took place", (EVENT,)),
)
PROPERTY = {p.id: p for p in PROPERTIES}
#: Data extension's computed property: an actor's stance kind on the instrument named after it.
STANCE_PREFIX = "stance:"
