"""The team server's migrations turn row security on through one helper
(teamserver/migrations/rls.py). Migrations are history: what it writes for a table is pinned
here word for word, as the migrations spelled it when they were applied."""

from __future__ import annotations

from whoknows.teamserver.migrations import rls

SPACE = "(SELECT nullif(current_setting('whoknows.space_id', true), '')::bigint)"


def test_a_table_in_a_space_gets_the_statements_the_chapter_migrations_spelled() -> None:
    assert rls.statements("chapter_week") == [
        "ALTER TABLE chapter_week ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE chapter_week FORCE ROW LEVEL SECURITY",
        "CREATE POLICY chapter_week_in_space ON chapter_week "
        f"USING (space_id = {SPACE}) WITH CHECK (space_id = {SPACE})",
    ]


def test_a_policy_of_its_own_reads_and_writes_as_given() -> None:
    assert rls.statements("membership", "a = 1 OR b = 2", "a = 1")[-1] == (
        "CREATE POLICY membership_in_space ON membership USING (a = 1 OR b = 2) WITH CHECK (a = 1)"
    )


def test_every_migration_turns_row_security_on_through_the_helper() -> None:
    from pathlib import Path

    versions = Path(rls.__file__).parent / "versions"
    for path in sorted(versions.glob("0*.py")):
        text = path.read_text(encoding="utf-8")
        assert "ENABLE ROW LEVEL SECURITY" not in text, f"{path.name}: call rls.confine"
