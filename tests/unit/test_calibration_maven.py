"""Calibration on the public Maven CRM export, when the project's shared data folder is present.

The data has a weak outcome signal (deal length alone: AUC about 0.58), so sane figures are
modest ones: a model claiming much more here would be leaking the outcome or overfitting.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.analysis.calibration import calibrate
from agent.analysis.history import load_mapping
from agent.resources import evals_dir

MAVEN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "maven_crm"
PIPELINE = MAVEN / "csv" / "sales_pipeline.csv"

pytestmark = pytest.mark.skipif(not PIPELINE.is_file(), reason="../shared/data/maven_crm absent")


def test_maven_figures_are_sane_and_leak_free() -> None:
    report, model = calibrate(PIPELINE, load_mapping(evals_dir() / "maven_mapping.yaml"))
    assert report.fitted and report.closed == 6711 and report.open_excluded == 2089
    assert report.test > 500
    assert report.model and report.length_only and report.base_rate_brier
    for metrics in (report.model, report.length_only):
        assert metrics.auc is not None and 0.5 < metrics.auc < 0.75
        assert metrics.brier < report.base_rate_brier
    assert any("'close_value' dropped" in w for w in report.warnings)
    assert not any("close_value" in name for name in model.coefficients)
    assert model.live_stages == []  # Maven's pipeline is not the workspace's process
