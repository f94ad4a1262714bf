"""Next steps that several services' errors point to and that need a place to act, each
worded per adapter (errors.Hint): the command, where on the pages, the API's route."""

from __future__ import annotations

from whoknows.errors import Hint

SET_ME = Hint(
    cli='run: whoknows me "Your Name"',
    web="say who you are in Settings",
    api="say who you are first, in the app's Settings",
)
SET_ME_EMAIL = Hint(
    cli='run: whoknows me "Your Name" --email you@example.com',
    web="say who you are, with your email, in Settings",
    api="say who you are, with your email, in the app's Settings",
)
FIND_PERSON = Hint(
    cli="see: whoknows person find", web="look for them in People", api="GET /api/v1/people?q=…"
)
INTROS = Hint(
    cli="see: whoknows intro list", web="see Introductions", api="GET /api/v1/introductions"
)
LISTINGS = {  # a listing by its command: where else it is
    "person list": Hint(
        cli="see: whoknows person list", web="see People", api="GET /api/v1/people"
    ),
    "org list": Hint(
        cli="see: whoknows org list",
        web="check its name, or give its id (org:#ID)",
        api="GET /api/v1/organizations",
    ),
    "event list": Hint(cli="see: whoknows event list", web="see Events", api="GET /api/v1/events"),
    "referral list": Hint(
        cli="see: whoknows referral list", web="see Referrals", api="GET /api/v1/referrals"
    ),
}
