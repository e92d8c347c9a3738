"""Filters through the library: the matching rules, answered by hand from the seed page."""

import datetime as dt

import pytest

from projreg import parse_date
from projreg.query.filters import FilterError, Filters, select

from .conftest import TODAY


def ids(registry, **filters):
    filters.setdefault("today", TODAY)
    return sorted(m.project.id for m in select(registry, Filters(**filters)).matches)


def test_country_matches_direct_and_via_region(registry):
    selection = select(registry, Filters(countries=("Azerbaijan",)))
    via = {m.project.id: m.via for m in selection.matches}
    assert via == {
        "RESTART": (),
        "EAP-IBM-CABUIPRO": (),
        "MOBILAZE": (),
        "PRAGUE-PROCESS": ("Eastern Partnership",),
        "PP-DATA": ("Eastern Partnership",),
    }


@pytest.mark.parametrize("name", ["az", "AZE", "Azerbaijan", "  azerbaijan "])
def test_country_by_name_or_code(registry, name):
    assert ids(registry, countries=(name,), direct=True) == [
        "EAP-IBM-CABUIPRO",
        "MOBILAZE",
        "RESTART",
    ]


@pytest.mark.parametrize("name", ["Turkey", "Türkiye", "TR", "Russia", "RU"])
def test_names_people_write(registry, name):
    assert ids(registry, countries=(name,), direct=True) == ["PP-DATA", "PRAGUE-PROCESS"]


def test_moldova_and_kosovo(registry):
    assert ids(registry, countries=("Moldova",)) == [
        "EAP-IBM-CABUIPRO",
        "PP-DATA",
        "PRAGUE-PROCESS",
    ]
    assert ids(registry, countries=("Kosovo",)) == ["PP-DATA", "PRAGUE-PROCESS"]


def test_country_values_or_together(registry):
    assert ids(registry, countries=("Armenia", "Georgia"), direct=True) == [
        "EAP-IBM-CABUIPRO",
        "ENIGMMA-2",
        "MIBMA",
    ]


def test_unknown_country_is_a_filter_error_with_suggestion(registry):
    with pytest.raises(FilterError, match="did you mean 'Georgia'"):
        select(registry, Filters(countries=("Gorgia",)))


def test_region_names_and_members(registry):
    assert ids(registry, regions=("Central Asia",)) == ["BOMCA-9", "PP-DATA", "PRAGUE-PROCESS"]
    assert ids(registry, regions=("EaP",)) == [
        "EAP-IBM-CABUIPRO",
        "ENIGMMA-2",
        "MIBMA",
        "MOBILAZE",
        "PP-DATA",
        "PRAGUE-PROCESS",
        "RESTART",
    ]
    assert ids(registry, regions=("Central Asia",), direct=True) == ["PP-DATA", "PRAGUE-PROCESS"]


def test_donor_european_union_finds_the_commission(registry):
    assert ids(registry, donors=("European Union",)) == [
        "BOMCA-9",
        "EAP-IBM-CABUIPRO",
        "ENIGMMA-2",
        "MIBMA",
        "MOBILAZE",
    ]
    assert ids(registry, donors=("european commission",)) == [
        "EAP-IBM-CABUIPRO",
        "ENIGMMA-2",
        "MOBILAZE",
    ]


def test_donor_by_part_of_name_department_or_instrument(registry):
    assert ids(registry, donors=("Germany",)) == ["RESTART"]
    assert ids(registry, donors=("ministry of interior",)) == ["RESTART"]
    assert ids(registry, donors=("ENPI",)) == ["EAP-IBM-CABUIPRO"]
    # Whole words only: "EU" is not in "Federal Republic of Germany".
    assert "RESTART" not in ids(registry, donors=("EU",))


def test_agency_by_name_or_alias(registry):
    icmpd = ["EAP-IBM-CABUIPRO", "ENIGMMA-2", "MIBMA", "MOBILAZE", "RESTART"]
    assert ids(registry, agencies=("ICMPD",)) == icmpd
    assert (
        ids(registry, agencies=("International Centre for Migration Policy Development",)) == icmpd
    )
    assert ids(registry, agencies=("frontex", "undp")) == ["EAP-IBM-CABUIPRO", "MIBMA"]


def test_different_filters_and_together(registry):
    assert ids(registry, countries=("Azerbaijan",), donors=("European Commission",)) == [
        "EAP-IBM-CABUIPRO",
        "MOBILAZE",
    ]


def test_month_precision_end_covers_the_whole_month(registry):
    assert "BOMCA-9" in ids(registry, active_on=parse_date("2018-06-30"))
    assert "BOMCA-9" not in ids(registry, active_on=parse_date("2018-07-01"))


def test_month_precision_start_begins_on_the_first(registry):
    assert "EAP-IBM-CABUIPRO" not in ids(registry, active_on=parse_date("2014-06-30"))
    assert "EAP-IBM-CABUIPRO" in ids(registry, active_on=parse_date("2014-07-01"))


def test_active_on_a_day(registry):
    selection = select(registry, Filters(active_on=parse_date("2018-06-01")))
    assert sorted(selection_ids(selection)) == [
        "BOMCA-9",
        "ENIGMMA-2",
        "MIBMA",
        "MOBILAZE",
        "PRAGUE-PROCESS",
    ]
    assert [p.id for p in selection.undetermined] == ["PP-DATA"]


def selection_ids(selection):
    return [m.project.id for m in selection.matches]


def test_no_end_means_ongoing(registry):
    assert "PRAGUE-PROCESS" in ids(registry, active_on=parse_date("2030-01-01"))
    assert "PRAGUE-PROCESS" not in ids(registry, active_on=parse_date("2009-03-31"))


def test_between_means_overlap(registry):
    # RESTART starts 1 January 2019: a range ending 31 December 2018 misses it.
    assert "RESTART" not in ids(registry, between=(parse_date("2017"), parse_date("2018")))
    assert "RESTART" in ids(registry, between=(parse_date("2017"), parse_date("2019-01")))
    assert ids(registry, between=(parse_date("2020-07"), parse_date("2020-12"))) == [
        "ENIGMMA-2",
        "PRAGUE-PROCESS",
    ]


def test_reversed_range_is_an_error(registry):
    with pytest.raises(FilterError, match="ends before it starts"):
        select(registry, Filters(between=(parse_date("2019"), parse_date("2018"))))


def test_status_relative_to_today(registry):
    on = dt.date(2018, 6, 1)
    assert ids(registry, statuses=("ongoing",), today=on) == [
        "BOMCA-9",
        "ENIGMMA-2",
        "MIBMA",
        "MOBILAZE",
        "PRAGUE-PROCESS",
    ]
    assert ids(registry, statuses=("planned",), today=on) == ["RESTART"]
    assert ids(registry, statuses=("completed",), today=on) == ["EAP-IBM-CABUIPRO"]
    assert ids(registry, statuses=("unknown",), today=on) == ["PP-DATA"]


def test_search_titles_objectives_and_descriptions(registry):
    assert ids(registry, search=("Bratislava",)) == ["PP-DATA"]
    assert ids(registry, search=("personal data protection",)) == ["ENIGMMA-2"]
    assert ids(registry, search=("visa liberalisation",)) == [
        "EAP-IBM-CABUIPRO",
        "ENIGMMA-2",
        "MIBMA",
    ]


def test_sort_and_limit(registry):
    by_start = select(registry, Filters(), sort="start")
    assert selection_ids(by_start) == [
        "PRAGUE-PROCESS",
        "EAP-IBM-CABUIPRO",
        "BOMCA-9",
        "MIBMA",
        "MOBILAZE",
        "ENIGMMA-2",
        "RESTART",
        "PP-DATA",  # unknown start goes last
    ]
    assert selection_ids(select(registry, Filters(), sort="end", limit=2)) == [
        "EAP-IBM-CABUIPRO",
        "BOMCA-9",
    ]
    assert selection_ids(select(registry, Filters(), sort="title"))[0] == "BOMCA-9"


def test_filters_are_a_value_nobody_can_change():
    """Commands share one Filters (gh's FilterOptions): it is frozen, and equal filters
    are equal and hash alike."""
    import dataclasses

    filters = Filters(countries=("Georgia",), today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        filters.countries = ("Armenia",)
    assert filters == Filters(countries=("Georgia",), today=TODAY)
    assert hash(filters) == hash(Filters(countries=("Georgia",), today=TODAY))


def test_an_unknown_organisation_is_said_with_at_most_three_closest_names():
    from projreg.model.project import Participant, Project, Registry

    names = ["Agency Alpha", "Agency Alphb", "Agency Alphc", "Agency Alphd", "Agency Alphe"]
    registry = Registry(
        tuple(
            Project(id=f"P-{i}", title="x", donors=(Participant(name),))
            for i, name in enumerate(names)
        )
    )
    (note,) = select(registry, Filters(donors=("Agency Alphz",), today=TODAY)).notes
    assert note.startswith("no donor matches 'Agency Alphz'; closest: ")
    shown = note.split("closest: ")[1].split(", ")
    assert len(shown) == 3 and set(shown) <= set(names)
