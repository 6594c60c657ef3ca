"""Reference values for compareVersions on versions-fixture.json.

Builds the raw per-request arrays the fixture describes and computes every figure with
statsmodels 0.13.5 / scipy 1.10.1 / numpy on those arrays (not on the aggregates). Cost per
success: the delta method with statsmodels' complex-step numerical gradient (approx_fprime_cs)
on the means of the per-request cost, costed, success and outcome columns, with their sample
covariance / n. Latency
percentile intervals: order statistics at ranks from scipy.stats.binom.cdf.
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
from statsmodels.tools.numdiff import approx_fprime_cs

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
        # Per-request columns of cost per success: cost (0 when unknown), costed, success, outcome.
        "costPerSuccess": np.column_stack([
            np.where(idx < v["costed"], v["costBase"] + (idx * 37) % 500, 0).astype(float),
            (idx < v["costed"]).astype(float),
            (idx < v["successes"]).astype(float),
            (idx < v["outcomes"]).astype(float),
        ]),
    }


def cost_per_success(columns):
    """(mean cost / costed share) / (success share / outcome share) and its delta-method se."""
    means = columns.mean(axis=0)
    cov = np.cov(columns, rowvar=False, ddof=1) / len(columns)
    fun = lambda p: p[0] / p[1] / (p[2] / p[3])
    g = approx_fprime_cs(means, fun)
    return fun(means), np.sqrt(g @ cov @ g)


def order_statistic_interval(values, q):
    """x(l), x(u) with l the largest rank with F(l-1) <= a/2, u the smallest with F(u-1) >= 1-a/2."""
    x = np.sort(values)
    n = len(x)
    cdf = stats.binom.cdf(np.arange(n + 1), n, q)
    lower = max([k + 1 for k in range(n + 1) if cdf[k] <= ALPHA / 2], default=0)
    upper = min(k + 1 for k in range(n + 1) if cdf[k] >= 1 - ALPHA / 2)
    return (x[lower - 1] if lower >= 1 else None, x[upper - 1] if upper <= n else None)


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
    for key, q in [("latencyP50Ms", 0.5), ("latencyP95Ms", 0.95)]:
        if len(lat) == 0:
            m[key] = None
            continue
        lo, hi = order_statistic_interval(lat, q)
        m[key] = {"value": np.percentile(lat, 100 * q), "lower": lo, "upper": hi}
    s, c = d["taskSuccessRate"], d["meanCostMicros"]
    if len(s) == 0 or len(c) == 0 or s.sum() == 0:
        m["costPerSuccessMicros"] = None
    else:
        value, se = cost_per_success(d["costPerSuccess"])
        zq = stats.norm.ppf(1 - ALPHA / 2)
        m["costPerSuccessMicros"] = {"value": value, "lower": value - zq * se,
                                     "upper": value + zq * se}
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
    # Cost per success: z-test on the delta-method variances of two independent versions.
    if versions[name]["costPerSuccessMicros"] is None:
        rows.append({"version": name, "metric": "costPerSuccessMicros", "pValue": None})
        continue
    (a, sa), (b, sb) = cost_per_success(baseline["costPerSuccess"]), cost_per_success(d["costPerSuccess"])
    se = np.sqrt(sa**2 + sb**2)
    zq = stats.norm.ppf(1 - ALPHA / 2)
    lift = b / a - 1
    lift_se = np.sqrt(sb**2 / a**2 + b**2 * sa**2 / a**4)
    rows.append({
        "version": name, "metric": "costPerSuccessMicros", "difference": b - a,
        "lower": b - a - zq * se, "upper": b - a + zq * se,
        "pValue": 2 * stats.norm.sf(abs(b - a) / se),
        "relative": lift, "relativeLower": lift - zq * lift_se, "relativeUpper": lift + zq * lift_se,
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
