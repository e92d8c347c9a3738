"""Write a valid registry of N projects, realistic in shape, the same for the same N and seed.

    python benchmarks/generate.py 10000 > big.yaml
    python benchmarks/generate.py 100000 --seed 7 -o huge.yaml
    python benchmarks/generate.py 100000 --shape iati -o real-shaped.yaml
    python benchmarks/generate.py 0 --shape iati --describe     (the proportions)
    python benchmarks/generate.py 1000000 --files 10 -o million/  (a folder of 10 files)

--shape synthetic (the default): projects have several countries and regions,
donors with departments and instruments, implementers with roles, objectives of
a few sentences, month- and day-precision dates (some ongoing, some unknown),
and components.

--shape iati: the activities of the real IATI files in tests/iati/real/, imported
by projreg and cycled: each copy gets its own id and its dates moved by a few
years (a multiple of four, so 29 February stays a day), nothing else changed.
The registry has the proportions of real published data: budgets, sectors,
organisations, notes, transaction countries and long descriptions;
`--describe` prints them (docs/performance.md quotes them).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

REAL = Path(__file__).resolve().parent.parent / "tests" / "iati" / "real"

COUNTRIES = [
    "Georgia", "Armenia", "Azerbaijan", "Moldova", "Ukraine", "Belarus", "Kazakhstan",
    "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan", "Turkey", "Russia", "Serbia",
    "Albania", "Kosovo", "North Macedonia", "Montenegro", "Bosnia and Herzegovina", "Jordan",
    "Lebanon", "Morocco", "Tunisia", "Nigeria", "Ghana", "Senegal", "Iraq", "Pakistan",
]  # fmt: skip
REGIONS = ["Eastern Partnership", "Central Asia", "Western Balkans", "European Union"]
DONORS = [
    ("European Commission", None, "ENI"),
    ("European Union", None, None),
    ("Federal Republic of Germany", "Ministry of Interior", None),
    ("Kingdom of the Netherlands", "Ministry of Justice and Security", None),
    ("Republic of Poland", "Ministry of Interior and Administration", None),
    ("Swiss Confederation", "State Secretariat for Migration", None),
    ("United Kingdom", "Home Office", None),
    ("Republic of Austria", "Federal Ministry of the Interior", None),
]
AGENCIES = ["ICMPD", "IOM", "UNDP", "UNHCR", "Frontex", "WCO", "GIZ", "OSCE", "Expertise France"]
ROLES = ["lead", "partner", "co-implementing", "consortium-lead", "consortium-member", None]
TOPICS = [
    "integrated border management", "readmission and reintegration", "labour migration",
    "migration data and statistics", "asylum systems", "visa liberalisation", "trafficking in human beings",
    "diaspora engagement", "document security", "return counselling",
]  # fmt: skip
VERBS = ["strengthen", "support", "develop", "improve", "enhance", "facilitate", "build"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    return f"To {rng.choice(VERBS)} {rng.choice(TOPICS)} with {rng.choice(AGENCIES)}."


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def project(rng: random.Random, number: int) -> str:
    lines = [
        f"  - id: GEN-{number:06d}",
        f"    title: {quoted(rng.choice(VERBS).capitalize() + ' ' + rng.choice(TOPICS) + ' ' + str(number))}",
    ]
    if rng.random() < 0.6:
        lines.append(f"    acronym: G{number}")
    lines.append(
        f"    objective: {quoted(' '.join(sentence(rng) for _ in range(rng.randint(2, 3))))}"
    )
    lines.append("    specific_objectives:")
    lines += [f"      - {quoted(sentence(rng))}" for _ in range(rng.randint(1, 2))]
    lines.append("    implementers:")
    for agency in rng.sample(AGENCIES, rng.randint(1, 3)):
        role = rng.choice(ROLES)
        lines.append(f"      - {{name: {agency}" + (f", role: {role}}}" if role else "}"))
    lines.append("    donors:")
    for name, department, instrument in rng.sample(DONORS, rng.randint(1, 2)):
        extra = "".join(
            f", {key}: {quoted(value)}"
            for key, value in (("department", department), ("instrument", instrument))
            if value
        )
        lines.append(f"      - {{name: {quoted(name)}{extra}}}")
    countries = rng.sample(COUNTRIES, rng.randint(1, 4))
    lines.append("    countries: [" + ", ".join(quoted(c) for c in countries) + "]")
    if rng.random() < 0.15:
        lines.append(f"    regions: [{rng.choice(REGIONS)}]")
    kind = rng.random()
    year = rng.randint(2005, 2024)
    month = rng.randint(1, 12)
    if kind < 0.05:
        lines.append(f"    duration_months: {rng.choice([12, 24, 36, 48])}")  # dates unknown
    elif kind < 0.5:
        length = rng.randint(6, 60)
        end_month = (month - 1 + length) % 12 + 1
        end_year = year + (month - 1 + length) // 12
        lines.append(f"    start: {MONTHS[month - 1]} {year}")
        if rng.random() < 0.9:
            lines.append(f"    end: {MONTHS[end_month - 1]} {end_year}")
    else:
        day = rng.randint(1, 28)
        lines.append(f"    start: {year}-{month:02d}-{day:02d}")
        if rng.random() < 0.9:
            lines.append(f"    end: {year + rng.randint(1, 4)}-{month:02d}-{day:02d}")
    if rng.random() < 0.2:
        lines.append("    components:")
        for index in range(1, rng.randint(2, 4)):
            lines.append(
                f"      - {{title: Component {index}, description: {quoted(sentence(rng))}}}"
            )
    if rng.random() < 0.3:
        lines.append(f"    manager: {quoted(rng.choice(['A.', 'B.', 'C.']) + ' Example')}")
    return "\n".join(lines) + "\n"


def generate(count: int, seed: int = 1, out=sys.stdout, start: int = 0) -> None:
    rng = random.Random(seed)
    out.write("# A generated registry for benchmarks: not real projects.\n")
    if not start:  # declared once, in the first file of a folder
        out.write("organisations:\n  - {name: European Commission, part_of: European Union}\n")
    out.write("projects:\n")
    for number in range(start + 1, start + count + 1):
        out.write(project(rng, number))


def real_projects():
    """The activities of tests/iati/real/, as projreg imports them."""
    from projreg.iati.activities import import_files

    return import_files([str(p) for p in sorted(REAL.glob("*.xml"))]).projects


_DATE_LINE = re.compile(r"^(\s*-?\s*(?:start|end|planned_start|planned_end): '?)(\d{4})", re.M)


def generate_iati(count: int, seed: int = 1, out=sys.stdout, start: int = 0) -> None:
    from projreg.registry.encode import registry_document, to_yaml

    rng = random.Random(seed)
    projects = real_projects()
    # Each activity as YAML once; the copies differ only in their ids and years.
    templates = []
    for project in projects:
        text = to_yaml(registry_document(None, [project]))
        body = text[text.index("projects:\n") + len("projects:\n") :]
        first, rest = body.split("\n", 1)
        assert first.startswith("- id: "), first
        templates.append((project.id.replace("'", "''"), rest))
    out.write("# Generated from the real IATI activities in tests/iati/real/: not real projects.\n")
    out.write("projects:\n")
    for number in range(start, start + count):
        name, rest = templates[number % len(templates)]
        shift = rng.choice((-8, -4, 0, 4, 8))
        text = f"- id: '{name}-{number:06d}'\n{rest}"
        if shift:
            text = _DATE_LINE.sub(lambda m, shift=shift: f"{m[1]}{int(m[2]) + shift}", text)
        out.write(text)


def generate_folder(count: int, files: int, folder: Path, shape: str, seed: int = 1) -> None:
    """A registry of count projects as a folder of `files` files (ids unique across them):
    a registry larger than projreg reads as one file (512 MiB) must be split."""
    make = generate_iati if shape == "iati" else generate
    folder.mkdir(parents=True, exist_ok=True)
    each = -(-count // files)
    for part in range(files):
        start = part * each
        with open(folder / f"part-{part + 1:03d}.yaml", "w", encoding="utf-8") as out:
            make(min(each, count - start), seed + part, out, start=start)


def describe() -> None:
    """The proportions of the real activities that --shape iati cycles."""
    projects = real_projects()
    n = len(projects)

    def mean(values) -> str:
        values = list(values)
        return f"{sum(values) / len(values):.1f}"

    def share(test) -> str:
        return f"{100 * sum(1 for p in projects if test(p)) / n:.0f}%"

    people = ("donors", "implementers", "extending", "accountable", "programme_partners")
    text = [(p.summary or "") + (p.objective or "") for p in projects]
    print(f"activities\t{n}")
    print(
        f"budgets per activity\t{mean(len(p.budgets) for p in projects)}\twith any: {share(lambda p: p.budgets)}"
    )
    print(f"sectors per activity\t{mean(len(p.sectors) for p in projects)}")
    print(
        f"organisations per activity\t{mean(sum(len(getattr(p, f)) for f in people) for p in projects)}"
    )
    print(f"notes per activity\t{mean(len(p.notes) for p in projects)}")
    print(
        f"recipient countries per activity\t{mean(len(p.countries) for p in projects)}\tregion only: {share(lambda p: not p.countries)}"
    )
    print(
        f"transaction countries per activity\t{mean(len(p.transaction_countries) for p in projects)}"
    )
    print(
        f"description characters per activity\t{mean(len(t) for t in text)}\tlongest: {max(len(t) for t in text)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=("synthetic", "iati"), default="synthetic")
    parser.add_argument("--describe", action="store_true", help="print the real proportions")
    parser.add_argument("-o", "--output")
    parser.add_argument("--files", type=int, help="write a folder of this many files (-o DIR)")
    args = parser.parse_args()
    if args.describe:
        describe()
        return
    if args.files:
        if not args.output:
            parser.error("--files needs -o DIR")
        generate_folder(args.count, args.files, Path(args.output), args.shape, args.seed)
        return
    make = generate_iati if args.shape == "iati" else generate
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            make(args.count, args.seed, out)
    else:
        make(args.count, args.seed)


if __name__ == "__main__":
    main()
