"""What is known about people in the demo, as arrays: texts, tags, emails and phones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from whoknows.core.models import Stage
from whoknows.demo import vocab
from whoknows.demo.history import STAGES

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

# Offers: each industry's own, one after the other, then the generic ones.
OFFER_OFFSET = np.cumsum([0] + [len(i.offers) for i in vocab.INDUSTRIES])
OFFERS = tuple(o for i in vocab.INDUSTRIES for o in i.offers) + vocab.GENERIC_OFFERS
_NAMES = [i.name for i in vocab.INDUSTRIES]
ASK_INDUSTRY = np.array([_NAMES.index(needed) for needed, _ in vocab.ASKS])


@dataclass(frozen=True)
class Details:
    serves: Ints  # -1: unknown; 0: their clients; 1: their clients, in their city
    offer: Ints  # index into history.OFFERS, -1: unknown
    ask: Ints  # index into vocab.ASKS, -1: unknown
    note: Ints  # index into vocab.PERSON_NOTES, -1: none
    tag_person: Ints  # (person, tag) pairs, sorted and unique
    tag: Ints  # index into vocab.TAGS
    email: Ints  # 0: none; 1: work; 2: work and personal; 3: personal only
    mail_domain: Ints  # index into vocab.MAIL_DOMAINS for a personal address
    phone: Floats  # uniform draws a phone number is made of; NaN: no phone
    phone_prefix: Floats


def generate(
    rng: np.random.Generator,
    industry: Ints,
    organization: Ints,
    contacts: Ints,
    stage: Ints,
    *,
    lean: bool,
) -> Details:
    """My contacts are known well; the others (unless lean) a little: a trade, some tags."""
    n = len(industry)
    known = np.zeros(n)
    known[contacts] = 1.0
    if not lean:
        known[known == 0] = 0.2
    known[0] = 0.0  # me: written from vocab.ME

    serves = np.where(rng.random(n) < 0.75 * known, (rng.random(n) < 0.3).astype(np.int64), -1)
    own = OFFER_OFFSET[industry] + (rng.random(n) * np.diff(OFFER_OFFSET)[industry]).astype(int)
    generic = OFFER_OFFSET[-1] + rng.integers(0, len(OFFERS) - OFFER_OFFSET[-1], n)
    offer = np.where(rng.random(n) < 0.85, own, generic)
    offer = np.where(rng.random(n) < 0.7 * known, offer, -1)

    mine = np.zeros(n, dtype=bool)
    mine[contacts] = True
    ask = rng.integers(0, len(vocab.ASKS), n)
    again = ASK_INDUSTRY[ask] == industry  # nobody asks for what they do themselves
    ask[again] = rng.integers(0, len(vocab.ASKS), np.count_nonzero(again))
    ask = np.where(mine & (rng.random(n) < 0.5) & (ASK_INDUSTRY[ask] != industry), ask, -1)
    note = np.where(mine & (rng.random(n) < 0.35), rng.integers(0, len(vocab.PERSON_NOTES), n), -1)

    tag_p = 1.0 / np.arange(1, len(vocab.TAGS) + 1) ** 0.8
    counts = np.where(mine, rng.poisson(1.3, n), rng.poisson(0.6, n) * (known > 0))
    counts = np.minimum(counts, 4)
    people = np.repeat(np.arange(n), counts)
    tags = rng.choice(len(vocab.TAGS), size=len(people), p=tag_p / tag_p.sum())
    advocates = contacts[
        (stage == STAGES.index(Stage.ADVOCATE)) & (rng.random(len(contacts)) < 0.7)
    ]
    people = np.concatenate([people, advocates])
    tags = np.concatenate([tags, np.full(len(advocates), vocab.TAGS.index("referral-partner"))])
    pairs = np.unique(people * len(vocab.TAGS) + tags)

    k = len(contacts)
    email = np.where(rng.random(k) < 0.95, np.where(rng.random(k) < 0.12, 2, 1), 0)
    email = np.where((organization[contacts] < 0) & (email > 0), 3, email)
    phone = np.where(rng.random(k) < 0.55, rng.random(k), np.nan)
    return Details(
        serves=serves,
        offer=offer,
        ask=ask,
        note=note,
        tag_person=pairs // len(vocab.TAGS),
        tag=pairs % len(vocab.TAGS),
        email=email,
        mail_domain=rng.integers(0, len(vocab.MAIL_DOMAINS), k),
        phone=phone,
        phone_prefix=rng.random(k),
    )
