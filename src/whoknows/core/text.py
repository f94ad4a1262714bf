"""Matching on meaning: tokens, stems, business synonyms, and TF-IDF similarity."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from scipy import sparse

_WORD = re.compile(r"[^\W_]+(?:[&'][^\W_]+)*", re.UNICODE)

# Function words, and the words people use to phrase an ask rather than its subject.
STOPWORDS = frozenset(
    """a an and are as at be but by for from has have i in into is it its of on or our so
    that the their them they this to was we with who whom whose you your my me us will can
    looking seeking need needs needed want wants wanted someone somebody anyone good great
    help helping helps intro introduction introductions find finding get getting new more
    about also any some other than like very just do does""".split()
)

# Words that name one business concept, first entry is the concept's name. Keep these
# to real equivalences a networker would accept ("a bookkeeper" is who "bookkeeping" means).
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("finance", "financial", "controller", "treasury", "fp&a", "finances"),
    (
        "bookkeeping",
        "bookkeeper",
        "accounting",
        "accountant",
        "accountancy",
        "payroll",
        "cpa",
        "ledger",
    ),
    ("tax", "taxes", "taxation", "vat"),
    ("legal", "lawyer", "attorney", "counsel", "solicitor", "law", "lawyers"),
    ("marketing", "marketer", "brand", "branding", "advertising", "seo"),
    ("software", "developer", "programming", "it", "tech", "technology", "saas"),
    (
        "manufacturing",
        "manufacturer",
        "manufacturers",
        "factory",
        "factories",
        "industrial",
        "production",
        "plant",
    ),
    ("recruiting", "recruiter", "hiring", "talent", "hr", "staffing", "headhunter"),
    ("banking", "bank", "banker", "lender", "loan", "loans", "credit", "lending"),
    ("insurance", "insurer", "underwriting", "cover"),
    ("property", "realtor", "estate", "premises", "lease", "leasing"),
    ("executive", "founder", "owner", "owners", "president", "principal", "md"),
    ("investment", "investor", "investors", "vc", "angel", "capital", "funding", "fundraising"),
    ("coaching", "coach", "mentor", "mentoring"),
    ("design", "designer", "website", "web", "ux", "ui"),
    ("sales", "selling", "salespeople", "bd", "revenue", "prospecting"),
    ("healthcare", "health", "medical", "clinic", "clinics", "hospital", "care"),
    ("export", "exporting", "international", "overseas", "global"),
    ("logistics", "supply", "shipping", "freight", "transport", "warehousing", "distribution"),
    ("operations", "operating", "ops", "process", "efficiency", "lean"),
    ("family", "family-owned", "family-run"),
    ("small", "smb", "sme", "smes", "small-business"),
)

# Titles people abbreviate; expanded before matching so "CFO" finds "Chief Financial Officer".
ABBREVIATIONS = {
    "ceo": "chief executive officer",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cto": "chief technology officer",
    "cmo": "chief marketing officer",
    "cio": "chief information officer",
    "vp": "vice president",
    "svp": "senior vice president",
    "gm": "general manager",
}


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # when a text is first matched: a path to a person needs none

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


@lru_cache(maxsize=1)
def _concepts() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYMS:
        concept = group[0]
        for word in group:
            for part in word.split():
                table.setdefault(_stem(part), concept)
    return table


def terms(text: str | None) -> list[str]:
    """The comparable terms of TEXT: lower-cased, stop words out, stemmed, synonyms folded."""
    if not text:
        return []
    concepts = _concepts()
    found = []
    for word in _WORD.findall(text.casefold()):
        for raw in ABBREVIATIONS.get(word, word).split():
            if raw in STOPWORDS or (len(raw) < 2 and not raw.isdigit()):
                continue
            stem = _stem(raw)
            found.append(concepts.get(stem, stem))
    return found


class TfIdf:
    """A TF-IDF space over a fixed set of documents; rows are L2-normalised."""

    def __init__(self, documents: Sequence[str | None]) -> None:
        self.vocabulary: dict[str, int] = {}
        self._bags = [Counter(terms(doc)) for doc in documents]
        for bag in self._bags:
            for term in bag:
                self.vocabulary.setdefault(term, len(self.vocabulary))
        frequency = np.zeros(len(self.vocabulary))
        for bag in self._bags:
            for term in bag:
                frequency[self.vocabulary[term]] += 1
        count = max(len(documents), 1)
        self.idf = np.log((1 + count) / (1 + frequency)) + 1.0

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """The documents' vectors, one row each (built when first asked for)."""
        return self.vectors(self._bags)

    def _weights(self, bag: Counter[str]) -> dict[int, float]:
        """A bag of terms as TF-IDF weights by column (terms out of the vocabulary dropped)."""
        found = {}
        for term, tf in bag.items():
            col = self.vocabulary.get(term)
            if col is not None:
                found[col] = (1 + math.log(tf)) * float(self.idf[col])
        return found

    def vectors(self, bags: Iterable[Counter[str]]) -> sparse.csr_matrix:
        from scipy import sparse  # imported when first used: it costs the CLI a fifth of a second

        rows, cols, vals = [], [], []
        n_rows = 0
        for row, bag in enumerate(bags):
            n_rows = row + 1
            for col, weight in self._weights(bag).items():
                rows.append(row)
                cols.append(col)
                vals.append(weight)
        matrix = sparse.csr_matrix(
            (vals, (rows, cols)), shape=(n_rows, len(self.vocabulary)), dtype=np.float64
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)

    def query(self, texts: Sequence[str | None]) -> sparse.csr_matrix:
        return self.vectors(Counter(terms(t)) for t in texts)

    def similarity(self, queries: sparse.csr_matrix) -> npt.NDArray[np.float64]:
        """Cosine similarity of each query row with each document: (queries × documents)."""
        return np.asarray((queries @ self.matrix.T).toarray(), dtype=np.float64)

    def similarity_to(self, text: str | None) -> npt.NDArray[np.float64]:
        """Cosine similarity of one text with each document: what ``similarity(query([text]))``
        gives, without the matrices (nor scipy, a tenth of a second of a command's start)."""
        query = self._weights(Counter(terms(text)))
        found = np.zeros(len(self._bags))
        query_norm = math.sqrt(sum(w * w for w in query.values()))
        if not query_norm:
            return found
        for row, bag in enumerate(self._bags):
            weights = self._weights(bag)
            dot = sum(w * query[col] for col, w in weights.items() if col in query)
            if dot:
                found[row] = dot / (math.sqrt(sum(w * w for w in weights.values())) * query_norm)
        return found


def shared_terms(a: str | None, b: str | None) -> list[str]:
    """The terms two texts have in common, in the order they appear in A (for explanations)."""
    other = set(terms(b))
    return list(dict.fromkeys(t for t in terms(a) if t in other))
