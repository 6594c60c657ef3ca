"""Reference values for src/reference-conformance.test.ts, from the Python standard library only
(math, fractions, decimal, itertools): no scipy or statsmodels, so they are independent of the
packages the other reference scripts used.

    python3 packages/metrics/test/reference/conformance.py

Each block says which published formula it evaluates. Exact rational arithmetic (fractions) is
used where the formula is a finite sum; math.erfc (the C library's) for normal tails; the
hypergeometric series of the incomplete beta function (DLMF 8.17.8) for Student t at fractional
degrees of freedom.
"""
import json
import math
from decimal import Decimal, getcontext
from fractions import Fraction
from itertools import combinations

getcontext().prec = 50
out = {}


# --- Normal: Phi(x) = erfc(-x / sqrt 2) / 2 (DLMF 7.2.2, 7.11.2) ----------------------------
def phi_cdf(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def normal_quantile_lower(p):
    """Bisection of Phi(x) = p on [-40, 0] for p < 1/2 (erfc keeps relative precision there)."""
    lo, hi = -40.0, 0.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if phi_cdf(mid) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


out["normalCdf"] = [{"x": x, "cdf": phi_cdf(x)} for x in [-37.5, -20.0, -8.5, -1.0, 1.5, 5.0]]
out["normalQuantile"] = [
    {"p": p, "q": normal_quantile_lower(p)} for p in [1e-300, 1e-100, 1e-20, 1e-5, 0.2]
]


def mills_cdf_decimal(x):
    """Phi(x) for x << 0 by the asymptotic (Laplace) series of Mills' ratio, A&S 26.2.12,
    in 50-digit decimals: phi(x)/|x| * (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8 - 945/x^10)."""
    x = Decimal(x)
    density = (-(x * x) / 2).exp() / (2 * Decimal(math.pi)).sqrt()
    x2 = x * x
    series = 1 - 1 / x2 + 3 / x2**2 - 15 / x2**3 + 105 / x2**4 - 945 / x2**5
    return density / abs(x) * series


def denormal_quantile(p):
    p = Decimal(p)
    lo, hi = Decimal(-39), Decimal(-37)
    for _ in range(100):
        mid = (lo + hi) / 2
        if mills_cdf_decimal(mid) < p:
            lo = mid
        else:
            hi = mid
    return float((lo + hi) / 2)


out["normalQuantileSubnormal"] = [{"p": p, "q": denormal_quantile(p)} for p in [1e-309, 1e-320, 5e-324]]


# --- Student t ---------------------------------------------------------------------------------
def t_log_density(x, df):
    return (
        math.lgamma((df + 1) / 2)
        - math.lgamma(df / 2)
        - 0.5 * math.log(df * math.pi)
        - (df + 1) / 2 * math.log1p(x * x / df)
    )


def beta_series(x, a, b):
    """I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * 2F1(a + b, 1; a + 1; x) (DLMF 8.17.8), the
    hypergeometric series summed term by term in 50-digit decimals; it converges like x^n,
    so it is used for x <= 1/2 only."""
    xd, ad, bd = Decimal(x), Decimal(a), Decimal(b)
    term, total, n = Decimal(1), Decimal(0), 0
    while term > Decimal(10) ** -40 * (total or 1):
        total += term
        term = term * (ad + bd + n) / (ad + 1 + n) * xd
        n += 1
    log_front = a * math.log(x) + b * math.log1p(-x) - math.log(a) - (
        math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    )
    return math.exp(log_front) * float(total)


def t_upper_tail(t, df):
    """P(T > t) = I_z(df/2, 1/2) / 2, z = df / (df + t^2) (A&S 26.7.1, 26.5.27), for t >= 0;
    through 1 - I_(1-z)(1/2, df/2) when z > 1/2, so the series always has x <= 1/2."""
    z = df / (df + t * t)
    if z <= 0.5:
        return 0.5 * beta_series(z, df / 2, 0.5)
    return 0.5 * (1 - beta_series(t * t / (df + t * t), 0.5, df / 2))


def t_quantile_upper(p, df):
    """t with P(T > t) = 1 - p (p > 1/2), by Newton steps on the series tail."""
    t = 2.0
    for _ in range(30):
        f = t_upper_tail(t, df) - (1 - p)
        step = f / math.exp(t_log_density(t, df))
        t += step
        if abs(step) < 1e-13 * t:
            break
    return t


out["studentT"] = [
    {"t": t, "df": df, "upperTail": t_upper_tail(t, df)}
    for t, df in [(2.0, 3.0), (1.8608, 17.776), (4.5, 1.02), (0.3, 250.5), (10.0, 5.0)]
]
out["studentTQuantile"] = [
    {"p": p, "df": df, "q": t_quantile_upper(p, df)}
    for p, df in [(0.975, 3.0), (0.975, 30.0), (0.995, 1.5), (0.95, 7.3)]
]


# --- Chi-square: Q(x; 2k) = e^{-x/2} sum_{j<k} (x/2)^j / j! (A&S 26.4.21), ------------------
# Q(x; 1) = erfc(sqrt(x/2)), Q(x; 3) = erfc(sqrt(x/2)) + sqrt(2x/pi) e^{-x/2} (A&S 26.4.4).
def chi2_sf_even(x, df):
    h = Fraction(x) / 2
    term, total = Fraction(1), Fraction(0)
    for j in range(df // 2):
        if j:
            term = term * h / j
        total += term
    return float(Decimal(total.numerator) / Decimal(total.denominator) * (-Decimal(h.numerator) / Decimal(h.denominator)).exp())


out["chiSquareSf"] = [
    {"x": 1400.0, "df": 2, "sf": chi2_sf_even(1400.0, 2)},
    {"x": 18.307038053275146, "df": 10, "sf": chi2_sf_even(18.307038053275146, 10)},
    {"x": 150.0, "df": 40, "sf": chi2_sf_even(150.0, 40)},
    {"x": 60.0, "df": 1, "sf": math.erfc(math.sqrt(30.0))},
    {"x": 7.5, "df": 3, "sf": math.erfc(math.sqrt(3.75)) + math.sqrt(15 / math.pi) * math.exp(-3.75)},
]


def poisson_upper_decimal(a, x):
    """P(a, x) = P(Poisson(x) >= a) for whole a (A&S 6.5.13, 26.4.21), summed in 50-digit
    decimals outward from j = a, with ln j! from Stirling's series (DLMF 5.11.1, six terms)."""
    xd = Decimal(x)

    def ln_factorial(k):
        k = Decimal(k)
        return (
            k * k.ln() - k + (2 * Decimal(math.pi) * k).ln() / 2
            + 1 / (12 * k) - 1 / (360 * k**3) + 1 / (1260 * k**5) - 1 / (1680 * k**7)
        )

    term = (-xd + a * xd.ln() - ln_factorial(a)).exp()
    total, j = Decimal(0), a
    while term > total * Decimal(1e-30) or j == a:
        total += term
        j += 1
        term = term * xd / j
    return float(total)


out["chiSquareCdfLargeDf"] = [
    {"x": 1e6, "df": 1e6, "cdf": poisson_upper_decimal(500_000, 500_000)},
    {"x": 1e8, "df": 1e8, "cdf": poisson_upper_decimal(50_000_000, 50_000_000)},
]


# --- Regularized incomplete beta, whole a, b: I_x(a, b) = P(Bin(a + b - 1, x) >= a) ---------
# (A&S 26.5.24 / DLMF 8.17.5), exact rationals.
def beta_exact(x, a, b):
    x = Fraction(x)
    n = a + b - 1
    s = sum(math.comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(a, n + 1))
    return float(s)


out["regularizedBeta"] = [
    {"x": x, "a": a, "b": b, "value": beta_exact(x, a, b)}
    for x, a, b in [("0.4", 200, 300), ("0.3", 2, 5), ("0.001", 3, 2000), ("0.99", 50, 2)]
]


# --- Mann-Whitney: R's documented example (?wilcox.test), exact two-sided by enumeration -----
x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
y = [1.15, 0.88, 0.90, 0.74, 1.21]
pooled = sorted(x + y)
rank = {v: i + 1 for i, v in enumerate(pooled)}  # no ties in this data
w = sum(rank[v] for v in x) - len(x) * (len(x) + 1) // 2
count_ge = count_le = total = 0
for pick in combinations(range(1, 16), 10):
    u = sum(pick) - 55
    total += 1
    count_ge += u >= w
    count_le += u <= w
out["mannWhitneyR"] = {"w": w, "pValue": min(1.0, 2 * min(count_ge, count_le) / total)}


def mw_asymptotic_r(a, b):
    """R wilcox.test(a, b, exact = FALSE, correct = TRUE): z = (W - mn/2 - sign * 0.5) / sigma,
    sigma^2 = mn/12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))), p = 2 * min(Phi(z), 1 - Phi(z))."""
    values = sorted(a + b)
    ranks, ties, i = {}, [], 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        ranks[values[i]] = Fraction(i + 1 + j, 2)
        ties.append(j - i)
        i = j
    m, n = len(a), len(b)
    big_n = m + n
    w = sum(ranks[v] for v in a) - Fraction(m * (m + 1), 2)
    z = w - Fraction(m * n, 2)
    correction = Fraction(1, 2) * ((z > 0) - (z < 0))
    sigma2 = Fraction(m * n, 12) * ((big_n + 1) - Fraction(sum(t**3 - t for t in ties), big_n * (big_n - 1)))
    zz = float(z - correction) / math.sqrt(sigma2)
    return float(w), zz, min(1.0, math.erfc(abs(zz) / math.sqrt(2)))


mw_cases = [
    ([1, 1, 2, 2, 3], [2, 3, 3, 3, 4, 4]),
    ([0, 0, 0, 1, 1, 1, 1, 1, 2], [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]),
    (list(range(500)), list(range(500, 1000))),
]
out["mannWhitneyAsymptotic"] = []
for a, b in mw_cases:
    w_, z_, p_ = mw_asymptotic_r(a, b)
    out["mannWhitneyAsymptotic"].append({"a": a if len(a) < 50 else None, "u": w_, "z": z_, "pValue": p_})
out["mannWhitneySeparated"] = {"8vs2000": 2 / math.comb(2008, 8), "7vs2000": 2 / math.comb(2007, 7)}


# --- Welch on R's sleep data (?t.test): t, df, p and the 95% interval ------------------------
g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def summary(v):
    v = [Fraction(str(e)) for e in v]
    mean = sum(v) / len(v)
    var = sum((e - mean) ** 2 for e in v) / (len(v) - 1)
    return mean, var, len(v)


(m1, v1, n1), (m2, v2, n2) = summary(g1), summary(g2)
va, vb = v1 / n1, v2 / n2
df_sleep = (va + vb) ** 2 / (va**2 / (n1 - 1) + vb**2 / (n2 - 1))  # Welch-Satterthwaite, exact
t_sleep = float(m2 - m1) / math.sqrt(va + vb)
q_sleep = t_quantile_upper(0.975, float(df_sleep))
out["welchSleep"] = {
    "t": t_sleep,
    "df": float(df_sleep),
    "pValue": 2 * t_upper_tail(abs(t_sleep), float(df_sleep)),
    "lower": float(m2 - m1) - q_sleep * math.sqrt(va + vb),
    "upper": float(m2 - m1) + q_sleep * math.sqrt(va + vb),
}
# Tiny unequal samples: a = [0, 1], b = [10, 20].
va2, vb2 = Fraction(1, 2) / 2, Fraction(50) / 2
df_tiny = (va2 + vb2) ** 2 / (va2**2 / 1 + vb2**2 / 1)
t_tiny = 14.5 / math.sqrt(va2 + vb2)
out["welchTiny"] = {"t": t_tiny, "df": float(df_tiny), "pValue": 2 * t_upper_tail(t_tiny, float(df_tiny))}


# --- Beta-binomial chance to beat control, exact: for whole parameters, -----------------------
# P(X > Y) = sum_{j=c}^{c+d-1} C(c+d-1, j) B(a + j, b + c + d - 1 - j) / B(a, b)
# (X ~ Beta(a, b), Y ~ Beta(c, d); F_Y from A&S 26.5.24 integrated against f_X), and
# E[max(X - Y, 0)] = a/(a+b) P(X' > Y) - c/(c+d) P(X > Y'), X' ~ Beta(a+1, b), Y' ~ Beta(c+1, d).
def beta_fn(a, b):
    return Fraction(math.factorial(a - 1) * math.factorial(b - 1), math.factorial(a + b - 1))


def p_greater(a, b, c, d):
    n = c + d - 1
    return sum(math.comb(n, j) * beta_fn(a + j, b + n - j) for j in range(c, n + 1)) / beta_fn(a, b)


def beta_compare(control, variant):
    aa, ba = 1 + control[0], 1 + control[1] - control[0]
    ab, bb = 1 + variant[0], 1 + variant[1] - variant[0]
    chance = p_greater(ab, bb, aa, ba)
    loss_variant = Fraction(aa, aa + ba) * p_greater(aa + 1, ba, ab, bb) - Fraction(ab, ab + bb) * p_greater(aa, ba, ab + 1, bb)
    loss_control = Fraction(ab, ab + bb) * p_greater(ab + 1, bb, aa, ba) - Fraction(aa, aa + ba) * p_greater(ab, bb, aa + 1, ba)
    return {"control": control, "variant": variant, "chance": float(chance), "lossVariant": float(loss_variant), "lossControl": float(loss_control)}


out["bayesBeta"] = [beta_compare(c, v) for c, v in [((0, 10), (0, 10)), ((10, 10), (0, 10)), ((0, 0), (0, 0)), ((1, 1), (0, 1)), ((0, 50), (3, 40))]]

# --- Two proportions: z^2 is Pearson's X^2 of the 2x2 table, N(ad - bc)^2 / (r1 r2 c1 c2) -----
# (Agresti, Categorical Data Analysis, 3rd ed., §3.2.1); p = erfc(|z| / sqrt 2).
def two_prop(xa, na, xb, nb):
    a, b, c, d = xa, na - xa, xb, nb - xb
    big_n = na + nb
    x2 = Fraction(big_n * (a * d - b * c) ** 2, na * nb * (a + c) * (b + d))
    z = math.copysign(math.sqrt(x2), Fraction(xb, nb) - Fraction(xa, na))
    return {"a": [xa, na], "b": [xb, nb], "z": z, "pValue": math.erfc(abs(z) / math.sqrt(2))}


out["twoProportion"] = [two_prop(*c) for c in [(1_000_000, 10_000_000, 1_001_000, 10_000_000), (0, 40, 6, 40), (30, 30, 20, 30), (1, 1, 0, 1), (100_000, 10_000_000, 102_000, 10_000_000)]]


# --- SRM: Pearson X^2 = sum (O - E)^2 / E, exact rationals; df = 1: p = erfc(sqrt(X^2 / 2)) ---
def srm(observed):
    e = Fraction(sum(observed), len(observed))
    x2 = sum((o - e) ** 2 / e for o in observed)
    return {"observed": observed, "chiSquare": float(x2), "pValue": math.erfc(math.sqrt(float(x2) / 2))}


out["srm"] = [srm([821_588, 815_482]), srm([5_000_000, 5_010_000]), srm([1, 0])]

print(json.dumps(out, indent=1))
