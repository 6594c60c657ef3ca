"""Reference sample sizes from statsmodels 0.13.5 (Debian python3-statsmodels).

    /usr/bin/python3 packages/metrics/test/reference/sample_size.py
"""
import json

import numpy as np
from statsmodels.stats.power import normal_sample_size_one_tail
from statsmodels.stats.proportion import samplesize_proportions_2indep_onetail

p = []
for base, mde, alpha, power in [(0.10, 0.02, 0.05, 0.8), (0.5, -0.05, 0.01, 0.9), (0.03, 0.005, 0.05, 0.8)]:
    # statsmodels: diff = prop1 - prop2, prop2 the reference rate.
    n = samplesize_proportions_2indep_onetail(mde, base, power, ratio=1, alpha=alpha)
    p.append({"baseRate": base, "mde": mde, "alpha": alpha, "power": power, "n": float(n)})
m = []
for sd, mde, alpha, power in [(1.2, 0.1, 0.05, 0.8), (300.0, -25.0, 0.05, 0.95)]:
    s = sd * np.sqrt(2)
    n = normal_sample_size_one_tail(mde, power, alpha / 2, std_null=s, std_alternative=s)
    m.append({"sd": sd, "mde": mde, "alpha": alpha, "power": power, "n": float(n)})
print("const PROPORTIONS =", json.dumps(p), ";")
print("const MEANS =", json.dumps(m), ";")
