"""Reference values for per-user (clustered) intervals and tests, on user-clusters data.

The data (also built by src/delta-method.test.ts): versions A and B, 30 users each; user u of
version index k sends 1 + (7u + 3k) % 5 requests; request j succeeds when
(31u + 17j + 5k) % 10 < 6 + k and costs 100 + 10·((13u + 29j + k) % 50) micro-dollars.

Rates and means over users: the mean of the request-level values with statsmodels' cluster-robust
standard error (OLS on a constant, cov_type="cluster" by user, its default small-sample factor
G/(G − 1)) — the same variance as the delta method for a ratio of per-user totals (Deng et al.
2018, §3). Cost per success: the delta method on the per-user totals (cost, costed, successes,
outcomes) with statsmodels' complex-step gradient and their sample covariance / G.
    /usr/bin/python3 packages/metrics/test/reference/user_clusters.py
"""
import json

import numpy as np
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.numdiff import approx_fprime_cs

Z = stats.norm.ppf(0.975)


def requests(k):
    rows = []
    for u in range(30):
        for j in range(1 + (7 * u + 3 * k) % 5):
            rows.append((u, float((31 * u + 17 * j + 5 * k) % 10 < 6 + k),
                         100.0 + 10 * ((13 * u + 29 * j + k) % 50)))
    return np.array(rows)


def clustered_mean(values, users):
    fit = sm.OLS(values, np.ones(len(values))).fit(cov_type="cluster", cov_kwds={"groups": users})
    return fit.params[0], fit.bse[0]


def cost_per_success(data):
    users = np.unique(data[:, 0])
    totals = np.array([[data[data[:, 0] == u, 2].sum(), (data[:, 0] == u).sum(),
                        data[data[:, 0] == u, 1].sum(), (data[:, 0] == u).sum()] for u in users])
    fun = lambda p: p[0] / p[1] / (p[2] / p[3])
    means = totals.mean(axis=0)
    g = approx_fprime_cs(means, fun)
    return fun(means), np.sqrt(g @ (np.cov(totals, rowvar=False, ddof=1) / len(users)) @ g)


out = {}
for k, name in enumerate(["A", "B"]):
    data = requests(k)
    m = {}
    for metric, column in [("taskSuccessRate", 1), ("meanCostMicros", 2)]:
        value, se = clustered_mean(data[:, column], data[:, 0])
        m[metric] = {"value": value, "se": se, "lower": value - Z * se, "upper": value + Z * se}
    value, se = cost_per_success(data)
    m["costPerSuccessMicros"] = {"value": value, "se": se, "lower": value - Z * se,
                                 "upper": value + Z * se}
    m["requests"] = len(data)
    out[name] = m
for metric in ["taskSuccessRate", "meanCostMicros", "costPerSuccessMicros"]:
    a, b = out["A"][metric], out["B"][metric]
    se = np.hypot(a["se"], b["se"])
    d = b["value"] - a["value"]
    out.setdefault("BvsA", {})[metric] = {"difference": d, "lower": d - Z * se,
                                          "upper": d + Z * se,
                                          "pValue": 2 * stats.norm.sf(abs(d) / se)}
print(json.dumps(out, indent=1, default=float))
