"""Reference values for compareVersions on versions-fixture.json.

Builds the raw per-request arrays the fixture describes and computes every figure with
statsmodels 0.13.5 / scipy 1.10.1 / numpy on those arrays (not on the aggregates):
    /usr/bin/python3 packages/metrics/test/reference/compare_versions.py
"""
import json
import os

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

here = os.path.dirname(os.path.abspath(__file__))
fixture = json.load(open(os.path.join(here, "versions-fixture.json")))
CONF = 0.95
ALPHA = 1 - CONF


def raw(v):
    n = v["requests"]
    idx = np.arange(n)
    ratings = np.concatenate([np.full(c, float(k)) for k, c in v["ratings"].items()])
    return {
        "requests": n,
        "errorRate": (idx < v["errors"]).astype(float),
        "taskSuccessRate": (idx[: v["outcomes"]] < v["successes"]).astype(float),
        "meanRating": ratings,
        "thumbsUpRate": (idx[: v["thumbs"]] < v["thumbsUp"]).astype(float),
        "copiedRate": (idx < v["copied"]).astype(float),
        "regeneratedRate": (idx >= n - v["regenerated"]).astype(float),
        "editedRate": (idx % 7 < v["editedMod"]).astype(float),
        "abandonedRate": ((idx % 11 == 0) & (idx < v["abandonedBelow"])).astype(float),
        "flagRate": (idx % 50 == 3).astype(float),
        "meanCostMicros": (v["costBase"] + (idx[: v["costed"]] * 37) % 500).astype(float),
        "latency": 200 + ((idx[: v["latencies"]] * 53) % 1000) * v["latencyScale"],
    }


RATES = ["taskSuccessRate", "thumbsUpRate", "copiedRate", "regeneratedRate", "editedRate",
         "abandonedRate", "flagRate", "errorRate"]
MEANS = ["meanRating", "meanCostMicros"]

data = {v["version"]: raw(v) for v in fixture["versions"]}
versions = {}
for name, d in data.items():
    m = {}
    for r in RATES:
        x = d[r]
        if len(x) == 0:
            m[r] = None
            continue
        lo, hi = proportion_confint(x.sum(), len(x), alpha=ALPHA, method="wilson")
        m[r] = {"value": x.mean(), "lower": lo, "upper": hi, "n": len(x)}
    for r in MEANS:
        x = d[r]
        if len(x) == 0:
            m[r] = None
        elif len(x) == 1:
            m[r] = {"value": x.mean(), "lower": None, "upper": None, "n": 1}
        else:
            lo, hi = DescrStatsW(x).tconfint_mean(alpha=ALPHA)
            m[r] = {"value": x.mean(), "lower": lo, "upper": hi, "n": len(x)}
    lat = d["latency"]
    m["latencyP50Ms"] = None if len(lat) == 0 else {"value": np.percentile(lat, 50)}
    m["latencyP95Ms"] = None if len(lat) == 0 else {"value": np.percentile(lat, 95)}
    s, c = d["taskSuccessRate"], d["meanCostMicros"]
    m["costPerSuccessMicros"] = (
        None if len(s) == 0 or len(c) == 0 or s.sum() == 0 else {"value": c.mean() / s.mean()}
    )
    versions[name] = m

# Baseline: v1 (most requests). Tests per (version, metric) in metric order.
baseline = data["v1"]
rows = []
for name in ["v2", "v3"]:
    d = data[name]
    for r in RATES + MEANS:
        a, b = baseline[r], d[r]
        if len(a) == 0 or len(b) == 0 or (r in MEANS and (len(a) < 2 or len(b) < 2)):
            rows.append({"version": name, "metric": r, "pValue": None})
            continue
        if r in RATES:
            z, p = proportions_ztest([b.sum(), a.sum()], [len(b), len(a)])
            lo, hi = confint_proportions_2indep(b.sum(), len(b), a.sum(), len(a), method="wald",
                                                compare="diff", alpha=ALPHA)
            va, vb = a.mean() * (1 - a.mean()) / len(a), b.mean() * (1 - b.mean()) / len(b)
        else:
            cm = CompareMeans(DescrStatsW(b), DescrStatsW(a))
            _, p, _ = cm.ttest_ind(usevar="unequal")
            lo, hi = cm.tconfint_diff(alpha=ALPHA, usevar="unequal")
            va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
        # Relative lift and its delta-method variance as GrowthBook's gbstats computes it
        # (TTest.variance: var_b/(mean_a^2 n_b) + var_a mean_b^2/(mean_a^4 n_a)).
        lift = b.mean() / a.mean() - 1
        se = np.sqrt(vb / a.mean() ** 2 + b.mean() ** 2 * va / a.mean() ** 4)
        zq = stats.norm.ppf(1 - ALPHA / 2)
        rows.append({
            "version": name, "metric": r, "difference": b.mean() - a.mean(),
            "lower": lo, "upper": hi, "pValue": p,
            "relative": lift, "relativeLower": lift - zq * se, "relativeUpper": lift + zq * se,
        })
tested = [row for row in rows if row["pValue"] is not None]
adjusted = multipletests([row["pValue"] for row in tested], method="holm")[1]
for row, adj in zip(tested, adjusted):
    row["adjustedPValue"] = adj


def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    return o


print("const VERSIONS =", json.dumps(clean(versions)), ";")
print("const COMPARISONS =", json.dumps(clean(rows)), ";")

# Sequential reading (compareVersions({ sequential: { tuning: 5000 } })): taskSuccessRate and
# meanCostMicros of v2 against v1 through GrowthBook gbstats' confidence-sequence formulas
# (sequential_rho, sequential_interval_halfwidth, SequentialTwoSidedTTest p-value), with the
# unpooled / Welch standard error of the difference and n = both arms.
def gb_sequential(pe, se, n, N=5000, alpha=ALPHA):
    rho = np.sqrt((-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / N)
    s2 = se**2 * n
    hw = np.sqrt(s2) * np.sqrt(2 * (n * rho**2 + 1) * np.log(np.sqrt(n * rho**2 + 1) / alpha) / (n * rho) ** 2)
    st2 = pe**2 * n / se**2
    tr2p1 = n * rho**2 + 1
    p = min(1, 1 / (np.exp(rho**2 * st2 / (2 * tr2p1)) / np.sqrt(tr2p1)))
    return {"lower": pe - hw, "upper": pe + hw, "pValue": p}

seq = {}
for r in ["taskSuccessRate", "meanCostMicros"]:
    a, b = baseline[r], data["v2"][r]
    if r in RATES:
        se = np.sqrt(a.mean() * (1 - a.mean()) / len(a) + b.mean() * (1 - b.mean()) / len(b))
    else:
        se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    seq[r] = gb_sequential(b.mean() - a.mean(), se, len(a) + len(b))
print("const SEQUENTIAL =", json.dumps(clean(seq)), ";")
