"""The store's commands: what an officer types and reads, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from .storekit import SPEC_KY, report

from cchc_engine.cli.main import cli

UNITS_CSV = "code,name,level,parent\nH1,huyện Lâm Thao,huyen,\nX1,xã Cao Xá,xa,H1\nX2,xã Sơn Vi,xa,H1\n"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def db(store_url, tmp_path):
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    done = run("units", "import", "--db", store_url, str(tmp_path / "units.csv"))
    assert done.exit_code == 0, done.output
    assert "Đã nhập 3 đơn vị mới" in done.output
    return store_url


def test_the_cycle_on_the_command_line(db, tmp_path):
    spec = str(SPEC_KY)
    good = tmp_path / "cao-xa.json"
    good.write_bytes(report("xã Cao Xá", "2023-Q3"))
    bad = tmp_path / "son-vi.json"
    bad.write_bytes(report("xã Sơn Vi", "2023-Q3", nv_hoan_thanh=30))
    done = run("submit", "--db", db, "--spec", spec, str(good))
    assert done.exit_code == 0, done.output
    assert "Đã lưu phiên bản 1 báo cáo kỳ 2023-Q3 của xã Cao Xá" in done.output
    done = run("submit", "--db", db, "--spec", spec, str(bad))
    assert done.exit_code == 1 and "nv_hoan_thanh" in done.output
    done = run("submit", "--db", db, "--spec", spec, str(tmp_path / "missing.json"))
    assert done.exit_code == 2

    done = run("board", "--db", db, "--period", "2023-Q3", "--under", "H1", "-f", "json")
    states = {u["code"]: u["state"] for u in json.loads(done.stdout)["units"]}
    assert states == {"H1": "missing", "X1": "valid", "X2": "errors"}
    done = run("board", "--db", db, "--period", "2023-Q3")
    assert "có lỗi" in done.output and "chưa gửi" in done.output and "hợp lệ, chờ duyệt" in done.output
    assert "3 đơn vị: 0 đã duyệt, 1 hợp lệ chờ duyệt, 0 còn cảnh báo, 1 có lỗi, 0 bị trả lại, 1 chưa gửi." in done.output

    done = run("history", "--db", db, "--unit", "X2", "--period", "2023-Q3")
    assert done.exit_code == 0 and "rule-failed:nv_hoan_thanh_le_de_ra@nv_hoan_thanh" in done.output
    done = run("explain", "--db", db, "--unit", "X2", "--period", "2023-Q3", "--finding", "1", "--text", "x")
    assert done.exit_code == 2 and "Không giải trình được" in done.output
    done = run("review", "--db", db, "--unit", "X2", "--period", "2023-Q3", "--return", "Số nhiệm vụ hoàn thành vượt số đề ra")
    assert done.exit_code == 0 and "Đã trả lại phiên bản 1 của xã Sơn Vi" in done.output
    done = run("review", "--db", db, "--unit", "X1", "--period", "2023-Q3")
    assert done.exit_code == 2 and "--approve hoặc --return" in done.output
    done = run("review", "--db", db, "--unit", "X1", "--period", "2023-Q3", "--approve")
    assert done.exit_code == 0

    done = run("aggregate", "--db", db, "--spec", spec, "--unit", "H1", "--period", "2023-Q3", "-f", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["extra"]["store"]["missing"] == [{"unit": "X2", "name": "xã Sơn Vi", "state": "returned"}]
    assert data["level"] == "huyen" and data["unit"] == "huyện Lâm Thao"
    assert "Đã tổng hợp 1 đơn vị từ kho báo cáo, kỳ 2023-Q3; 1 đơn vị chưa có báo cáo được duyệt" in done.output

    history = run("history", "--db", db, "--unit", "X1", "-f", "json")
    versions = json.loads(history.output)["versions"]
    assert [(v["version"], v["reviews"][0]["decision"]) for v in versions] == [(1, "approve")]


def test_board_as_a_workbook(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "board.xlsx"
    done = run("board", "--db", db, "--period", "2023-Q3", "-o", str(out))
    assert done.exit_code == 0, done.output
    ws = load_workbook(out).active
    assert ws["A1"].value == "Tình hình gửi báo cáo kỳ 2023-Q3"
    assert [c.value for c in ws[4]][:4] == ["Mã", "Đơn vị", "Cấp", "Tình trạng"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 4).value) for r in (5, 6, 7)] == [
        ("H1", "chưa gửi"), ("X1", "chưa gửi"), ("X2", "chưa gửi")]


def test_mistakes_are_said_in_vietnamese_and_in_english(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ma,ten\nX,Y\n", encoding="utf-8")
    done = run("units", "import", "--db", db, str(bad))
    assert done.exit_code == 2 and "thiếu cột code, name, level" in done.output
    dup = tmp_path / "dup.csv"
    dup.write_text("code;name;level;parent\nA;xã A;xa;H1\nA;xã B;xa;H1\n", encoding="utf-8")
    done = run("units", "import", "--db", db, str(dup))
    assert done.exit_code == 2 and "dòng 3" in done.output and "mã đơn vị 'A' lặp lại" in done.output
    done = run("history", "--db", db, "--unit", "X9")
    assert done.exit_code == 2 and "Không có đơn vị mã 'X9'" in done.output
    done = run("--lang", "en", "history", "--db", db, "--unit", "X9")
    assert done.exit_code == 2 and "No unit with code 'X9'" in done.output
    done = run("board", "--db", db, "--period", "quý ba")
    assert done.exit_code == 2 and "Traceback" not in done.output
    done = run("aggregate", "--unit", "H1")  # without --db: the files' options are needed
    assert done.exit_code == 2 and "--spec" in done.output


def test_db_upgrade_and_the_default_store(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CCHC_DB", raising=False)
    done = run("db", "upgrade")
    assert done.exit_code == 0 and "phiên bản cấu trúc mới nhất (0002)" in done.output
    assert (tmp_path / "data" / "cchc" / "store.sqlite3").exists()
    monkeypatch.setenv("CCHC_DB", "postgresql://u:hunter2@127.0.0.1:1/x")
    done = run("db", "upgrade")
    assert done.exit_code == 2 and "hunter2" not in done.output and "Không mở được kho báo cáo" in done.output
