"""How people's asks and offers read in a sentence: "is looking for a bookkeeper", or
quoted as they said it; how long ago and how many, in words. Pure: the plain words of drafts
and explanations."""

from __future__ import annotations

import re

_LOOKING = re.compile(r"(?i)^\s*(?:looking|seeking|searching|in\s+need)\b")
_NOUN_START = re.compile(r"(?i)^(?:an?|some|someone|somebody|help|more|new|advice)\b")


_ASKING = re.compile(
    r"^\s*(?:i\s+am\s+|i'm\s+|is\s+)?(?:looking\s+for|seeking|searching\s+for|in\s+need\s+of|"
    r"needs?|wants?|would\s+like)\s+",
    re.IGNORECASE,
)
_OFFERING = re.compile(r"^\s*(?:offers?|provides?|can\s+offer|can\s+provide)\s+", re.IGNORECASE)


def _clause(text: str, pattern: re.Pattern[str]) -> str:
    cleaned = pattern.sub("", " ".join(text.split())).rstrip(" .;")
    # "Bookkeeping for…" reads as "bookkeeping for…" mid-sentence; "CFO…", "R&D…" and
    # "iPhone…" stay as typed.
    first = cleaned.split(" ", 1)[0]
    if not (first[:1].isupper() and first[1:].isalpha() and first[1:].islower()):
        return cleaned
    return cleaned[:1].lower() + cleaned[1:]


def need_phrase(text: str) -> str:
    """An ask as it reads after "is looking for": "Looking for a bookkeeper." → "a bookkeeper"."""
    return _clause(text, _ASKING)


def offer_phrase(text: str) -> str:
    """An offer as it reads after "offers": "Offers payroll services" → "payroll services"."""
    return _clause(text, _OFFERING)


def reads_as_need(text: str) -> bool:
    """Whether an ask reads after "is looking for" once need_phrase() has trimmed it ("a
    bookkeeper"), or is a problem in the asker's own words, to be quoted ("can't find
    skilled CNC operators")."""
    cleaned = " ".join(text.split()).rstrip(" .;")
    phrase = need_phrase(cleaned)
    if phrase != cleaned:
        return bool(_LOOKING.match(cleaned) or _NOUN_START.match(phrase))
    return bool(_NOUN_START.match(phrase))


_SPEAKING = re.compile(
    r"(?i)^(?:i|we|i'm|we're|i've|we've|i'll|we'll|happy|glad|can|could|will|would|always|"
    r"just|my|our)\b"
)


def reads_as_offer(text: str) -> bool:
    """Whether an offer reads after "offers" once offer_phrase() has trimmed it ("payroll
    services"), or is said in the offerer's own words, to be quoted ("we build websites")."""
    return not _SPEAKING.match(offer_phrase(text))


DAYS_PER_YEAR = 365.25


def ago(days: int) -> str:
    """How long ago DAYS days were, in words: "today", "12 days ago", "3 years ago"."""
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 365:
        return f"{round(days / 30.44)} months ago"
    return plural(round(days / DAYS_PER_YEAR), "year") + " ago"


# Ledger kinds that English does not count: say what one of them is.
_COUNTED = {"information": "piece of information", "help": "favour", "business": "deal"}


def plural(n: int, word: str) -> str:
    """N WORDs, counted as English counts them ("1 favour", "2 pieces of information")."""
    word = _COUNTED.get(word, word)
    if n == 1:
        return f"{n} {word}"
    if word.startswith("piece of "):
        return f"{n} pieces of {word.removeprefix('piece of ')}"
    return f"{n} {word}s"
