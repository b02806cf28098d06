"""Fuzzing the validator: mutated archives and manifests never crash it."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coursepack.validate.engine import Options, validate_bytes
from tests.corpus import BASES, Member, members_of, zip_members

CLEAN = {base: zip_members(members_of(base)) for base in BASES}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@example(base="cmi5", flips=[(63_342_066_455_877_521_586_968_854_528, 0)])  # an empty entry name
@given(
    base=st.sampled_from(sorted(BASES)),
    flips=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=12
    ),
)
def test_mutated_archives_never_crash_the_validator(
    base: str, flips: list[tuple[int, int]]
) -> None:
    data = bytearray(CLEAN[base])
    for position, value in flips:
        data[position % len(data)] = value
    report = validate_bytes("fuzz.zip", bytes(data), Options(profile="moodle"))
    assert report.path == "fuzz.zip"


@FUZZ
@example(base="xapi", cut=12862883, insert="[")  # an unclosed IPv6 host once crashed urlsplit
@given(
    base=st.sampled_from(sorted(BASES)),
    cut=st.integers(min_value=0),
    insert=st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
def test_mutated_descriptors_never_crash_the_validator(base: str, cut: int, insert: str) -> None:
    name, text = next(iter(BASES[base].items()))
    position = cut % (len(text) + 1)
    mutated = text[:position] + insert + text[position:]
    members = [Member(name, mutated.encode()) if m.name == name else m for m in members_of(base)]
    report = validate_bytes("fuzz.zip", zip_members(members), Options(profile="moodle"))
    assert report.kind in {"scorm12", "scorm2004", "scorm", "xapi", "cmi5", "unknown"}
