#!/usr/bin/env python3
"""Writes drift-fixtures.json: small data sets and the drift metrics scipy/numpy compute for them.

The Java tests read only the JSON; run this by hand (python3 make_fixtures.py) after changing a
definition, and commit both files. Definitions (Evidently-compatible), on the non-null values:
  ks            scipy.stats.ks_2samp(ref, cur) (method='auto'), and the p-value of method='asymp'
  wasserstein   scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
  bins          numeric with > 20 distinct reference values: np.histogram_bin_edges(concat, 'sturges');
                otherwise one bin per distinct value of the union of both samples (sorted)
  psi           sum (r - c) ln(r / c) over bin shares, zero shares replaced by
                min(non-zero share) / 1e6 if that is <= 1e-4, else by 1e-4 (each side on its own)
  jensenshannon scipy.spatial.distance.jensenshannon(ref shares, cur shares) (natural log, no fill)
  chisquare     scipy.stats.chisquare(cur counts, ref shares * n_cur) over the bins that hold a value
  z             pooled two-proportion z-test of "not the first bin" (for two values: the larger one);
                two-sided p = 2 * norm.sf(|z|); p = 1 and z = 0 when both samples hold one same value
"""
import json
import math
import os

import numpy as np
from scipy import stats
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))


def fill_zeros(shares):
    shares = shares.copy()
    nonzero = shares[shares != 0]
    smallest = nonzero.min()
    shares[shares == 0] = smallest / 1e6 if smallest <= 1e-4 else 1e-4
    return shares


def bins(ref, cur, numeric):
    if numeric and len(np.unique(ref)) > 20:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        return {"edges": edges.tolist(),
                "reference": np.histogram(ref, edges)[0].tolist(),
                "current": np.histogram(cur, edges)[0].tolist()}
    keys = sorted(set(ref.tolist()) | set(cur.tolist()))
    return {"keys": keys,
            "reference": [int(np.sum(ref == k)) for k in keys],
            "current": [int(np.sum(cur == k)) for k in keys]}


def z_test(ref_counts, cur_counts):
    n1, n2 = ref_counts.sum(), cur_counts.sum()
    if len(ref_counts) == 1 or (np.count_nonzero(ref_counts) == 1 and np.count_nonzero(cur_counts) == 1
                                and np.argmax(ref_counts) == np.argmax(cur_counts)):
        return 0.0, 1.0
    p1 = (n1 - ref_counts[0]) / n1
    p2 = (n2 - cur_counts[0]) / n2
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return z, 2 * stats.norm.sf(abs(z))


def expected(ref, cur, numeric):
    """All metrics for one column; ref and cur hold the non-null values."""
    out = {}
    distinct = len(set(ref.tolist()) | set(cur.tolist()))
    out["distinct"] = distinct
    out["referenceDistinct"] = len(set(ref.tolist()))
    kind = "NUMERIC" if numeric and distinct > 5 else "CATEGORICAL"
    out["kind"] = kind
    if len(ref) <= 1000:
        method = "ks" if kind == "NUMERIC" else ("chisquare" if distinct > 2 else "z")
    else:
        method = "wasserstein" if kind == "NUMERIC" else "jensenshannon"
    out["defaultMethod"] = method
    b = bins(ref, cur, numeric)
    out["bins"] = b
    r = np.array(b["reference"], dtype=float)
    c = np.array(b["current"], dtype=float)
    rs, cs = r / len(ref), c / len(cur)
    fr, fc = fill_zeros(rs), fill_zeros(cs)
    out["psi"] = float(np.sum((fr - fc) * np.log(fr / fc)))
    out["jensenshannon"] = float(distance.jensenshannon(rs, cs))
    used = (r + c) > 0  # bins empty in both samples (possible with Sturges bins) are left out
    chi = stats.chisquare(c[used], rs[used] * len(cur))
    out["chisquare"] = {"statistic": float(chi.statistic), "pValue": float(chi.pvalue)}
    z, p = z_test(r, c)
    out["z"] = {"statistic": float(z), "pValue": float(p)}
    if numeric:
        ks = stats.ks_2samp(ref, cur)
        out["ks"] = {"statistic": float(ks.statistic), "pValue": float(ks.pvalue),
                     "pValueAsymp": float(stats.ks_2samp(ref, cur, method="asymp").pvalue)}
        out["wasserstein"] = float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
        out["referenceStd"] = float(np.std(ref))
    return out


def with_nulls(values, rng, share):
    values = list(values)
    for i in rng.choice(len(values), int(len(values) * share), replace=False):
        values[i] = None
    return values


def table(n_ref, n_cur, columns, seed):
    """columns: name -> (type, generator(rng, n, side)); returns a fixture table with expectations."""
    rng = np.random.default_rng(seed)
    out = {"referenceRows": n_ref, "currentRows": n_cur, "columns": []}
    for name, (typ, gen) in columns.items():
        ref = gen(rng, n_ref, 0)
        cur = gen(rng, n_cur, 1)
        numeric = typ in ("double", "int")
        present = lambda xs: np.array([x for x in xs if x is not None], dtype=float if numeric else object)
        col = {"name": name, "type": typ, "reference": ref, "current": cur,
               "expected": expected(present(ref), present(cur), numeric)}
        out["columns"].append(col)
    return out


def num(mean, scale, decimals=None, shift=0.0):
    def gen(rng, n, side):
        x = rng.normal(mean + shift * side, scale, n)
        if decimals is not None:
            x = np.round(x, decimals)
        return x.tolist()
    return gen


def ints(values, probs_ref, probs_cur):
    def gen(rng, n, side):
        return rng.choice(values, n, p=probs_cur if side else probs_ref).astype(int).tolist()
    return gen


def cats(values_ref, probs_ref, values_cur, probs_cur):
    def gen(rng, n, side):
        return rng.choice(values_cur if side else values_ref, n, p=probs_cur if side else probs_ref).tolist()
    return gen


def nullable(gen, share):
    def g(rng, n, side):
        return with_nulls(gen(rng, n, side), rng, share)
    return g


def identical(gen):
    """The current side repeats the first rows of the reference (same values, smaller sample)."""
    cache = {}

    def g(rng, n, side):
        if "ref" not in cache:
            cache["ref"] = gen(rng, n, 0)
        return list(cache["ref"][:n])
    return g


def small_table():
    return table(200, 150, {
        "normal_shift": ("double", num(10.0, 2.0, shift=0.8)),
        "normal_same": ("double", num(0.0, 1.0)),
        "identical": ("double", identical(num(5.0, 3.0))),
        "ties": ("double", num(3.0, 1.0, decimals=1, shift=0.2)),
        "with_nulls": ("double", nullable(num(100.0, 15.0, shift=10.0), 0.1)),
        "counts": ("int", ints(np.arange(12), np.full(12, 1 / 12), np.r_[np.full(6, 0.12), np.full(6, 0.28 / 6)])),
        "three_ints": ("int", ints([1, 2, 3], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4])),
        "binary": ("int", ints([0, 1], [0.7, 0.3], [0.6, 0.4])),
        "flag": ("boolean", lambda rng, n, side: (rng.random(n) < (0.2 if side else 0.5)).tolist()),
        "city": ("string", cats(["oslo", "rome", "lima", "kyiv"], [0.4, 0.3, 0.2, 0.1],
                                ["oslo", "rome", "lima", "kyiv", "pune"], [0.3, 0.3, 0.2, 0.1, 0.1])),
        "plan": ("string", nullable(cats(["basic", "plus"], [0.6, 0.4], ["basic", "plus"], [0.55, 0.45]), 0.05)),
        "constant": ("string", cats(["x"], [1.0], ["x"], [1.0])),
    }, seed=20240611)


def large_table():
    return table(1500, 1200, {
        "big_shift": ("double", num(50.0, 10.0, shift=1.5)),
        "big_skew": ("double", lambda rng, n, side: (rng.lognormal(0.0, 0.5 + 0.1 * side, n)).tolist()),
        "big_region": ("string", cats(["n", "s", "e", "w"], [0.25, 0.25, 0.25, 0.25], ["n", "s", "e", "w"],
                                      [0.3, 0.2, 0.3, 0.2])),
        "big_five": ("int", ints([1, 2, 3, 4, 5], [0.2] * 5, [0.1, 0.2, 0.2, 0.2, 0.3])),
    }, seed=7)


def ks_pvalues():
    """Two-sample KS p-values (method='auto' and 'asymp') for sizes that take every branch."""
    rng = np.random.default_rng(11)
    out = []
    for n1, n2, shift in [(5, 7, 0.5), (8, 8, 1.0), (30, 30, 0.2), (40, 25, 0.5), (100, 37, 0.3),
                          (200, 200, 0.1), (1000, 1000, 0.1), (1000, 1500, 0.05), (3000, 2000, 0.05),
                          (10000, 10000, 0.02), (9000, 10000, 0.05), (10001, 500, 0.1), (20000, 30000, 0.01),
                          (20000, 150, 0.2), (12000, 40, 0.5), (50000, 60000, 0.02), (50000, 80, 1.5)]:
        a = np.round(rng.normal(0, 1, n1), 3)
        b = np.round(rng.normal(shift, 1, n2), 3)
        auto = stats.ks_2samp(a, b)
        out.append({"n1": n1, "n2": n2, "d": float(auto.statistic), "pValue": float(auto.pvalue),
                    "pValueAsymp": float(stats.ks_2samp(a, b, method="asymp").pvalue)})
    return out


def kolmogorov_sf():
    """scipy.stats.kstwo.sf(x, n): the one-sample two-sided KS distribution, over all its branches."""
    out = []
    for n in [1, 2, 3, 5, 10, 50, 100, 140, 141, 500, 1000, 5000, 20000, 100000, 100001, 500000, 2000000]:
        for t in [0.3, 0.6, 0.9, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0]:
            x = t / math.sqrt(n)
            if x < 1:
                out.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
        for x in [0.7 / n, 0.99 / n, 0.5, 0.6, 0.95, 1 - 0.5 / n]:
            if 0 < x < 1:
                out.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})
    return out


def sturges_cases():
    """Edges only (no data): integer arrays whose Sturges width falls below 1, and bin counts at powers of 2."""
    out = []
    big = np.tile(np.arange(25), 40000)  # 1,000,000 ints in 0..24: width 24/20.9 -> 1.15
    huge = np.tile(np.arange(22), 100000)  # 2,200,000 ints in 0..21: width 21/22.07 < 1 -> 1
    for name, a in [("ints_1m", big), ("ints_2_2m", huge), ("floats_1024", np.linspace(0.0, 1.0, 1024)),
                    ("floats_4096", np.linspace(-3.0, 7.5, 4096)), ("floats_1000", np.linspace(0.1, 0.7, 1000))]:
        edges = np.histogram_bin_edges(a, bins="sturges")
        out.append({"name": name, "size": int(a.size), "min": float(a.min()), "max": float(a.max()),
                    "integral": bool(np.issubdtype(a.dtype, np.integer)), "edges": edges.tolist()})
    return out


def main():
    fixtures = {
        "generatedBy": "common/src/test/resources/drift/make_fixtures.py, numpy %s, scipy %s"
                       % (np.__version__, __import__("scipy").__version__),
        "tables": {"small": small_table(), "large": large_table()},
        "ksPValues": ks_pvalues(),
        "kolmogorovSf": kolmogorov_sf(),
        "sturges": sturges_cases(),
    }
    with open(os.path.join(HERE, "drift-fixtures.json"), "w") as f:
        json.dump(fixtures, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
