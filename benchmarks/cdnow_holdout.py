"""CDNOW master: calibrate to 1997-09-30 through grade(), predict the 39-week holdout, compare with what
the customers bought (README: "The value ahead").

    python benchmarks/cdnow_holdout.py [path to CDNOW_master.txt.gz]

The master (69,659 lines, 23,570 customers who first bought in Q1 1997) is whitespace-aligned text,
which custseg does not read yet: it is read here with pandas and graded as a DataFrame.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from custseg.api import GradeOptions, grade
from custseg.config.rules import Rules

MASTER = Path(__file__).resolve().parents[2] / "shared" / "data" / "cdnow" / "CDNOW_master.txt.gz"
CALIBRATION_END, HOLDOUT_END = pd.Timestamp("1997-09-30"), pd.Timestamp("1998-06-30")
HOLDOUT_DAYS = (HOLDOUT_END - CALIBRATION_END).days  # 273 days = 39 weeks


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else MASTER
    raw = pd.read_csv(path, sep=r"\s+", skiprows=1, header=None, names=["id", "date", "cds", "amount"], dtype=str)
    lines = pd.DataFrame({"customer_id": raw["id"], "order_date": raw["date"], "amount": raw["amount"].astype(float)})
    dates = pd.to_datetime(raw["date"], format="%Y%m%d")
    for model in ("mbgnbd", "pareto_nbd", "bgnbd"):
        rules = Rules()
        rules.predict.model = model
        fits: list[float] = []
        import custseg.core.predict as predict_module

        real = predict_module.fit_purchases

        def timed(*args, _real=real, _fits=fits):  # the fit alone
            start = time.perf_counter()
            out = _real(*args)
            _fits.append(time.perf_counter() - start)
            return out

        predict_module.fit_purchases = timed
        result = grade(lines, rules=rules, as_of=CALIBRATION_END.date(), options=GradeOptions(currency="USD"))
        predict_module.fit_purchases = real
        table = result.customers.set_index("customer_id")
        holdout = raw[(dates > CALIBRATION_END) & (dates <= HOLDOUT_END) & (lines["amount"] > 0)]
        actual = holdout.drop_duplicates(["id", "date"]).groupby("id").size()
        table["actual"] = actual.reindex(table.index).fillna(0)
        # x: repeat purchase days in the calibration period, as the model saw them.
        table["x"] = (table["lifetime_frequency"] - 1).clip(lower=0)
        fit = result.prediction.fit
        # expected_orders_365d is 365 days ahead; the holdout is 273: recompute for it.
        from custseg.core.predict import DAYS_PER_UNIT, expected_purchases, purchase_histories

        as_lines = lines.assign(order_date=dates, amount_base=lines["amount"], order_id="")
        hist = purchase_histories(as_lines, (dates <= CALIBRATION_END).to_numpy(), CALIBRATION_END)
        expected = pd.Series(
            expected_purchases(fit, HOLDOUT_DAYS / DAYS_PER_UNIT, *(hist[c].to_numpy() for c in ("x", "t_x", "T"))),
            index=hist.index,
        )
        table["expected"] = expected.reindex(table.index)
        table["x_days"] = hist["x"].reindex(table.index)
        print(
            f"{model}: {len(hist)} customers, params { ({k: round(v, 4) for k, v in fit.params.items()}) }, "
            f"LL {fit.log_likelihood:.1f}, fit {fits[0]:.2f} s; holdout purchases predicted "
            f"{table['expected'].sum():.0f}, actual {table['actual'].sum():.0f}"
        )
        by_x = table.groupby(table["x_days"].clip(upper=7))[["actual", "expected"]].mean().round(3)
        by_x.index = [f"{int(i)}{'+' if i == 7 else ''}" for i in by_x.index]
        print(by_x.T.to_string())


if __name__ == "__main__":
    main()
