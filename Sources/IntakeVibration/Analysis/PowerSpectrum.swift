import Foundation
import IntakeSignal

/// A one-sided power spectrum with its frequency axis: band RMS by Parseval and peak search.
///
/// `power[k]` is the mean-square contribution of bin k, so the RMS of any band is the square
/// root of its sum: exact for the band energy whatever the leakage, which is why no window is
/// applied (a 15 s record has bins 1/15 Hz apart, narrow against every line we look for).
public struct PowerSpectrum: Sendable {
    public let power: [Double]
    /// Hz between bins.
    public let resolution: Double

    /// From an unnormalised FFT of `count` samples at `sampleRate`, up to `maxFrequency` Hz
    /// (the bins above are left out: a 15 s alert has 192,001, and severity needs the first 16,500).
    public init(_ spectrum: ComplexSpectrum, count n: Int, sampleRate: Double, maxFrequency: Double = .infinity) {
        let scale = 2 / (Double(n) * Double(n))
        resolution = sampleRate / Double(n)
        let bins = maxFrequency < sampleRate / 2 ? min(Int(maxFrequency / resolution) + 2, spectrum.count) : spectrum.count
        power = [Double](unsafeUninitializedCapacity: bins) { power, initialized in
            spectrum.interleaved.withUnsafeBufferPointer { pairs in
                for k in 0..<bins {
                    let re = Double(pairs[2 * k]), im = Double(pairs[2 * k + 1])
                    power[k] = scale * (re * re + im * im)
                }
            }
            power[0] *= 0.5
            initialized = bins
        }
    }

    init(power: [Double], resolution: Double) {
        self.power = power
        self.resolution = resolution
    }

    public func frequency(_ bin: Int) -> Double { Double(bin) * resolution }
    public func bin(_ frequency: Double) -> Int { min(max(Int((frequency / resolution).rounded()), 0), power.count - 1) }

    /// RMS over [low, high] Hz, with each bin's power weighted by `weight(f)` (e.g. 1/(2πf)² to integrate).
    public func rms(from low: Double, to high: Double, weight: (Double) -> Double = { _ in 1 }) -> Double {
        let lo = max(bin(low), 1), hi = bin(high)
        guard hi >= lo else { return 0 }
        var sum = 0.0
        for k in lo...hi { sum += power[k] * weight(frequency(k)) }
        return sum.squareRoot()
    }

    /// The strongest line within `tolerance` Hz of `frequency`: its centre (interpolated) and
    /// RMS amplitude (the power of the bins around it, so leakage does not shrink it).
    public func line(near frequency: Double, tolerance: Double, excluding excluded: (Double) -> Bool = { _ in false }) -> (frequency: Double, rms: Double)? {
        let lo = max(bin(frequency - tolerance), 1), hi = min(bin(frequency + tolerance), power.count - 2)
        guard hi >= lo else { return nil }
        // The strongest local maximum (a line, not the shoulder of a neighbour), else the strongest bin.
        var best = -1, bestPeak = -1
        for k in lo...hi where !excluded(self.frequency(k)) {
            if best < 0 || power[k] > power[best] { best = k }
            if power[k] >= power[k - 1] && power[k] >= power[k + 1] && (bestPeak < 0 || power[k] > power[bestPeak]) { bestPeak = k }
        }
        if bestPeak >= 0 { best = bestPeak }
        guard best >= 0 else { return nil }
        let spread = 2
        var sum = 0.0
        for k in max(best - spread, 1)...min(best + spread, power.count - 1) where k == best || !excluded(self.frequency(k)) {
            sum += power[k]
        }
        let (a, b, c) = (power[best - 1].squareRoot(), power[best].squareRoot(), power[best + 1].squareRoot())
        let denominator = a - 2 * b + c
        let offset = denominator == 0 ? 0 : max(-0.5, min(0.5, 0.5 * (a - c) / denominator))
        return (self.frequency(best) + offset * resolution, sum.squareRoot())
    }

    /// The median power in [low, high] Hz: the background a line stands out from.
    public func medianPower(from low: Double, to high: Double) -> Double {
        let lo = max(bin(low), 1), hi = bin(high)
        guard hi > lo else { return power[max(lo, 0)] }
        // At most ~256 evenly spaced bins: plenty for a background level, and cheap.
        let stride = max(1, (hi - lo + 1) / 256)
        var values = Swift.stride(from: lo, through: hi, by: stride).map { power[$0] }
        return Self.select(values.count / 2, in: &values)
    }

    /// The `k`-th smallest of `values` (0-based), by quickselect: the median is asked for about
    /// twenty times per alert, and sorting for it was a tenth of the envelope analysis.
    static func select(_ k: Int, in values: inout [Double]) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { high = j } else if k >= i { low = i } else { break }
        }
        return values[k]
    }
}

/// Mains-related lines (50/60 Hz and harmonics) that a naive detector mistakes for faults.
enum Mains {
    static func isMainsLine(_ frequency: Double, tolerance: Double = 0.25) -> Bool {
        for base in [50.0, 60.0] {
            let harmonic = (frequency / base).rounded()
            if harmonic >= 1 && abs(frequency - harmonic * base) <= tolerance { return true }
        }
        return false
    }
}
