import Foundation

/// Lines at orders of running speed in the velocity spectrum: what imbalance (1×),
/// misalignment (2×) and looseness (many harmonics, half orders) look like.
public struct ShaftFeatures: Sendable {
    /// Velocity RMS (mm/s) at 1×, 2×, … 10× running speed (index 0 is 1×).
    public let harmonics: [Double]
    /// Velocity RMS at 0.5×, 1.5×, 2.5×.
    public let halfOrders: [Double]
    /// Measured frequency of each harmonic line (Hz).
    public let harmonicFrequencies: [Double]
    /// The overall velocity RMS (mm/s, 10–1000 Hz).
    public let overall: Double

    /// Reads the lines from a velocity power spectrum (mm/s)².
    init(velocity: PowerSpectrum, shaftHz f: Double, overall: Double) {
        let tolerance = max(3 * velocity.resolution, 0.004 * f)
        var harmonics: [Double] = [], frequencies: [Double] = []
        // Mains lines sit close to 1× and 2× of two-pole machines (49.2 Hz beside 50 Hz): leave
        // them out unless the order itself falls on one.
        func mains(near expected: Double) -> (Double) -> Bool {
            Mains.isMainsLine(expected, tolerance: 2 * velocity.resolution) ? { _ in false } : { Mains.isMainsLine($0, tolerance: 0.15) }
        }
        for h in 1...10 {
            let expected = Double(h) * f
            let line = velocity.line(near: expected, tolerance: tolerance * Double(h).squareRoot(), excluding: mains(near: expected))
            harmonics.append(line?.rms ?? 0)
            frequencies.append(line?.frequency ?? Double(h) * f)
        }
        self.harmonics = harmonics
        harmonicFrequencies = frequencies
        halfOrders = [0.5, 1.5, 2.5].map { velocity.line(near: $0 * f, tolerance: tolerance, excluding: mains(near: $0 * f))?.rms ?? 0 }
        self.overall = overall
    }

    public var first: Double { harmonics[0] }
    public var second: Double { harmonics[1] }

    /// Share of the overall energy in the 1× line.
    public var firstShare: Double { overall > 0 ? min(1, first * first / (overall * overall)) : 0 }

    /// Share of the overall energy in the lines at running-speed orders (1×–10× and half orders):
    /// most of it when a shaft fault drives the vibration, a small part on a healthy machine.
    public var orderShare: Double {
        guard overall > 0 else { return 0 }
        let energy = harmonics.reduce(0) { $0 + $1 * $1 } + halfOrders.reduce(0) { $0 + $1 * $1 }
        return min(1, energy / (overall * overall))
    }

    /// Harmonics 3×–10× at least `fraction` of 1×.
    public func strongHarmonics(fraction: Double) -> Int {
        harmonics.dropFirst(2).filter { $0 >= fraction * first }.count
    }

    /// The strongest half order relative to 1×.
    public var halfOrderRatio: Double { first > 0 ? (halfOrders.max() ?? 0) / first : 0 }
}
