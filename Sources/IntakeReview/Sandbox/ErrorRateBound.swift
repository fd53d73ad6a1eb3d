import Foundation

/// The one-sided 95% upper confidence bound on an error rate (exact Clopper–Pearson): the
/// largest rate still consistent with seeing `errors` in `reviewed` orders.
///
/// With no errors it is `1 − 0.05^(1/n)`: 500 clean reviews bound the rate below 0.60%.
public enum ErrorRateBound {
    public static func upper95(errors: Int, reviewed: Int) -> Double {
        guard reviewed > 0 else { return 1 }
        let k = min(max(errors, 0), reviewed)
        if k == reviewed { return 1 }
        if k == 0 { return 1 - pow(0.05, 1 / Double(reviewed)) }
        // The p at which P(X ≤ k | n, p) = 0.05, i.e. the 0.95 quantile of Beta(k + 1, n − k).
        let a = Double(k + 1), b = Double(reviewed - k)
        var low = 0.0, high = 1.0
        for _ in 0..<100 {
            let mid = (low + high) / 2
            if regularizedBeta(mid, a, b) < 0.95 { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }

    /// I_x(a, b), by the continued fraction (Numerical Recipes, `betai`/`betacf`).
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers)
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x, a, b) / a }
        return 1 - front * continuedFraction(1 - x, b, a) / b
    }

    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-12 { break }
        }
        return h
    }
}
