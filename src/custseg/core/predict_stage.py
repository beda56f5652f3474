"""The predict stage as the flow calls it: the value-ahead columns on the customer table, and the notes
that say why any stayed empty. The models themselves (and scipy) load only when prediction is on, so a
run with it off, and ``--help``, never import them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from custseg.config.rules import PredictRules
from custseg.core.notes import Note

if TYPE_CHECKING:
    from custseg.core.predict import PredictReport

PREDICT_COLUMNS = ["p_alive", "expected_orders_90d", "expected_orders_365d", "predicted_value_12m", "prediction_model"]


def prediction_figures(report: PredictReport | None) -> dict[str, Any]:
    """The fitted models as plain figures for the run info and the summary JSON: the model, its parameters,
    log-likelihood, convergence and customers used; the spend model likewise; the spend-frequency
    correlation among repeat buyers (Gamma-Gamma's independence check)."""
    if report is None:
        return {"enabled": False}
    out: dict[str, Any] = {
        "enabled": True,
        "model": report.model,
        "customers": report.customers,
        "repeat_buyers": report.repeat_buyers,
        "repeat_buyers_with_spend": report.spend_buyers,
        "spend_frequency_correlation": _rounded(report.spend_frequency_correlation),
    }
    for key, fit in (("purchase_fit", report.fit), ("spend_fit", report.spend_fit)):
        if fit is not None:
            out[key] = {
                "model": fit.model,
                "params": {k: _rounded(v) for k, v in fit.params.items()},
                "log_likelihood": _rounded(fit.log_likelihood),
                "converged": fit.converged,
                "message": fit.message,
                "customers": fit.customers,
            }
    if report.alternatives:
        out["log_likelihood_by_model"] = {k: _rounded(v) for k, v in report.alternatives.items()}
    return out


def _rounded(v: float | None) -> float | None:
    return None if v is None or v != v else float(f"{v:.6g}")


def with_predictions(
    table: pd.DataFrame, lines: pd.DataFrame, rows: np.ndarray, as_of: pd.Timestamp, rules: PredictRules
) -> tuple[pd.DataFrame, PredictReport | None, list[Note]]:
    """``table`` with :data:`PREDICT_COLUMNS` (always there, so rule conditions may name them; empty
    where nothing is predicted), the fit's report (None when prediction is off) and its notes."""
    if not rules.enabled:
        out = table.copy()
        for c in PREDICT_COLUMNS[:-1]:
            out[c] = np.nan
        out["prediction_model"] = ""
        return out, None, [Note("predict_off")]
    from custseg.core.predict import MAX_SPEND_FREQUENCY_CORRELATION, predict

    out, report = predict(table, lines, rows, as_of, rules.model, rules.monthly_discount_rate, rules.min_repeat_buyers)
    notes = []
    counts = {"repeat": report.repeat_buyers, "minimum": rules.min_repeat_buyers}
    if report.reason:
        message = report.fit.message if report.fit is not None else ""
        model = report.fit.model if report.fit is not None else rules.model
        notes.append(Note(f"predict_{report.reason}", {**counts, "model": model, "message": message}))
    if report.fit is not None and report.fit.no_dropout and not report.reason:
        notes.append(Note("predict_no_dropout", {"model": report.fit.model}))
    if not report.reason and report.value_reason:
        corr = report.spend_frequency_correlation
        values = {
            **counts,
            "corr": "" if corr is None else f"{corr:.2f}",
            "limit": MAX_SPEND_FREQUENCY_CORRELATION,
        }
        if report.value_reason == "too_few_repeat_buyers":
            values["repeat"] = report.spend_buyers
        notes.append(Note(f"predict_value_{report.value_reason}", values))
    return out, report, notes
