"""Order lines from tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from custseg.core.values import Factorized


def test_duplicate_rows_by_hash_and_exact_count_agree_with_pandas():
    from custseg.core.lines import _duplicate_rows, _exact_duplicate_rows

    rng = np.random.default_rng(7)
    for _ in range(50):
        n = int(rng.integers(1, 400))
        widths = rng.integers(1, 4, size=int(rng.integers(1, 6)))  # few distinct values: many repeats
        codes = {f"c{j}": rng.integers(0, w, size=n) for j, w in enumerate(widths)}
        columns = {k: Factorized.of(v, [str(i) for i in range(int(v.max()) + 1)]) for k, v in codes.items()}
        rows = rng.random(n) < 0.8
        expected = int(pd.DataFrame(codes)[rows].duplicated().sum())
        assert _duplicate_rows(columns, rows) == expected
        assert _exact_duplicate_rows(columns, rows) == expected
