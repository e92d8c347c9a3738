"""Property: any registry written by `list -f yaml` loads back to the same projects."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projreg import load_registry
from projreg.model.dates import PartialDate
from projreg.model.project import IMPLEMENTER_ROLES, Component, Link, Participant, Project, Registry
from projreg.registry.encode import to_registry, to_yaml

from .conftest import any_text, examples

# Any text the loader keeps as it is: no surrogates, nothing to strip at the ends. Built
# that way rather than filtered: a filter threw most generated text away.
_any = st.characters(exclude_categories=("Cs",))
_edge = _any.filter(lambda c: not c.isspace())  # rejects few single characters
text = _edge | st.builds(
    lambda a, middle, b: a + middle + b, _edge, st.text(_any, max_size=28), _edge
)
maybe_text = st.none() | text
texts = st.lists(text, max_size=3).map(tuple)


@st.composite
def partial_dates(draw):
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return PartialDate(
        day.year,
        day.month if precision != "year" else None,
        day.day if precision == "day" else None,
    )


# Strategies are built once, here, not on every draw: building and validating them
# was most of the time these properties took.
_nothing = st.none()
_donors = st.lists(
    st.builds(
        Participant,
        name=text,
        role=_nothing,
        department=maybe_text,
        instrument=maybe_text,
        ref=maybe_text,
        type=_nothing,
    ),
    max_size=3,
).map(tuple)
_implementers = st.lists(
    st.builds(
        Participant,
        name=text,
        role=st.none() | st.sampled_from(IMPLEMENTER_ROLES),
        department=maybe_text,
        instrument=_nothing,
        ref=maybe_text,
        type=_nothing,
    ),
    max_size=3,
).map(tuple)
_partners = st.lists(
    st.builds(
        Participant,
        name=text,
        role=maybe_text,
        department=_nothing,
        instrument=_nothing,
        ref=maybe_text,
        type=_nothing,
    ),
    max_size=2,
).map(tuple)
_components = st.lists(st.builds(Component, title=text, description=maybe_text), max_size=2).map(
    tuple
)
_countries = st.lists(
    st.sampled_from(["NO", "GE", "AZ", "XK", "TR", "MD"]), unique=True, max_size=3
).map(tuple)
_regions = st.lists(st.sampled_from(["Central Asia", "Schengen Area"]), unique=True).map(tuple)
_links = st.lists(
    st.builds(Link, text=text, url=maybe_text, kind=st.none() | st.just("document")),
    max_size=2,
).map(tuple)
_maybe_date = st.none() | partial_dates()
_months = st.none() | st.integers(1, 600)
_status = st.none() | st.sampled_from(["planned", "cancelled"])


@st.composite
def projects(draw, index):
    start = draw(_maybe_date)
    end = draw(_maybe_date)
    if start and end and end.last_day() < start.first_day():
        start, end = end, start
        if end.last_day() < start.first_day():  # e.g. 2018 and 2018-06: keep one
            end = None
    return Project(
        id=f"P-{index}",
        title=draw(text),
        acronym=draw(maybe_text),
        summary=draw(maybe_text),
        objective=draw(maybe_text),
        specific_objectives=draw(texts),
        components=draw(_components),
        target_groups=draw(texts),
        final_beneficiaries=draw(texts),
        implementers=draw(_implementers),
        donors=draw(_donors),
        programme_partners=draw(_partners),
        programme=draw(maybe_text),
        countries=draw(_countries),
        regions=draw(_regions),
        start=start,
        end=end,
        duration_months=draw(_months),
        activity_status=draw(_status),
        manager=draw(maybe_text),
        links=draw(_links),
        notes=draw(texts),
    )


_tuples = {n: st.tuples(*(projects(i) for i in range(n))) for n in range(1, 5)}
registries = st.integers(1, 4).flatmap(_tuples.__getitem__)


def _written_whole(projects) -> str:
    """The projects list as to_yaml_direct writes to_registry's mappings, whole."""
    from projreg.registry.encode import to_yaml_direct

    return to_yaml_direct({"projects": [to_registry(p) for p in projects]})


def _written_each(projects) -> str:
    """The same list as import-iati writes it, a project at a time, sharing one memo."""
    from projreg.registry.encode import project_yaml

    memo: dict = {}
    return "projects:\n" + "".join(project_yaml(p, memo) for p in projects)


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(registries)
def test_yaml_output_loads_back_unchanged_and_projects_are_written_alike_either_way(
    tmp_path, generated
):
    """Two properties of each generated registry, drawn once for both (drawing a registry is
    most of what either costs): the YAML written loads back unchanged, and a project written
    as its fields are walked (import-iati's way) is its mapping written."""
    path = tmp_path / "generated.yaml"
    path.write_text(to_yaml({"projects": [to_registry(p) for p in generated]}), encoding="utf-8")
    loaded = load_registry(path)
    assert loaded.projects == generated
    assert _written_each(generated) == _written_whole(generated)


def test_the_seed_registry_round_trips_through_the_cli(run, tmp_path):
    path = tmp_path / "seed.yaml"
    path.write_text(run("list", "-f", "yaml").stdout, encoding="utf-8")
    original = {p.id: p for p in load_registry().projects}
    assert {p.id: p for p in load_registry(path).projects} == original
    assert isinstance(load_registry(path), Registry)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(["1e3", "0b101", "yes", "NO", "- a", "a: b", "#x", "x\ny", "\u202e", "~"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(any_text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=examples(300), deadline=None)
@given(
    st.one_of(
        st.lists(_values, max_size=5),
        st.dictionaries(st.sampled_from(["source", "projects", "organisations", "x"]), _values),
    )
)
def test_yaml_written_an_item_at_a_time_is_the_yaml_written_whole(data):
    """to_yaml writes a long list item by item (bounded memory); the text must not change."""
    from projreg.registry.encode import _to_yaml

    assert to_yaml(data) == _to_yaml(data)
