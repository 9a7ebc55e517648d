"""The JSON API, pinned: upload → the `-f json` result with id and status; read; board;
compile; the OpenAPI document lists exactly the API's routes; docs/server.md's curl
examples run as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from .build import commune
from .serverkit import ROOT


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("files")
    return {"bad": commune(d / "bad.xlsx", "Kim Lâm", changes={"nv_hoan_thanh": 999}),
            "clean": commune(d / "clean.xlsx", "Cao Xá", seed=3)}


def _api(server, who: str):
    c = server.client()
    c.token = server.tokens[who]
    return c


def test_upload_read_board_compile(server, files) -> None:
    x1 = _api(server, "unit_x1")
    sent = x1.post("/api/submissions", {"period": "2023-Q3"}, {"file": ("Kim Lâm.xlsx", files["bad"].read_bytes())}, csrf=False)
    assert sent.status == 201
    body = sent.json()
    assert body["status"] == "received" and body["version"] == 1 and body["unit"] == "X1" and body["valid"] is False
    result = body["result"]
    assert result["level"] == "xa" and result["period"] == "2023-Q3" and result["unit"] == "xã Kim Lâm"
    assert [f["code"] for f in result["findings"] if f["severity"] == "error"] == ["ratio-mismatch", "rule-failed"]
    again = x1.get(f"/api/submissions/{body['id']}?lang=en").json()
    assert again["id"] == body["id"] and "does not match" in again["result"]["findings"][0]["message"]

    x2 = _api(server, "unit_x2")
    ok = x2.post("/api/submissions", {"period": "2023-Q3"}, {"file": ("cao-xa.xlsx", files["clean"].read_bytes())}, csrf=False).json()
    assert ok["valid"] is True

    board = _api(server, "rev_d1").get("/api/board?period=2023-Q3").json()
    assert [(u["unit"], u["state"]) for u in board["units"]] == [("D1", "missing"), ("X1", "errors"), ("X2", "valid")]

    # only approved versions are compiled unless asked: nothing is approved yet
    approved = _api(server, "rev_d1").post("/api/compile?period=2023-Q3", {}, csrf=False).json()
    assert [(m["unit"], m["state"]) for m in approved["missing"]] == [("X1", "errors"), ("X2", "valid")]
    compiled = _api(server, "rev_d1").post("/api/compile?period=2023-Q3&all=1", {}, csrf=False).json()
    assert compiled["missing"] == [] and compiled["result"]["level"] == "huyen" and compiled["result"]["unit"] == "huyện Lâm Thao"
    values = {i["id"]: i["value"] for i in compiled["result"]["indicators"]}
    assert values["nv_de_ra"] == result_value(body, "nv_de_ra") + result_value(ok, "nv_de_ra")
    province = _api(server, "rev_p").post("/api/compile?period=2023-Q3", {}, csrf=False).json()
    assert sorted(m["unit"] for m in province["missing"]) == ["D1", "D2"]  # no district has sent its report


def result_value(sub: dict, ind: str):
    return next(i["value"] for i in sub["result"]["indicators"] if i["id"] == ind)


def test_the_openapi_document_lists_exactly_the_api_routes(server, tmp_path) -> None:
    from cchc_engine.server import create_app

    doc = server.client().get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    app = create_app("sqlite:///" + str(tmp_path / "x.sqlite3"))
    routes = {(r.path, m.lower()) for r in app.routes if getattr(r, "path", "").startswith("/api/") for m in r.methods - {"HEAD"}}
    documented = {(p, m) for p, ops in doc["paths"].items() for m in ops}
    assert routes == documented


def test_the_curl_examples_in_docs_server_md_run(server, files) -> None:
    text = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")
    examples = re.findall(r"<!-- curl -->\n```sh\n(.*?)```", text, re.S)
    assert len(examples) == 4
    env = dict(os.environ, CCHC=server.url, TOKEN=server.tokens["unit_x1"], REVIEWER=server.tokens["rev_d1"],
               FILE=str(files["bad"]))
    outputs = []
    for command in examples:
        proc = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (command, proc.stderr)
        outputs.append(json.loads(proc.stdout))
    assert outputs[0]["status"] == "received" and outputs[0]["result"]["findings"]
    assert outputs[1]["id"] == 1
    assert {u["unit"] for u in outputs[2]["units"]} == {"D1", "X1", "X2"}
    assert "result" in outputs[3] and outputs[3]["unit"] == "D1"


def test_concurrent_first_uploads_to_a_fresh_server_are_all_read(tmp_path, files) -> None:
    """The Session's plugin host is made on first use: requests arriving together at a
    new server must not see its reader registry half-filled (they once got 'no reader')."""
    from concurrent.futures import ThreadPoolExecutor

    from .serverkit import start_server, stop_server

    srv = start_server(tmp_path)
    try:
        data = files["clean"].read_bytes()

        def send(who: str) -> int:
            c = _api(srv, who)
            return c.post("/api/submissions", {"period": "2023-Q3"}, {"file": ("x.xlsx", data)}, csrf=False).status

        with ThreadPoolExecutor(6) as pool:
            assert list(pool.map(send, ["unit_x1", "unit_x2", "unit_x3"] * 2)) == [201] * 6
    finally:
        stop_server(srv)


def test_the_api_result_is_the_results_own_dict(files) -> None:
    from cchc_engine.server.cycle import plain
    from cchc_engine.session import Session

    session = Session.open("2023")
    for path, level in ((files["bad"], "xa"), (ROOT / "examples" / "lam-thao-2023-q3.xlsx", None)):
        result = session.compute(path, level=level, period="2023-Q3")
        assert plain(result) == result.to_dict()
        assert json.dumps(plain(result), ensure_ascii=False, separators=(",", ":")) == result.to_json(indent=None)
