"""Writes the 30 hand-kept registry layouts that `projreg new` must keep byte for byte
(issue 26). Run from the repository: python tests/new_layouts/make.py. Each layout is
a valid registry (`projreg check` accepts it); the files are kept in git as written here."""

from pathlib import Path

HERE = Path(__file__).parent
A = "  - id: A-1\n    title: Alpha\n    start: 2019\n"
LONG = "[" + ", ".join(f"Donor number {n}" for n in range(300)) + "]"
LAYOUTS = {
    "01-bom": "\ufeffprojects:\n" + A,
    "02-crlf": ("# kept with CRLF\nprojects:\n" + A).replace("\n", "\r\n"),
    "03-cr-only": ("# an old Mac file\nprojects:\n" + A).replace("\n", "\r"),
    "04-mixed-endings": "# mixed\r\nprojects:\n  - id: A-1\r\n    title: Alpha\n",
    "05-document-end": "projects:\n" + A + "...\n",
    "06-document-start-and-end": "---\nprojects:\n" + A + "...\n",
    "07-tilde-elsewhere": "source: ~\nprojects:\n" + A,
    "08-projects-tilde": "source: a registry to come\nprojects: ~\n",
    "09-projects-empty-flow": "projects: []  # none yet\n",
    "10-bidi-escape": 'projects:\n  - id: A-1\n    title: "Alpha \\u202E reversed"\n',
    "11-other-escapes": 'projects:\n  - id: A-1\n    title: "A\\x41 \\U0001F600 \\u00e9"\n',
    "12-literal-block": "projects:\n  - id: A-1\n    title: Alpha\n    summary: |\n      line one\n      line two\n",
    "13-folded-with-blank-lines": (
        "projects:\n  - id: A-1\n    title: Alpha\n    summary: >-\n      folded\n      text\n\n\n"
    ),
    "14-plain-multi-line": "projects:\n  - id: A-1\n    title: Alpha\n      and more of\n      the title\n",
    "15-long-flow-list": f"projects:\n  - id: A-1\n    title: Alpha\n    donors: {LONG}\n",
    "16-indent-four": "projects:\n    - id: A-1\n      title: Alpha\n",
    "17-indentless": "projects:\n- id: A-1\n  title: Alpha\n- id: A-2\n  title: Beta\n",
    "18-dash-alone": "projects:\n  -\n    id: A-1\n    title: Alpha\n",
    "19-wide-dash": "projects:\n  -   id: A-1\n      title: Alpha\n",
    "20-comments-after": "projects:\n" + A + "  # - id: A-2 (not yet)\n# the end\n",
    "21-no-final-newline": "projects:\n  - id: A-1\n    title: Alpha",
    "22-tab-in-plain-value": "projects:\n  - id: A-1\n    title: Alpha\tand tab\n",
    "23-single-quotes": "projects:\n  - id: 'A-1'\n    title: 'It''s Alpha'\n",
    "24-keys-after-projects": (
        "projects:\n" + A + "organisations:\n  - name: ICMPD\n    aliases: [International Centre]\n"
    ),
    "25-flow-mapping-items": "projects:\n  - {id: A-1, title: Alpha}\n  - {id: A-2, title: Beta}\n",
    "26-flow-list": "projects: [{id: A-1, title: Alpha}]\n",
    "27-blank-lines-between": "projects:\n" + A + "\n\n" + A.replace("A-1", "A-2") + "\n",
    "28-trailing-spaces": "projects:   \n  - id: A-1   \n    title: Alpha   \n",
    "29-odd-indent-three": "projects:\n   - id: A-1\n     title: Alpha\n     countries: [Georgia,\n       Armenia]\n",
    "30-bom-crlf-no-final-newline": "\ufeffprojects:\r\n  - id: A-1\r\n    title: Alpha",
}

if __name__ == "__main__":
    for name, text in LAYOUTS.items():
        (HERE / f"{name}.yaml").write_bytes(text.encode("utf-8"))
