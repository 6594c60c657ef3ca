"""Reference values for Mann–Whitney, SRM, Bayesian, agreement, relative lift and the
confidence sequence.

    /usr/bin/python3 packages/metrics/test/reference/more_tests.py

scipy 1.10.1, scikit-learn 1.2.1 (Debian packages). The confidence sequence has no packaged
implementation here: its values come from the formulas of GrowthBook's gbstats
(`sequential_rho`, `sequential_interval_halfwidth`, `SequentialTwoSidedTTest.p_value`),
retyped below from GrowthBook's source, so they check our port against theirs.
"""
import json

import numpy as np
from scipy import integrate, stats
from sklearn.metrics import cohen_kappa_score

out = {}

# Mann-Whitney: scipy.stats.mannwhitneyu, default use_continuity=True, two-sided.
mw = []
cases = [
    ([1.1, 2.3, 0.7, 5.0], [3.1, 4.2, 6.6, 7.0, 8.8], "auto"),  # exact (small, no ties)
    ([3, 5, 5, 7, 9, 1], [2, 5, 8, 8, 10, 11, 12], "auto"),  # ties -> asymptotic
    ([0.5, 0.9, 1.4, 2.2, 3.3, 4.1, 4.9], [0.4 + 0.37 * k for k in range(30)], "auto"),  # exact, 7 vs 30
    ([float(k % 9) for k in range(40)], [float((k * 7) % 11) for k in range(35)], "auto"),
    ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0], "asymptotic"),
]
for a, b, method in cases:
    r = stats.mannwhitneyu(a, b, method=method)
    mw.append({"a": a, "b": b, "method": method, "u": r.statistic, "pValue": r.pvalue})
out["mannWhitney"] = mw

# SRM: scipy.stats.chisquare(f_obs, f_exp = total * weights).
srm = []
for obs, w in [([5000, 5100], [0.5, 0.5]), ([5000, 5400], [0.5, 0.5]), ([3300, 3350, 3000], [1 / 3, 1 / 3, 1 / 3]),
               ([900, 2100], [0.3, 0.7])]:
    total = sum(obs)
    r = stats.chisquare(obs, [total * x for x in w])
    srm.append({"observed": obs, "weights": w, "chiSquare": r.statistic, "pValue": r.pvalue})
out["srm"] = srm

# Normal chance to beat control and expected loss: by numerical integration (scipy.integrate.quad).
normal = []
for mu, sd in [(0.01, 0.02), (-0.5, 1.3), (2.0, 0.5)]:
    ctw = stats.norm.sf(0, loc=mu, scale=sd)
    loss_variant = integrate.quad(lambda d: max(-d, 0) * stats.norm.pdf(d, mu, sd), -np.inf, 0)[0]
    loss_control = integrate.quad(lambda d: max(d, 0) * stats.norm.pdf(d, mu, sd), 0, np.inf)[0]
    normal.append({"mean": mu, "sd": sd, "chance": ctw, "lossVariant": loss_variant, "lossControl": loss_control})
out["bayesNormal"] = normal

# Beta-binomial: P(pb > pa) and expected losses by numerical integration over pb.
beta = []
for (xa, na, xb, nb) in [(10, 100, 15, 100), (120, 1000, 150, 1000), (3, 7, 1, 9), (400, 2000, 395, 2010)]:
    A = stats.beta(1 + xa, 1 + na - xa)
    B = stats.beta(1 + xb, 1 + nb - xb)
    pts = [A.mean(), B.mean()]
    chance = integrate.quad(lambda y: B.pdf(y) * A.cdf(y), 0, 1, points=pts, limit=200, epsabs=1e-13)[0]

    def excess(X, y):
        # E[(X - y)^+] for X ~ Beta(a, b): a/(a+b) * (1 - I_y(a+1, b)) - y * (1 - I_y(a, b))
        a, b = X.args
        return a / (a + b) * stats.beta.sf(y, a + 1, b) - y * X.sf(y)

    loss_variant = integrate.quad(lambda y: B.pdf(y) * excess(A, y), 0, 1, points=pts, limit=200, epsabs=1e-13)[0]
    loss_control = integrate.quad(lambda y: A.pdf(y) * excess(B, y), 0, 1, points=pts, limit=200, epsabs=1e-13)[0]
    beta.append({"control": [xa, na], "variant": [xb, nb], "chance": chance,
                 "lossVariant": loss_variant, "lossControl": loss_control})
out["bayesBeta"] = beta

# Cohen's kappa: sklearn.metrics.cohen_kappa_score.
judge = [5, 4, 4, 3, 2, 5, 1, 3, 4, 4, 2, 5, 3, 3, 1, 4]
human = [5, 5, 4, 3, 3, 4, 1, 2, 4, 3, 2, 5, 3, 4, 2, 4]
out["kappa"] = {
    "a": judge, "b": human,
    "none": cohen_kappa_score(judge, human),
    "linear": cohen_kappa_score(judge, human, weights="linear"),
    "quadratic": cohen_kappa_score(judge, human, weights="quadratic"),
}
ja = ["good", "bad", "good", "good", "bad", "meh", "good", "meh"]
hb = ["good", "bad", "meh", "good", "bad", "bad", "good", "meh"]
out["kappaLabels"] = {"a": ja, "b": hb, "none": cohen_kappa_score(ja, hb)}

# Spearman: scipy.stats.spearmanr.
x = [2.0, 3.5, 3.5, 1.0, 7.2, 6.1, 4.4, 9.0, 0.5, 5.5]
y = [1.0, 2.0, 4.0, 1.5, 8.0, 5.0, 5.0, 7.0, 2.0, 3.0]
r = stats.spearmanr(x, y)
out["spearman"] = {"x": x, "y": y, "rho": r.correlation, "pValue": r.pvalue}

# Confidence sequence, gbstats formulas (alpha, tuning N, estimate, SE, n = n_a + n_b).
def gb_rho(alpha, N):
    return np.sqrt((-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / N)

def gb_halfwidth(s2, n, N, alpha):
    rho = gb_rho(alpha, N)
    return np.sqrt(s2) * np.sqrt((2 * (n * rho**2 + 1)) * np.log(np.sqrt(n * rho**2 + 1) / alpha) / (n * rho) ** 2)

def gb_pvalue(pe, se, n, N, alpha):
    rho = gb_rho(alpha, N)
    st2 = pe**2 * n / se**2
    tr2p1 = n * rho**2 + 1
    evalue = np.exp(rho**2 * st2 / (2 * tr2p1)) / np.sqrt(tr2p1)
    return min(1 / evalue, 1)

cs = []
for pe, se, n, N, alpha in [(0.02, 0.01, 2000, 5000, 0.05), (0.02, 0.008, 20000, 5000, 0.05),
                            (-0.3, 0.1, 500, 1000, 0.1), (0.001, 0.01, 100, 5000, 0.05)]:
    hw = gb_halfwidth(se**2 * n, n, N, alpha)
    cs.append({"estimate": pe, "se": se, "n": n, "tuning": N, "alpha": alpha, "rho": gb_rho(alpha, N),
               "lower": pe - hw, "upper": pe + hw, "pValue": gb_pvalue(pe, se, n, N, alpha)})
out["confidenceSequence"] = cs

# Relative lift: gbstats TwoSidedTTest relative variance (delta method), with a normal quantile.
lift = []
for ma, va, na, mb, vb, nb, conf in [(0.12, 0.1056, 1000, 0.15, 0.1275, 1000, 0.95), (10.0, 16.0, 200, 10.5, 25.0, 180, 0.9)]:
    var = vb / (ma**2 * nb) + va * mb**2 / (ma**4 * na)
    pe = (mb - ma) / ma
    z = stats.norm.ppf(1 - (1 - conf) / 2)
    lift.append({"a": {"mean": ma, "varianceOfMean": va / na}, "b": {"mean": mb, "varianceOfMean": vb / nb},
                 "confidence": conf, "lift": pe, "lower": pe - z * np.sqrt(var), "upper": pe + z * np.sqrt(var)})
out["relativeLift"] = lift


def clean(o):
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [clean(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    return o


for k, v in clean(out).items():
    print(f"const {k.upper()} = {json.dumps(v)};")
