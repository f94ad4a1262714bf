"""The team server's tables (SQLAlchemy Core) and the row security that isolates spaces.

docs/team-design.md is the contract. Every table with a `space_id` column has row-level
security enabled and forced; the policies read the transaction-local settings that
db.tenant() sets. The migrations under teamserver/migrations create all of this; the
catalogue test (tests/teamserver/test_catalogue.py) checks the database against TENANT_TABLES.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

APP_ROLE = "whoknows_app"
VERSION_TABLE = "team_alembic_version"
SPACE_SETTING = "whoknows.space_id"
ACCOUNT_SETTING = "whoknows.account_id"
HOST_SLUG_SETTING = "whoknows.host_slug"  # only the host's CLI (team invite) sets it

ROLES = ("owner", "admin", "leader", "member", "guest")  # most powers first
KINDS = ("firm", "group")
LEVELS = ("nothing", "who", "name")
BANDS = ("weak", "good", "strong")
INTRO_STATUSES = ("asked", "accepted", "declined", "withdrawn")
WEEK_STATUSES = ("open", "closed")
SLIP_STATUSES = ("given", "accepted", "contacted", "won", "no_sale", "withdrawn")
ATTENDANCE = ("present", "absent", "late", "substitute", "medical")
VISITOR_STATUSES = ("visited", "invited", "applied", "joined", "not_now")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _now(name: str, *, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=func.now())


def _when(name: str) -> Column[object]:
    return Column(name, DateTime(timezone=True))


def _space() -> Column[int]:
    return Column("space_id", ForeignKey("space.id", ondelete="CASCADE"), nullable=False)


def _account(name: str = "account_id", *, nullable: bool = False) -> Column[int]:
    return Column(name, ForeignKey("account.id", ondelete="CASCADE"), nullable=nullable)


account = Table(
    "account",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("email", Text, nullable=False, unique=True),  # lower-cased by accounts.py
    Column("name", Text, nullable=False, server_default=""),
    Column("password_hash", Text),  # argon2; null until the account sets one
    Column("is_admin", Boolean, nullable=False, server_default="false"),  # may create spaces
    _now("created_at"),
    _when("disabled_at"),
)

web_session = Table(
    "web_session",
    metadata,
    Column("id", Text, primary_key=True),  # sha256 hex of the cookie's random token
    _account(),
    Column("csrf", Text, nullable=False),
    _now("created_at"),
    _now("last_seen_at"),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index("ix_web_session_account_id", "account_id"),
)

space = Table(
    "space",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("slug", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("key_salt", Text, nullable=False),  # 32 random bytes, hex: the contact-key HMAC key
    _now("created_at"),
    CheckConstraint(_in("kind", KINDS), name="kind"),
)

membership = Table(
    "membership",
    metadata,
    _space(),
    _account(),
    Column("role", Text, nullable=False),
    Column("sharing_level", Text, nullable=False, server_default="who"),
    Column("visible", Boolean, nullable=False, server_default="true"),
    _now("joined_at"),
    _when("left_at"),
    PrimaryKeyConstraint("space_id", "account_id"),
    CheckConstraint(_in("role", ROLES), name="role"),
    CheckConstraint(_in("sharing_level", LEVELS), name="sharing_level"),
    Index("ix_membership_account_id", "account_id"),
)

invitation = Table(
    "invitation",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    Column("email", Text, nullable=False),
    Column("role", Text, nullable=False),
    _account("created_by", nullable=True),
    _now("created_at"),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    _when("used_at"),
    _when("declined_at"),
    CheckConstraint(_in("role", ROLES), name="role"),
    Index("ix_invitation_space_id", "space_id"),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    _account(),
    Column("token_hash", Text, nullable=False, unique=True),  # sha256 hex; the token shown once
    Column("name", Text, nullable=False, server_default=""),
    Column("scopes", ARRAY(Text), nullable=False),
    _now("created_at"),
    _when("last_used_at"),
    _when("revoked_at"),
    Index("ix_api_token_space_id", "space_id", "account_id"),
)

shared_contact = Table(
    "shared_contact",
    metadata,
    _space(),
    _account(),
    Column("key", Text, nullable=False),  # HMAC-SHA256(space.key_salt, kind:value), hex
    Column("name", Text),
    Column("role", Text),
    Column("org", Text),
    Column("org_key", Text),
    Column("band", Text, nullable=False),
    _now("updated_at"),
    PrimaryKeyConstraint("space_id", "account_id", "key"),
    CheckConstraint(_in("band", BANDS), name="band"),
    Index("ix_shared_contact_space_id_key", "space_id", "key"),
    # A colleague's strongest contacts at an organization first (reach._AT_ORG reads them).
    Index(
        "ix_shared_contact_space_id_org_key_best",
        "space_id",
        "org_key",
        "account_id",
        text("array_position(ARRAY['weak'::text, 'good'::text, 'strong'::text], band) DESC"),
        "key",
    ),
)

org_reach = Table(
    "org_reach",
    metadata,
    _space(),
    Column("org_key", Text, nullable=False),
    Column("org", Text, nullable=False),
    _account(),
    Column("best_band", Text, nullable=False),
    Column("n_contacts", Integer, nullable=False),
    PrimaryKeyConstraint("space_id", "org_key", "account_id"),
    CheckConstraint(_in("best_band", BANDS), name="best_band"),
)

member_push = Table(
    "member_push",
    metadata,
    _space(),
    _account(),
    Column("version", BigInteger, nullable=False, server_default="0"),
    _now("pushed_at"),
    Column("n_contacts", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("space_id", "account_id"),
)

graph_version = Table(
    "graph_version",
    metadata,
    Column("space_id", ForeignKey("space.id", ondelete="CASCADE"), primary_key=True),
    Column("version", BigInteger, nullable=False, server_default="0"),
)

intro_request = Table(
    "intro_request",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    _account("requester_id"),
    _account("colleague_id"),
    Column("target_key", Text, nullable=False),
    Column("target_description", Text, nullable=False, server_default=""),
    Column("why", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="asked"),
    Column("client_id", Text),
    _now("created_at"),
    _when("decided_at"),
    CheckConstraint(_in("status", INTRO_STATUSES), name="status"),
    Index("ix_intro_request_space_id", "space_id", "colleague_id"),
    Index("ix_intro_request_space_id_requester", "space_id", "requester_id"),
)

idempotency_key = Table(
    "idempotency_key",
    metadata,
    Column("space_id", ForeignKey("space.id", ondelete="CASCADE")),  # null: not in a space
    _account(),
    Column("key", Text, nullable=False),
    Column("request_hash", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", JSONB),
    _now("created_at"),
    PrimaryKeyConstraint("account_id", "key"),
    Index("ix_idempotency_key_space_id", "space_id"),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("space_id", ForeignKey("space.id", ondelete="CASCADE")),  # null: sign-in events
    Column("account_id", BigInteger),  # no foreign key: the log outlives what it names
    Column("action", Text, nullable=False),
    Column("subject", Text, nullable=False, server_default=""),
    Column("detail", JSONB, nullable=False, server_default="{}"),
    _now("at"),
    Index("ix_audit_event_space_id", "space_id", "at"),
)

rate_window = Table(
    "rate_window",
    metadata,
    Column("bucket", Text, nullable=False),  # e.g. "login-ip:203.0.113.9"
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("hits", Integer, nullable=False),
    PrimaryKeyConstraint("bucket", "window_start"),
)

server_secret = Table(
    "server_secret",
    metadata,
    Column("name", Text, primary_key=True),  # "signing": the key of invitation links
    Column("value", Text, nullable=False),
)

# Chapters (a space of kind group; teamserver/chapters.py): weeks, referral slips, thanks for
# closed business, attendance, and the report written once at each week's close.
chapter_week = Table(
    "chapter_week",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    Column("starts_on", Date, nullable=False),  # the Monday of the week (UTC)
    Column("status", Text, nullable=False, server_default="open"),
    _when("closed_at"),
    Column("closed_by", ForeignKey("account.id", ondelete="SET NULL")),
    CheckConstraint(_in("status", WEEK_STATUSES), name="status"),
    UniqueConstraint("space_id", "starts_on", name="uq_chapter_week_space_id_starts_on"),
)

chapter_slip = Table(
    "chapter_slip",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    Column("client_id", Text, nullable=False),  # made by the giver's client: one slip per id
    _account("giver_id"),
    _account("receiver_id"),
    Column("week_id", ForeignKey("chapter_week.id", ondelete="CASCADE"), nullable=False),
    Column("about", Text, nullable=False),  # as typed: "Name <email> @Org / Role"
    Column("about_name", Text, nullable=False, server_default=""),
    Column("about_email", Text),
    Column("about_org", Text),
    Column("about_role", Text),
    Column("hot", SmallInteger, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False, server_default="given"),
    _now("created_at"),
    _now("updated_at"),
    CheckConstraint("hot BETWEEN 1 AND 5", name="hot"),
    CheckConstraint(_in("status", SLIP_STATUSES), name="status"),
    UniqueConstraint("space_id", "giver_id", "client_id", name="uq_chapter_slip_client_id"),
    Index("ix_chapter_slip_space_id_receiver", "space_id", "receiver_id"),
    Index("ix_chapter_slip_space_id_week", "space_id", "week_id"),
)

chapter_thanks = Table(
    "chapter_thanks",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    Column("client_id", Text, nullable=False),
    _account("thanker_id"),
    _account("credited_id"),  # the member who referred the business
    Column("slip_id", ForeignKey("chapter_slip.id", ondelete="SET NULL")),
    Column("week_id", ForeignKey("chapter_week.id", ondelete="CASCADE"), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    _now("created_at"),
    # The closed week whose total carries it (chapter_held.py); null while it is held.
    Column("shown_week_id", ForeignKey("chapter_week.id", ondelete="SET NULL")),
    CheckConstraint("amount_cents >= 0", name="amount_cents"),
    UniqueConstraint("space_id", "thanker_id", "client_id", name="uq_chapter_thanks_client_id"),
    Index("ix_chapter_thanks_space_id_week", "space_id", "week_id"),
)

chapter_attendance = Table(
    "chapter_attendance",
    metadata,
    _space(),
    Column("week_id", ForeignKey("chapter_week.id", ondelete="CASCADE"), nullable=False),
    _account(),
    Column("status", Text, nullable=False),
    Column("recorded_by", ForeignKey("account.id", ondelete="SET NULL")),
    _now("recorded_at"),
    PrimaryKeyConstraint("space_id", "week_id", "account_id"),
    CheckConstraint(_in("status", ATTENDANCE), name="status"),
)

chapter_report = Table(
    "chapter_report",
    metadata,
    _space(),
    Column("week_id", ForeignKey("chapter_week.id", ondelete="CASCADE"), nullable=False),
    Column("body", JSONB, nullable=False),
    Column("csv", Text, nullable=False),
    _now("created_at"),
    PrimaryKeyConstraint("space_id", "week_id"),
)

chapter_light_rule = Table(
    "chapter_light_rule",
    metadata,
    _space(),
    Column("part", Text, nullable=False),  # core.lights.PARTS
    Column("amber", Integer, nullable=False),
    Column("green", Integer, nullable=False),
    Column("updated_by", ForeignKey("account.id", ondelete="SET NULL")),
    _now("updated_at"),
    PrimaryKeyConstraint("space_id", "part"),
)

chapter_one_to_one = Table(
    "chapter_one_to_one",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    Column("client_id", Text, nullable=False),
    _account("logger_id"),
    _account("other_id"),  # confirms it
    Column("met_on", Date, nullable=False),
    Column("week_id", ForeignKey("chapter_week.id", ondelete="CASCADE"), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    _now("created_at"),
    _when("confirmed_at"),
    UniqueConstraint("space_id", "logger_id", "client_id", name="uq_chapter_one_to_one_client_id"),
    Index("ix_chapter_one_to_one_space_id_other", "space_id", "other_id"),
)

chapter_leaderboard = Table(  # members who opted in to the chapter's leaderboard
    "chapter_leaderboard",
    metadata,
    _space(),
    _account(),
    _now("joined_at"),
    PrimaryKeyConstraint("space_id", "account_id"),
)

chapter_sphere = Table(  # a member's contact sphere, shared by choice (chapter_power.py)
    "chapter_sphere",
    metadata,
    _space(),
    _account(),
    Column("serves", Text, nullable=False, server_default=""),  # their brief's "For whom"
    Column("ideal", JSONB, nullable=False, server_default="{}"),  # industries, roles, tags
    _now("updated_at"),
    PrimaryKeyConstraint("space_id", "account_id"),
)

# Visitors of a chapter (chapter_visitors.py), recorded by a leader (the visitor host) with
# the capture line, and their dated trail: visited → invited → applied → joined, or not now.
chapter_visitor = Table(
    "chapter_visitor",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    Column("client_id", Text, nullable=False),  # made by the host's client: one per id
    _account("host_id"),  # who recorded them: the follow-up is theirs
    Column("invited_by", ForeignKey("account.id", ondelete="SET NULL")),
    Column("week_id", ForeignKey("chapter_week.id", ondelete="CASCADE"), nullable=False),
    Column("capture", Text, nullable=False),  # as typed: "Name <email> @Org / Role"
    Column("name", Text, nullable=False, server_default=""),
    Column("email", Text),
    Column("org", Text),
    Column("role", Text),
    Column("status", Text, nullable=False, server_default="visited"),
    _now("created_at"),
    _now("updated_at"),
    CheckConstraint(_in("status", VISITOR_STATUSES), name="status"),
    UniqueConstraint("space_id", "host_id", "client_id", name="uq_chapter_visitor_client_id"),
    Index("ix_chapter_visitor_space_id_week", "space_id", "week_id"),
)

chapter_visitor_move = Table(
    "chapter_visitor_move",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    _space(),
    Column("visitor_id", ForeignKey("chapter_visitor.id", ondelete="CASCADE"), nullable=False),
    Column("status", Text, nullable=False),
    Column("moved_on", Date, nullable=False),
    Column("moved_by", ForeignKey("account.id", ondelete="SET NULL")),
    _now("moved_at"),
    CheckConstraint(_in("status", VISITOR_STATUSES), name="status"),
    Index("ix_chapter_visitor_move_space_id_visitor", "space_id", "visitor_id"),
)

# The row-security policy of each table with space_id: USING (who may see and change a row)
# and WITH CHECK (what a written row must satisfy). SPACE/ACCOUNT are the settings db.tenant()
# puts in the transaction, read once per statement (the sub-select), null when unset.
SPACE = f"(SELECT nullif(current_setting('{SPACE_SETTING}', true), '')::bigint)"
ACCOUNT = f"(SELECT nullif(current_setting('{ACCOUNT_SETTING}', true), '')::bigint)"
IN_SPACE = f"space_id = {SPACE}"
POLICIES: dict[str, tuple[str, str]] = {
    # A space is visible in its own context, to its current members (to list "my spaces"),
    # and by its slug to the server host's commands (`team invite --space SLUG`).
    "space": (
        f"id = {SPACE} OR id IN (SELECT m.space_id FROM membership m "
        f"WHERE m.account_id = {ACCOUNT} AND m.left_at IS NULL) "
        f"OR slug = (SELECT nullif(current_setting('{HOST_SLUG_SETTING}', true), ''))",
        f"id = {SPACE}",
    ),
    # An account reads its own memberships in any space (to list them); writes stay in space.
    "membership": (f"{IN_SPACE} OR account_id = {ACCOUNT}", IN_SPACE),
    "invitation": (IN_SPACE, IN_SPACE),
    "api_token": (IN_SPACE, IN_SPACE),
    "shared_contact": (IN_SPACE, IN_SPACE),
    "org_reach": (IN_SPACE, IN_SPACE),
    "member_push": (IN_SPACE, IN_SPACE),
    "graph_version": (IN_SPACE, IN_SPACE),
    "intro_request": (IN_SPACE, IN_SPACE),
    "chapter_week": (IN_SPACE, IN_SPACE),
    "chapter_slip": (IN_SPACE, IN_SPACE),
    "chapter_thanks": (IN_SPACE, IN_SPACE),
    "chapter_attendance": (IN_SPACE, IN_SPACE),
    "chapter_report": (IN_SPACE, IN_SPACE),
    "chapter_light_rule": (IN_SPACE, IN_SPACE),
    "chapter_one_to_one": (IN_SPACE, IN_SPACE),
    "chapter_leaderboard": (IN_SPACE, IN_SPACE),
    "chapter_sphere": (IN_SPACE, IN_SPACE),
    "chapter_visitor": (IN_SPACE, IN_SPACE),
    "chapter_visitor_move": (IN_SPACE, IN_SPACE),
    # Keys of requests outside a space (accepting an invitation) belong to their account.
    "idempotency_key": (
        f"{IN_SPACE} OR (space_id IS NULL AND account_id = {ACCOUNT})",
        f"{IN_SPACE} OR (space_id IS NULL AND account_id = {ACCOUNT})",
    ),
    # Sign-in events have no space: their account may read them, anyone may append them.
    "audit_event": (
        f"{IN_SPACE} OR (space_id IS NULL AND account_id = {ACCOUNT})",
        f"{IN_SPACE} OR space_id IS NULL",
    ),
}
TENANT_TABLES = tuple(POLICIES)
# The application role may INSERT and SELECT these, nothing else: the audit log, and each
# week's report, written once at its close.
APPEND_ONLY = ("audit_event", "chapter_report")
