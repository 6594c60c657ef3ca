"""Reference values for distributions, proportions, Welch's t-test and multiple testing.

Run with Debian's python3 (python3-scipy 1.10, python3-statsmodels 0.13):
    /usr/bin/python3 packages/metrics/test/reference/basic_tests.py
and paste the printed JSON into the matching *.test.ts files.
"""
import json

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

out = {}

out["normal"] = [
    {"x": x, "cdf": stats.norm.cdf(x)} for x in [-8.0, -3.5, -1.96, -0.3, 0.0, 0.7, 2.5, 6.0]
]
out["normalQuantile"] = [
    {"p": p, "q": stats.norm.ppf(p)} for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999]
]
out["studentT"] = [
    {"t": t, "df": df, "cdf": stats.t.cdf(t, df)}
    for t, df in [(-2.5, 3), (1.2, 7.5), (0.01, 2000), (-40, 4.2), (3.3, 1), (0.5, 1e6)]
]
out["studentTQuantile"] = [
    {"p": p, "df": df, "q": stats.t.ppf(p, df)}
    for p, df in [(0.975, 1), (0.975, 2.7), (0.025, 10), (0.995, 30.5), (0.6, 100000), (1e-6, 5)]
]
out["chiSquareSf"] = [
    {"x": x, "df": df, "sf": stats.chi2.sf(x, df)}
    for x, df in [(0.5, 1), (3.84, 1), (10, 3), (50, 4), (100, 10)]
]

out["wilson"] = []
for x, n, conf in [(0, 10, 0.95), (7, 10, 0.95), (50, 100, 0.9), (999, 1000, 0.99), (1234, 5678, 0.95)]:
    lo, hi = proportion_confint(x, n, alpha=1 - conf, method="wilson")
    out["wilson"].append({"x": x, "n": n, "confidence": conf, "lower": lo, "upper": hi})

out["twoProportion"] = []
for (xa, na, xb, nb, conf) in [
    (120, 1000, 150, 1000, 0.95),
    (45, 300, 30, 320, 0.95),
    (5000, 10000, 5100, 10050, 0.99),
    (3, 12, 9, 15, 0.9),
]:
    # statsmodels tests count[0] vs count[1]; the difference is b - a, so put b first.
    z, p = proportions_ztest([xb, xa], [nb, na])
    lo, hi = confint_proportions_2indep(xb, nb, xa, na, method="wald", compare="diff", alpha=1 - conf)
    out["twoProportion"].append(
        {"a": [xa, na], "b": [xb, nb], "confidence": conf, "z": z, "pValue": p, "lower": lo, "upper": hi}
    )

# Welch: raw samples from a seeded generator; the test gets only their summaries, the expected
# values come from statsmodels on the raw data (CompareMeans, usevar="unequal").
rng = np.random.default_rng(20261126)
out["welch"] = []
for na, nb, ma, mb, sa, sb, conf in [
    (12, 15, 3.1, 3.6, 1.0, 1.4, 0.95),
    (200, 180, 10.0, 10.2, 4.0, 2.0, 0.95),
    (5, 40, 0.0, -1.0, 0.5, 3.0, 0.9),
]:
    a = rng.normal(ma, sa, na)
    b = rng.normal(mb, sb, nb)
    cm = CompareMeans(DescrStatsW(b), DescrStatsW(a))
    t, p, df = cm.ttest_ind(usevar="unequal")
    lo, hi = cm.tconfint_diff(alpha=1 - conf, usevar="unequal")
    out["welch"].append(
        {
            "a": {"mean": a.mean(), "sd": a.std(ddof=1), "n": na},
            "b": {"mean": b.mean(), "sd": b.std(ddof=1), "n": nb},
            "confidence": conf,
            "t": t,
            "df": df,
            "pValue": p,
            "lower": lo,
            "upper": hi,
        }
    )

ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.04, 0.001]
out["multipleTesting"] = {
    "p": ps,
    "holm": multipletests(ps, method="holm")[1].tolist(),
    "bh": multipletests(ps, method="fdr_bh")[1].tolist(),
}


def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    return o


print(json.dumps(clean(out), indent=1))
