"""Migrations: from an empty database and from the previous schema (0001), on both
databases; the migrated tables are exactly ``store/schema.py``'s."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from .storekit import UNITS, report

from cchc_engine.flow.findings import CchcError
from cchc_engine.store import Store
from cchc_engine.store import schema as t
from cchc_engine.store.db import current_revision, make_engine, upgrade

MIGRATIONS = Path(t.__file__).resolve().parent / "migrations" / "versions"


def _diff(engine) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), t.metadata)


def test_head_is_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS.parent))
    assert ScriptDirectory.from_config(cfg).get_current_head() == t.HEAD


def test_from_an_empty_database(store_url):
    engine = make_engine(store_url)
    assert current_revision(engine) is None
    s = Store.open(store_url)
    assert current_revision(engine) == t.HEAD
    assert _diff(engine) == []  # the migrations build exactly the tables the code uses
    Store.open(store_url).close()  # again: nothing to do
    s.close()
    engine.dispose()


def test_from_the_previous_schema(store_url, session_ky):
    """A store made by the first release (0001: units, submissions, audit) keeps its
    data and gains explanations, reviews and accounts."""
    engine = make_engine(store_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    with pytest.raises(CchcError) as exc:
        Store.open(store_url, migrate=False)
    assert exc.value.findings[0].code == "store-old-schema"
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (code, name, level, parent_id, active) VALUES "
                          "('H1', 'huyện Lâm Thao', 'huyen', NULL, :t)"), {"t": True})
        hid = conn.execute(text("SELECT id FROM units WHERE code = 'H1'")).scalar()
        conn.execute(text("INSERT INTO units (code, name, level, parent_id, active) VALUES "
                          "('X1', 'xã Cao Xá', 'xa', :p, :t)"), {"p": hid, "t": True})
        xid = conn.execute(text("SELECT id FROM units WHERE code = 'X1'")).scalar()
        conn.execute(text("INSERT INTO blobs (sha256, size, data) VALUES ('ab', 2, :d)"), {"d": b"{}"})
        conn.execute(text(
            "INSERT INTO submissions (unit_id, period, version, spec, level, filename, sha256, submitted_by, submitted_at,"
            " valid, errors, warnings, infos, result_json, values_json, weights_json, compiled, findings_json) VALUES"
            " (:u, '2023-Q3', 1, '2023-ky', 'xa', 'old.json', 'ab', 'an', :at, :t, 0, 0, 0, '{}', :v, NULL, :f, '[]')"),
            {"u": xid, "at": now, "t": True, "f": False, "v": json.dumps({"van_ban_chi_dao": 4})})
    engine.dispose()
    s = Store.open(store_url)
    assert current_revision(s.engine) == t.HEAD
    old = s.history("X1")
    assert [(x.version, x.filename, x.by) for x in old] == [(1, "old.json", "an")]
    s.review(old[0].id, "approve", by="rv")  # the new tables work on old rows
    assert s.board("2023-Q3", under="H1")[1].state == "approved"
    new = s.submit(session_ky, report("xã Cao Xá", "2023-Q3"), "new.json", by="an").submission
    assert new.version == 2
    assert _diff(s.engine) == []
    s.close()


def test_an_unreachable_database_is_one_message(tmp_path):
    with pytest.raises(CchcError) as exc:
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none")
    f = exc.value.findings[0]
    assert f.code == "store-unusable" and "secret" not in f.message and "***" in f.message
    with pytest.raises(CchcError) as exc:
        Store.open("mysql://x@y/z")
    assert exc.value.findings[0].code == "store-bad-url"
    assert UNITS  # (the organisation the other tests use)
