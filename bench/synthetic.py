"""Synthetic governance graphs shaped like govkg's: states with ISO codes and Wikidata links,
instruments adopted at dated events with principles and themes, one stance per actor and
instrument (most cells) with kinds in realistic proportions, each stance with a source."""

from __future__ import annotations

import numpy as np

GK = "https://w3id.org/govkg/ontology#"
WD = "http://www.wikidata.org/entity/"
ID = "https://w3id.org/govkg/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DATE = "<http://purl.org/dc/terms/date>"
SOURCE = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
XSD_DATE = "^^<http://www.w3.org/2001/XMLSchema#date>"
KINDS = ["signed", "endorsed", "declined", "voted-yes", "voted-no", "abstained", "did-not-vote"]
SHARES = [0.30, 0.15, 0.05, 0.30, 0.05, 0.08, 0.07]
THEMES = ["human-control", "testing", "safety", "transparency", "international-cooperation"]


def _actors(actors: int) -> list[str]:
    lines = []
    for a in range(actors):
        iri = f"<{ID}state/S{a:03d}>"
        lines += [
            f"{iri} {RDF_TYPE} <{GK}State> .",
            f'{iri} {LABEL} "State {a}"@en .',
            f'{iri} <{GK}iso3> "S{a:03d}" .',
            f"{iri} <http://www.w3.org/2002/07/owl#sameAs> <{WD}Q{a + 1}> .",
        ]
    return lines


def _instruments(instruments: int) -> list[str]:
    lines = [f"<{ID}source/synthetic> {RDF_TYPE} <{GK}Document> .",
             f'<{ID}source/synthetic> {LABEL} "synthetic source"@en .']  # fmt: skip
    for i in range(instruments):
        iri, event, principle = (
            f"<{ID}{kind}/i{i}>" for kind in ("instrument", "event", "principle")
        )
        day = f'"{2000 + i % 26}-{1 + i % 12:02d}-{1 + i % 28:02d}"{XSD_DATE}'
        lines += [
            f"{iri} {RDF_TYPE} <{GK}Declaration> .",
            f'{iri} {LABEL} "Instrument {i}"@en .',
            f"{iri} {DATE} {day} .",
            f"{iri} <{GK}adoptedAt> {event} .",
            f"{event} {RDF_TYPE} <{GK}Summit> .",
            f'{event} {LABEL} "Summit {i}"@en .',
            f"{event} <https://schema.org/startDate> {day} .",
            f"{iri} <{GK}hasPrinciple> {principle} .",
            f"{principle} {RDF_TYPE} <{GK}Principle> .",
            f'{principle} {LABEL} "Principle {i}"@en .',
            f"{principle} <{GK}theme> <{ID}theme/{THEMES[i % len(THEMES)]}> .",
            f"{iri} {SOURCE} <{ID}source/synthetic> .",
        ]
    return lines


def _stances(actors: int, instruments: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    kinds = rng.choice(len(KINDS), size=(actors, instruments), p=SHARES)
    present = rng.random((actors, instruments)) < 0.8
    lines = []
    for a in range(actors):
        for i in np.flatnonzero(present[a]):
            stance = f"<{ID}stance/i{i}--S{a:03d}>"
            lines += [
                f"{stance} {RDF_TYPE} <{GK}Stance> .",
                f"{stance} <{GK}actor> <{ID}state/S{a:03d}> .",
                f"{stance} <{GK}instrument> <{ID}instrument/i{i}> .",
                f"{stance} <{GK}stanceKind> <{ID}stance-kind/{KINDS[kinds[a, i]]}> .",
                f"{stance} {SOURCE} <{ID}source/synthetic> .",
            ]
    return lines


def ntriples(actors: int, instruments: int, seed: int = 7) -> bytes:
    """The graph as N-Triples."""
    lines = _actors(actors) + _instruments(instruments) + _stances(actors, instruments, seed)
    return ("\n".join(lines) + "\n").encode()


# A graph for validation benchmarks: the same states, instruments and stances, made valid against
# govkg's shapes (labels on stances, sources on events and principles, ISO codes of three letters)
# and joined by every other kind of node the shapes check, in proportion to the instruments:
# series, places, organisations, companies, persons, posts, role holdings over time, quotations,
# reported positions, attendance, count claims, bilateral dialogues, meetings and agreements,
# withdrawals, model withholdings, AI models, tensions and articles.  ``faults`` adds a few known
# violations (and one warning) so that a benchmark sees results as well.

SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
A = RDF_TYPE


def _iso3(a: int) -> str:
    """A user-assigned ISO 3166 code (QMA to QZZ), never a real state's."""
    if a >= 14 * 26:
        raise ValueError("at most 364 synthetic states have a distinct QMA-QZZ code")
    return "Q" + chr(ord("M") + a // 26) + chr(ord("A") + a % 26)


def _node(iri: str, kind: str, label: str, *facts: str) -> list[str]:
    """A typed, labelled node with a source and its other facts (``predicate object`` pairs)."""
    lines = [f"{iri} {A} <{kind}> .", f'{iri} {LABEL} "{label}"@en .']
    lines += [f"{iri} {fact} ." for fact in facts]
    return lines


_FALSE = f'"false"^^<{XSD}boolean>'


def _int(number: int) -> str:
    return f'"{number}"^^<{XSD}integer>'


def _date(year: int, month: int = 1, day: int = 1) -> str:
    return f'"{year:04d}-{month:02d}-{day:02d}"^^<{XSD}date>'


def _valid_core(actors: int, instruments: int, seed: int) -> list[str]:
    """:func:`ntriples`'s graph, made valid: ISO codes, stance labels, sources everywhere."""
    source = SOURCE
    lines = [line for line in _actors(actors) if f"<{GK}iso3>" not in line]
    lines += [f'<{ID}state/S{a:03d}> <{GK}iso3> "{_iso3(a)}" .' for a in range(actors)]
    lines += _instruments(instruments)
    for i in range(instruments):
        for kind in ("event", "principle"):
            lines.append(f"<{ID}{kind}/i{i}> {source} <{ID}source/synthetic> .")
    for line in _stances(actors, instruments, seed):
        lines.append(line)
        if line.endswith(f"<{GK}Stance> ."):
            stance = line.split(" ", 1)[0]
            lines.append(f'{stance} {LABEL} "{stance[len(ID) + 8 : -1]}"@en .')
    return lines


def _organisations(actors: int) -> list[str]:
    lines = []
    for k in range(10):
        lines += _node(
            f"<{ID}org/O{k}>",
            GK + "InternationalOrganisation",
            f"Organisation {k}",
            f'<{GK}orgId> "O{k}"',
            f"<http://www.w3.org/2002/07/owl#sameAs> <{WD}Q9{k}>",
        )
    for k, kind in enumerate(
        ["Company"] * 20 + ["ResearchInstitution"] * 5 + ["CivilSocietyOrganisation"] * 5
    ):
        lines += _node(
            f"<{ID}org/C{k}>",
            GK + kind,
            f"{kind} {k}",
            f"<{GK}basedIn> <{ID}state/S{k % actors:03d}>",
        )
    for k in range(20):
        lines += _node(
            f"<{ID}model/m{k}>", GK + "AIModel", f"Model {k}", f"<{GK}developer> <{ID}org/C{k}>"
        )
    return lines


def _events(instruments: int) -> list[str]:
    """Series, ordinals, places and hosts for the summits ``event/i…``."""
    lines = []
    for k in range(5):
        lines += _node(f"<{ID}series/s{k}>", GK + "SummitSeries", f"Series {k}")
    for k in range(50):
        lines += _node(
            f"<{ID}place/p{k}>",
            SCHEMA + "Place",
            f"Place {k}",
            f"<{SCHEMA}containedInPlace> <{ID}place/p{k // 10}>",
        )
    for i in range(instruments):
        event = f"<{ID}event/i{i}>"
        lines += [
            f"{event} <{GK}inSeries> <{ID}series/s{i % 5}> .",
            f"{event} <{GK}seriesOrdinal> {_int(i // 5 + 1)} .",
            f"{event} <{SCHEMA}location> <{ID}place/p{i % 50}> .",
        ]
    return lines


def _claims(actors: int, instruments: int) -> list[str]:
    """A count of signatories per instrument (never below the named ones), two attendances."""
    source = f"<{PROV}wasDerivedFrom> <{ID}source/synthetic>"
    lines = []
    for i in range(instruments):
        lines += _node(
            f"<{ID}claim/i{i}>",
            GK + "CountClaim",
            f"Claim {i}",
            source,
            f"<{GK}about> <{ID}instrument/i{i}>",
            f"<{GK}counts> <{ID}counted/signatories>",
            f"<{GK}value> {_int(actors)}",
            f"<{GK}outOf> {_int(actors + 10)}",
            f"<{GK}precision> <{ID}precision/exact>",
            f"<{GK}asOf> {_date(2026)}",
            f"<{GK}includesActor> <{ID}state/S{i % actors:03d}>",
        )
        for a in (i % actors, (i + 1) % actors):
            lines += _node(
                f"<{ID}attendance/i{i}--S{a:03d}>",
                GK + "Attendance",
                f"At {i}",
                source,
                f"<{GK}actor> <{ID}state/S{a:03d}>",
                f"<{GK}event> <{ID}event/i{i}>",
            )
    return lines


def _people(actors: int, instruments: int) -> list[str]:
    """Persons holding posts over time, and what they said."""
    source = f"<{PROV}wasDerivedFrom> <{ID}source/a0>"
    lines = []
    for k in range(20):
        lines += _node(f"<{ID}post/p{k}>", GK + "Post", f"Post {k}")
    for k in range(max(10, instruments // 10)):
        person, role = f"<{ID}person/p{k}>", f"<{ID}role/p{k}>"
        interval, begin, end = (f"<{ID}role/p{k}-{part}>" for part in ("time", "begin", "end"))
        state = f"<{ID}state/S{k % actors:03d}>"
        lines += _node(person, FOAF + "Person", f"Person {k}", f'<{FOAF}name> "Person {k}"', source)
        lines += _node(
            role,
            GK + "RoleHolding",
            f"Person {k} in post {k % 20}",
            source,
            f"<{ORG}member> {person}",
            f"<{ORG}organization> {state}",
            f"<{ORG}role> <{ID}post/p{k % 20}>",
            f"<{ORG}memberDuring> {interval}",
            f"<{GK}attestedOn> {_date(2020, 1 + k % 12)}",
        )
        lines += [
            f"{interval} {A} <{TIME}Interval> .",
            f"{interval} <{TIME}hasBeginning> {begin} .",
            f"{interval} <{TIME}hasEnd> {end} .",
            f"{begin} <{TIME}inXSDDate> {_date(2010)} .",
            f'{end} <{TIME}inXSDgYear> "2030"^^<{XSD}gYear> .',
        ]
        for j in range(2):
            lines += _node(
                f"<{ID}quote/p{k}-{j}>",
                GK + "Quotation",
                f"Quote {k}.{j}",
                source,
                f'<{SCHEMA}text> "Words {k}.{j}"@en',
                f"<{GK}speaker> {person}",
                f"<{GK}speakerRole> {role}",
                f"<{GK}onBehalfOf> {state}",
                f"<{DCT}date> {_date(2025, 1 + j, 11)}",
                f"<{GK}event> <{ID}event/i{k}>",
                f"<{GK}position> <{ID}position/favours-innovation>",
                f"<{GK}about> <{ID}instrument/i{k}>",
            )
        lines += _node(
            f"<{ID}quote/p{k}-reported>",
            GK + "ReportedPosition",
            f"Position {k}",
            source,
            f"<{GK}speaker> {person}",
            f"<{GK}onBehalfOf> {state}",
            f"<{GK}about> <{ID}instrument/i{k}>",
            f"<{GK}position> <{ID}position/calls-for-cooperation>",
        )
    return lines


def _dialogues(actors: int, instruments: int) -> list[str]:
    """Bilateral agreements launching dialogues between two states, with their meetings."""
    source = f"<{PROV}wasDerivedFrom> <{ID}source/a1>"
    lines = []
    for k in range(max(2, instruments // 50)):
        parties = [f"<{GK}party> <{ID}state/S{(2 * k + n) % actors:03d}>" for n in (0, 1)]
        agreement, meeting = f"<{ID}instrument/agreement-{k}>", f"<{ID}event/meeting-{k}>"
        lines += _node(
            agreement,
            GK + "BilateralAgreement",
            f"Agreement {k}",
            source,
            *parties,
            f'<{DCT}title> "Agreement {k}"@en',
            f"<{GK}legallyBinding> {_FALSE}",
        )
        lines += _node(
            meeting,
            GK + "BilateralMeeting",
            f"Meeting {k}",
            source,
            *parties,
            f"<{SCHEMA}startDate> {_date(2024, 1 + k % 12, 1 + k % 28)}",
        )
        follows = [f"<{GK}follows> <{ID}dialogue/d{k - 1}>"] if k else []
        lines += _node(
            f"<{ID}dialogue/d{k}>",
            GK + "BilateralDialogue",
            f"Dialogue {k}",
            source,
            *parties,
            f"<{GK}launchedBy> {agreement}",
            f"<{GK}meeting> {meeting}",
            f"<{GK}status> <{ID}status/agreed>",
            f"<{GK}topic> <{ID}theme/safety>",
            *follows,
        )
    return lines


def _actions(actors: int, instruments: int) -> list[str]:
    source = f"<{PROV}wasDerivedFrom> <{ID}source/a2>"
    lines = []
    for k in range(max(2, instruments // 100)):
        state = f"<{ID}state/S{k % actors:03d}>"
        lines += _node(
            f"<{ID}action/w{k}>",
            GK + "Withdrawal",
            f"Withdrawal {k}",
            source,
            f"<{GK}actor> {state}",
            f"<{GK}withdrewFrom> <{ID}instrument/i{k}>",
            f"<{DCT}date> {_date(2025, 6)}",
        )
        lines += _node(
            f"<{ID}action/m{k}>",
            GK + "ModelWithholding",
            f"Withholding {k}",
            source,
            f"<{GK}actor> <{ID}org/C{k % 20}>",
            f"<{GK}aiModel> <{ID}model/m{k % 20}>",
        )
        lines += _node(
            f"<{ID}tension/t{k}>",
            GK + "Tension",
            f"Tension {k}",
            source,
            f"<{GK}party> {state}",
            f"<{GK}party> <{ID}state/S{(k + 1) % actors:03d}>",
        )
    for k in range(50):
        lines += _node(
            f"<{ID}source/a{k}>",
            GK + "Article",
            f"Article {k}",
            f'<{DCT}title> "Article {k}"@en',
            f"<{DCT}date> {_date(2025, 1 + k % 12)}",
            f"<{SCHEMA}url> <https://example.org/a{k}>",
            f'<{GK}sourceFile> "a{k}.txt"',
        )
    return lines


#: The known faults: (focus, constraint component, severity) of each result they cause.
FAULT_RESULTS = [
    ("state/S000", "SPARQLConstraintComponent", "Violation"),  # shares its ISO code with S-dup
    ("state/S-dup", "SPARQLConstraintComponent", "Violation"),
    ("source/bad-date", "OrConstraintComponent", "Violation"),  # a 13th month
    ("role/fault", "SPARQLConstraintComponent", "Violation"),  # begins after it ends
    ("claim/fault", "LessThanOrEqualsConstraintComponent", "Violation"),  # more than its total
    ("quote/fault", "EqualsConstraintComponent", "Violation"),  # cites someone else's role
    ("quote/fault", "EqualsConstraintComponent", "Violation"),
    ("instrument/i0", "SPARQLConstraintComponent", "Warning"),  # complete list, no count fits
]


def _faults() -> list[str]:
    source = f"<{PROV}wasDerivedFrom> <{ID}source/a3>"
    interval, begin, end = (f"<{ID}role/fault-{part}>" for part in ("time", "begin", "end"))
    lines = _node(
        f"<{ID}state/S-dup>",
        GK + "State",
        "Duplicate",
        f'<{GK}iso3> "{_iso3(0)}"',
        f"<http://www.w3.org/2002/07/owl#sameAs> <{WD}Q999999>",
    )
    lines += _node(
        f"<{ID}source/bad-date>",
        GK + "Document",
        "Bad date",
        f'<{DCT}date> "2025-13-01"^^<{XSD}date>',
    )
    lines += _node(
        f"<{ID}role/fault>",
        GK + "RoleHolding",
        "Backwards",
        source,
        f"<{ORG}member> <{ID}person/p0>",
        f"<{ORG}organization> <{ID}state/S000>",
        f"<{ORG}memberDuring> {interval}",
    )
    lines += [
        f"{interval} {A} <{TIME}Interval> .",
        f"{interval} <{TIME}hasBeginning> {begin} .",
        f"{interval} <{TIME}hasEnd> {end} .",
        f"{begin} <{TIME}inXSDDate> {_date(2020)} .",
        f'{end} <{TIME}inXSDgYear> "2019"^^<{XSD}gYear> .',
    ]
    lines += _node(
        f"<{ID}claim/fault>",
        GK + "CountClaim",
        "Too many",
        source,
        f"<{GK}about> <{ID}instrument/i1>",
        f"<{GK}counts> <{ID}counted/attendees>",
        f"<{GK}value> {_int(20)}",
        f"<{GK}outOf> {_int(10)}",
    )
    lines += _node(
        f"<{ID}quote/fault>",
        GK + "Quotation",
        "Wrong role",
        source,
        f'<{SCHEMA}text> "Words"@en',
        f"<{GK}speaker> <{ID}person/p1>",
        f"<{GK}speakerRole> <{ID}role/p2>",
        f"<{DCT}date> {_date(2025)}",
    )
    return [*lines, f'<{ID}instrument/i0> <{GK}listComplete> "true"^^<{XSD}boolean> .']


def validation_ntriples(actors: int, instruments: int, seed: int = 7, faults: bool = True) -> bytes:
    """The validation benchmark's graph as N-Triples (see above)."""
    lines = _valid_core(actors, instruments, seed) + _organisations(actors) + _events(instruments)
    lines += _claims(actors, instruments) + _people(actors, instruments)
    lines += _dialogues(actors, instruments) + _actions(actors, instruments)
    if faults:
        lines += _faults()
    return ("\n".join(lines) + "\n").encode()
