"""cchc_engine.testing: what a plugin author's tests stand on must itself be right."""

from __future__ import annotations

import json

import pytest

from cchc_engine import hookimpl
from cchc_engine.testing import assert_same_result, kit_host, register_plugin, run_compute, write_submission

# 2023 spec, district level: a count, the numerator/denominator of a ratio, and the ratio.
VALUES = {"van_ban_chi_dao": 12, "nv_de_ra": 40, "nv_hoan_thanh": 30}


@pytest.mark.parametrize("fmt", ["xlsx", "json", "csv"])
def test_write_submission_round_trips_through_the_real_reader(tmp_path, fmt):
    path = write_submission("2023", "huyen", VALUES, fmt=fmt, directory=tmp_path)
    assert path.suffix == f".{fmt}" and path.parent == tmp_path
    code, out, err = run_compute(path, spec="2023", fmt="json")
    report = json.loads(out)
    assert (report["unit"], report["level"], report["period"]) == ("huyện Mẫu", "huyen", "2023-Q3"), err
    got = {i["id"]: (i["value"], i["source"]) for i in report["indicators"]}
    assert got["van_ban_chi_dao"] == (12, "reported")
    assert got["nv_de_ra"] == (40, "reported") and got["nv_hoan_thanh"] == (30, "reported")
    assert got["ty_le_hoan_thanh_ke_hoach"] == (75, "computed")


def test_write_submission_refuses_what_it_cannot_write(tmp_path):
    with pytest.raises(KeyError, match="no_such_id"):
        write_submission("2023", "huyen", {"no_such_id": 1}, directory=tmp_path)
    with pytest.raises(KeyError, match="level"):
        write_submission("2023", "thon", {}, directory=tmp_path)
    with pytest.raises(ValueError, match="xlsx, json, csv"):
        write_submission("2023", "huyen", {}, fmt="pdf", directory=tmp_path)


def test_assert_same_result_passes_for_equal_reports_and_names_the_difference(tmp_path):
    xlsx = write_submission("2023", "huyen", VALUES, directory=tmp_path)
    same = write_submission("2023", "huyen", VALUES, fmt="json", directory=tmp_path)
    result = assert_same_result(same, xlsx, "2023", locations=False)
    assert result.value("van_ban_chi_dao") == 12
    other = write_submission("2023", "huyen", {**VALUES, "van_ban_chi_dao": 13}, fmt="csv", directory=tmp_path)
    with pytest.raises(AssertionError, match=r"van_ban_chi_dao', 13.*van_ban_chi_dao', 12"):
        assert_same_result(other, xlsx, "2023", locations=False)


class Marker:
    @hookimpl
    def register_writers(self, register):
        class W:
            name = "marker"
            suffix = ".marker"
            binary = False
            description = "test"

            def write(self, result, stream, options):
                stream.write("marker\n")

        register(W())


def test_cchc_host_fixture_is_fresh_and_left_behind(cchc_host, cchc_sample):
    assert kit_host() is cchc_host
    cchc_host.register(Marker(), "marker")
    assert run_compute(cchc_sample, fmt="marker")[1] == "marker\n"


def test_the_previous_tests_host_did_not_leak(cchc_sample):
    assert kit_host().writers.get("marker") is None
    with register_plugin(Marker(), "marker"):
        assert kit_host().writers.get("marker").plugin == "marker"
    assert kit_host().writers.get("marker") is None


def test_cchc_submission_fixture_writes_into_tmp_path(cchc_submission, tmp_path):
    path = cchc_submission("2023", "xa", {"van_ban_chi_dao": 3}, fmt="json")
    assert path.parent == tmp_path and json.loads(path.read_text(encoding="utf-8"))["values"] == {"van_ban_chi_dao": 3}
