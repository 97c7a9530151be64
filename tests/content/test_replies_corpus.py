"""Reading what staff write back (content/replies), against the corpus in replies.tsv.

The corpus test prints how much of the corpus is understood (run pytest with -s to
see it) and holds the line: at least 95 % understood, and not one false confirmation
(an item confirmed that the writer did not say was done) anywhere in the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from content.replies import Intent, Reason, read_numbers, understand

CORPUS = Path(__file__).with_name("replies.tsv")
DEFAULT_LISTED = (1, 2, 3, 4, 5)
REQUIRED_SHARE = 0.95


@dataclass(frozen=True)
class Case:
    line: int
    text: str
    intent: Intent
    numbers: tuple[int, ...]
    everything: bool
    listed: tuple[int, ...]
    quoted: bool
    answering: bool

    def read(self):  # type: ignore[no-untyped-def]
        return understand(self.text, self.listed, quoted=self.quoted, answering=self.answering)

    def __str__(self) -> str:
        return f"replies.tsv:{self.line}: {self.text!r}"


def _listed(context: str) -> tuple[int, ...]:
    for part in context.split():
        if part.startswith("listed="):
            first, _, last = part.removeprefix("listed=").partition("-")
            return tuple(range(int(first), int(last or first) + 1))
    return DEFAULT_LISTED


def load_corpus() -> list[Case]:
    cases = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        text, intent, numbers, context = [*line.split("\t"), "", ""][:4]
        cases.append(
            Case(
                line=number,
                text=text,
                intent=Intent(intent),
                numbers=() if numbers in ("", "all") else tuple(map(int, numbers.split())),
                everything=numbers == "all",
                listed=_listed(context),
                quoted="unquoted" not in context.split(),
                answering="answering" in context.split(),
            )
        )
    return cases


CASES = load_corpus()


def understood(case: Case) -> bool:
    """The intent, and the numbers meant (for UNCLEAR and NONE only the intent counts:
    what Loa then asks or ignores does not depend on them)."""
    got = case.read()
    if got.intent is not case.intent:
        return False
    if case.intent in (Intent.UNCLEAR, Intent.NONE):
        return True
    return got.everything == case.everything and set(got.numbers) == set(case.numbers)


def falsely_confirmed(case: Case) -> set[int] | None:
    """The items confirmed that the writer did not say are done (None: none)."""
    got = case.read()
    if got.intent is not Intent.CONFIRM:
        return None
    confirmed = set(case.listed) if got.everything else set(got.numbers)
    if case.intent is not Intent.CONFIRM:
        return confirmed or {0}  # {0}: "the one open item", which was never meant
    meant = set(case.listed) if case.everything else set(case.numbers)
    if not case.numbers and not case.everything:
        return confirmed or None  # "xong" alone: confirming any given number is wrong
    return (confirmed - meant) or None


def test_the_corpus_is_large_and_covers_every_intent() -> None:
    assert len(CASES) >= 150
    assert {case.intent for case in CASES} == set(Intent)


def test_the_corpus_is_understood_with_no_false_confirmation() -> None:
    missed = [case for case in CASES if not understood(case)]
    false = [(str(case), falsely_confirmed(case)) for case in CASES if falsely_confirmed(case)]
    share = 1 - len(missed) / len(CASES)
    print(
        f"\nreplies corpus: {len(CASES) - len(missed)}/{len(CASES)} understood "
        f"({share:.1%}), {len(false)} false confirmations"
    )
    for case in missed:
        print(f"  not understood: {case} -> {case.read()}")
    assert false == []
    assert share >= REQUIRED_SHARE, [str(case) for case in missed]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_no_corpus_message_confirms_what_it_does_not_say(case: Case) -> None:
    assert falsely_confirmed(case) is None, case.read()


def test_links_anywhere_are_evidence_and_never_numbers() -> None:
    got = understand(
        "xong 3, link https://sldtbxh.laocai.gov.vn/tin-tuc/2026/02/bai-12.html. Cảm ơn ạ"
    )
    assert got.numbers == (3,)
    assert got.evidence == ("https://sldtbxh.laocai.gov.vn/tin-tuc/2026/02/bai-12.html",)


@pytest.mark.parametrize(
    ("text", "invalid"),
    [("xong -1", "-1"), ("xong 1.5", "1.5"), ("xong 10.000", "10.000"), ("xong 3-1", "3-1")],
)
def test_numbers_that_are_not_item_numbers_are_named_back(text: str, invalid: str) -> None:
    got = understand(text, DEFAULT_LISTED)
    assert (got.intent, got.reason, got.invalid) == (Intent.UNCLEAR, Reason.INVALID, (invalid,))


def test_a_range_means_every_number_in_it() -> None:
    assert understand("xong 1-3", DEFAULT_LISTED).numbers == (1, 2, 3)


def test_a_number_the_list_does_not_have_is_reported() -> None:
    got = understand("xong 1 9", (1, 2))
    assert (got.intent, got.reason, got.unknown) == (Intent.UNCLEAR, Reason.UNKNOWN, (9,))


def test_a_yes_to_a_yes_no_question_is_marked_as_such() -> None:
    got = understand("đúng rồi ạ", (3,), answering=True)
    assert (got.intent, got.everything, got.reason) == (Intent.CONFIRM, True, Reason.YES)


def test_an_over_long_message_is_read_quickly_and_confirms_nothing_it_does_not_say() -> None:
    text = "Chào cả nhà, chiều nay họp lúc 14h nhé. " * 400 + "việc 2 xong chưa?"
    assert understand(text, DEFAULT_LISTED).intent is Intent.QUESTION


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("2", (2,)),
        ("1 3", (1, 3)),
        ("1,3", (1, 3)),
        ("1-3", (1, 2, 3)),
        ("1 đến 3", (1, 2, 3)),
        ("việc 2", (2,)),
        ("", ()),
        ("1.5", None),
        ("-1", None),
        ("3-1", None),
        ("hai", None),
        ("1 hoặc 2", None),
    ],
)
def test_command_arguments_are_read_strictly(text: str, numbers: tuple[int, ...] | None) -> None:
    assert read_numbers(text) == numbers
