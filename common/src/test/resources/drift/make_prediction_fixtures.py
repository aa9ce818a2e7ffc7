#!/usr/bin/env python3
"""Prints the expected prediction drift that DriftStepTest freezes, from the frozen inputs of drift-fixtures.json.

DriftStepTest trains two models on table "small" of drift-fixtures.json (reference 200 rows, current 150):
  amount  LinearRegression (normal equations, no regularisation) of y = 2 * normal_shift + 1 on normal_shift,
          so its prediction is 2x + 1: a numeric column, compared by KS (at most 1000 reference rows)
  tier    DecisionTreeClassifier of class = counts div 4 (0, 1, 2) on counts (integers 0..11): a pure
          tree, so its predicted class is counts div 4: a categorical column of 3 values, compared by chi-square
Run it by hand (python3 make_prediction_fixtures.py) and copy the numbers into DriftStepTest.
"""
import json
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))


def column(table, name, side):
    for c in table["columns"]:
        if c["name"] == name:
            return np.array(c[side], dtype=float)
    raise KeyError(name)


def main():
    small = json.load(open(os.path.join(HERE, "drift-fixtures.json")))["tables"]["small"]
    x_ref, x_cur = column(small, "normal_shift", "reference"), column(small, "normal_shift", "current")
    ks = stats.ks_2samp(2 * x_ref + 1, 2 * x_cur + 1)
    print("amount prediction ks statistic %r p-value %r" % (float(ks.statistic), float(ks.pvalue)))
    n_ref, n_cur = column(small, "counts", "reference"), column(small, "counts", "current")
    c_ref, c_cur = n_ref // 4, n_cur // 4
    ref_counts = np.array([np.sum(c_ref == k) for k in (0, 1, 2)], dtype=float)
    cur_counts = np.array([np.sum(c_cur == k) for k in (0, 1, 2)], dtype=float)
    chi = stats.chisquare(cur_counts, ref_counts / len(c_ref) * len(c_cur))
    print("tier predicted_class counts reference %s current %s" % (ref_counts.astype(int).tolist(),
                                                                    cur_counts.astype(int).tolist()))
    print("tier predicted_class chisquare statistic %r p-value %r" % (float(chi.statistic), float(chi.pvalue)))


if __name__ == "__main__":
    main()
