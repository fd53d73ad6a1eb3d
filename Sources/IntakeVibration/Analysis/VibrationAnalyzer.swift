import Foundation
import IntakeAlignment
import IntakeSignal

/// A vibration alert analysed like an analyst would: validated, overall severity (ISO zone),
/// running speed, shaft-order lines and the envelope spectrum scored against the bearing's
/// defect frequencies; then classified.
public struct VibrationAnalyzer: Sendable {
    public let fft: FFT
    public let zones: SeverityZones
    public var classifier = FaultClassifier()

    public init(fft: FFT = FFT(), zones: SeverityZones = .standard) {
        self.fft = fft
        self.zones = zones
    }

    public func analyze(_ alert: VibrationAlert, device: Device) throws -> VibrationReport {
        let fs = alert.sampleRate
        let n = alert.samples.count
        let shaftGuess = (alert.rpm ?? device.nominalRPM).map { $0 / 60 }
        let shape = try validate(alert, device: device, shaftGuess: shaftGuess)

        // Acceleration in m/s² (or velocity in mm/s), mean removed.
        let scale = alert.unit.toSI
        let mean = Float(shape.mean)
        let signal = Self.centred(alert.samples, mean: mean, scale: scale)
        let statistics = WaveformStatistics(shape, scale: Double(scale))
        let spectrum = fft.forward(signal)
        // Velocity (mm/s)² per bin up to 1.1 kHz: integrate acceleration by 1/(2πf).
        let power = PowerSpectrum(spectrum, count: n, sampleRate: fs, maxFrequency: 1_100)
        let top = min(power.bin(1_100), power.power.count - 1)
        let velocity = alert.unit.isVelocity
            ? PowerSpectrum(power: Array(power.power[0...top]), resolution: power.resolution)
            : Self.integrated(power, through: top)
        let overall = velocity.rms(from: 10, to: 1_000)
        let foundation = device.extra["foundation"].flatMap { $0.isEmpty ? nil : $0.lowercased() }
        let zone = zones.zone(velocityRMS: overall, group: device.machineGroup, foundation: foundation)

        let speed = SpeedEstimate(velocity: velocity, reportedRPM: alert.rpm, nominalRPM: device.nominalRPM)
        let shaft = ShaftFeatures(velocity: velocity, shaftHz: speed.hz, overall: overall)

        var envelope: EnvelopeAnalyzer.Result?
        var scores: [DefectLineMatcher.Score] = []
        var defects: BearingFrequencies?
        if let bearing = device.bearing {
            let frequencies = BearingFrequencies(bearing: bearing, shaftHz: speed.hz)
            defects = frequencies
            let highest = max(3 * frequencies.bpfi, 4 * frequencies.bsf, frequencies.bpfi + 2 * speed.hz) * 1.1
            envelope = signal.withUnsafeBufferPointer {
                EnvelopeAnalyzer(fft: fft).analyze(
                    samples: $0, spectrum: spectrum, sampleRate: fs, maxFrequency: highest,
                    strikeRate: max(frequencies.bpfi, 2 * frequencies.bsf))
            }
            if let envelope {
                scores = DefectLineMatcher().score(envelope.spectrum, defects: frequencies, shaftHz: speed.hz)
            }
        }
        let decision = classifier.classify(
            zone: zone, shaft: shaft, bearingScores: scores, statistics: statistics, axis: alert.axis)
        return VibrationReport(
            device: device, alert: AlertSummary(alert), fault: decision.fault, confidence: decision.confidence,
            reasons: decision.reasons, zone: zone,
            zoneLimits: zones.limits(group: device.machineGroup, foundation: foundation), velocityRMS: overall, speed: speed,
            shaft: shaft, statistics: statistics, defects: defects, envelopeBand: envelope?.band,
            bearingScores: scores)
    }

    /// Acceleration (m/s²)² per bin to velocity (mm/s)²: divided by (2πf)², in mm. A plain
    /// loop: bin k is at k·resolution, so the weight is a constant over k².
    static func integrated(_ acceleration: PowerSpectrum, through top: Int) -> PowerSpectrum {
        let constant = pow(1_000 / (2 * Double.pi * acceleration.resolution), 2)
        let power = [Double](unsafeUninitializedCapacity: top + 1) { power, initialized in
            acceleration.power.withUnsafeBufferPointer { input in
                power[0] = 0
                for k in stride(from: 1, through: top, by: 1) { power[k] = input[k] * constant / Double(k * k) }
            }
            initialized = top + 1
        }
        return PowerSpectrum(power: power, resolution: acceleration.resolution)
    }

    /// (x − mean) · scale for every sample, in a plain loop the compiler vectorises (a `map`
    /// closure went element by element and cost a third of the FFT).
    static func centred(_ samples: [Float], mean: Float, scale: Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: samples.count) { centred, initialized in
            samples.withUnsafeBufferPointer { samples in
                for i in 0..<samples.count { centred[i] = (samples[i] - mean) * scale }
            }
            initialized = samples.count
        }
    }

    /// Refuses waveforms no analyst would read: too short, not finite, dead, clipped, too slow.
    /// Returns the moments it measured on the way (two passes over the samples in all).
    func validate(_ alert: VibrationAlert, device: Device, shaftGuess: Double?) throws -> WaveformMoments {
        let revolutions = shaftGuess.map { alert.duration * $0 }
        if alert.duration < 1 || (revolutions ?? 10) < 10 {
            throw VibrationError.tooShort(seconds: alert.duration, revolutions: revolutions)
        }
        let moments = try WaveformMoments(alert.samples)
        let spread = moments.high - moments.low
        if spread <= 1e-9 * max(1, abs(moments.high)) { throw VibrationError.deadSensor }
        // Clipping: flat tops, many samples sitting at the extreme values.
        let fraction = Double(max(moments.atHigh, moments.atLow)) / Double(alert.samples.count)
        if fraction > 0.005 { throw VibrationError.clipped(fraction: fraction) }
        var needed = 2_000.0, reason = "the ISO 10816 band (10–1000 Hz)"
        if let bearing = device.bearing, let shaft = shaftGuess {
            let defects = BearingFrequencies(bearing: bearing, shaftHz: shaft)
            let envelopeNeeds = 2 * (max(600, 1.2 * max(3 * defects.bpfi, 4 * defects.bsf)) + 500)
            if envelopeNeeds > needed {
                needed = envelopeNeeds
                reason = "envelope analysis of bearing \(bearing.model) at \(Int(shaft * 60)) rpm"
            }
        }
        if alert.sampleRate < needed { throw VibrationError.sampleRateTooLow(rate: alert.sampleRate, needed: needed, reason: reason) }
        return moments
    }
}

/// Mean, extremes, how many samples sit at them, and the central moments, in two passes.
///
/// Eight lanes at a time (a 15 s alert is 384,000 samples, and this ran as long as the FFT):
/// lanes sum in `Float` over blocks of 1,024 samples and each block's sums are added in `Double`.
struct WaveformMoments: Sendable {
    let mean: Double
    let low: Float, high: Float
    let atLow: Int, atHigh: Int
    let variance: Double
    let fourth: Double
    let peak: Double

    private typealias Lanes = SIMD8<Float>
    private static let block = 1_024

    init(_ samples: [Float]) throws {
        let n = samples.count
        var sum = 0.0
        var low = Float.infinity, high = -Float.infinity
        samples.withUnsafeBufferPointer { values in
            var lanesLow = Lanes(repeating: .infinity), lanesHigh = Lanes(repeating: -.infinity)
            Self.forEachBlock(values) { lanes, count, rest in
                var partial = Lanes()
                for k in 0..<count {
                    let chunk = lanes.loadUnaligned(fromByteOffset: k * MemoryLayout<Lanes>.size, as: Lanes.self)
                    partial += chunk
                    // Masked selects: the generic pointwiseMin/Max are not inlined and cost more than the rest.
                    lanesLow.replace(with: chunk, where: chunk .< lanesLow)
                    lanesHigh.replace(with: chunk, where: chunk .> lanesHigh)
                }
                sum += Double(partial.sum())
                for value in rest {
                    sum += Double(value)
                    low = min(low, value)
                    high = max(high, value)
                }
            }
            low = min(low, lanesLow.min())
            high = max(high, lanesHigh.max())
        }
        // NaN or ±∞ anywhere makes the sum so; only then look for the first one. With every
        // sample finite the sum may still have overflowed: then some sample is out of range.
        if !(sum.isFinite && low.isFinite && high.isFinite), let index = samples.firstIndex(where: { !$0.isFinite }) {
            throw VibrationError.notFinite(index: index)
        }
        let magnitude = max(abs(low), abs(high))
        guard n == 0 || magnitude <= VibrationAlert.largestSample else {
            throw VibrationError.outOfRange(peak: Double(magnitude), limit: Double(VibrationAlert.largestSample))
        }
        let mean = sum / Double(max(n, 1))
        let margin = (high - low) * 1e-4
        var atLow = 0, atHigh = 0
        var sum2 = 0.0, sum4 = 0.0
        samples.withUnsafeBufferPointer { values in
            let centre = Float(mean)
            let top = Lanes(repeating: high - margin), bottom = Lanes(repeating: low + margin)
            var countHigh = SIMD8<Int32>(), countLow = SIMD8<Int32>()
            let one = SIMD8<Int32>(repeating: 1)
            Self.forEachBlock(values) { lanes, count, rest in
                var partial2 = Lanes(), partial4 = Lanes()
                for k in 0..<count {
                    let chunk = lanes.loadUnaligned(fromByteOffset: k * MemoryLayout<Lanes>.size, as: Lanes.self)
                    countHigh &+= SIMD8<Int32>().replacing(with: one, where: chunk .>= top)
                    countLow &+= SIMD8<Int32>().replacing(with: one, where: chunk .<= bottom)
                    let x = chunk - centre, x2 = x * x
                    partial2 += x2
                    partial4 += x2 * x2
                }
                sum2 += Double(partial2.sum())
                sum4 += Double(partial4.sum())
                for value in rest {
                    if value >= high - margin { atHigh += 1 }
                    if value <= low + margin { atLow += 1 }
                    let x = Double(value) - mean, x2 = x * x
                    sum2 += x2
                    sum4 += x2 * x2
                }
            }
            atHigh += Int(countHigh.wrappedSum())
            atLow += Int(countLow.wrappedSum())
        }
        let count = Double(max(n, 1))
        self.mean = mean
        self.low = low
        self.high = high
        self.atLow = atLow
        self.atHigh = atHigh
        variance = sum2 / count
        fourth = sum4 / count
        // The largest |x − mean| sits at one of the extremes: no sample needs looking at for it.
        peak = Double(max(high - Float(mean), Float(mean) - low))
    }

    /// Hands `body` the samples block by block: whole groups of eight as lanes (`count` of them
    /// from `lanes`, loaded unaligned), then (in the last block only) the few left over.
    @inline(__always)
    private static func forEachBlock(
        _ values: UnsafeBufferPointer<Float>,
        _ body: (_ lanes: UnsafeRawPointer, _ count: Int, _ rest: UnsafeBufferPointer<Float>) -> Void
    ) {
        guard let base = values.baseAddress else { return }
        var start = 0
        while start < values.count {
            let end = min(start + block, values.count)
            let whole = (end - start) / Lanes.scalarCount
            body(UnsafeRawPointer(base + start), whole, UnsafeBufferPointer(rebasing: values[(start + whole * Lanes.scalarCount)..<end]))
            start = end
        }
    }
}

/// Running speed: the reported rpm refined on the spectrum, else the 1× line found near the
/// device's nominal speed (never a mains line).
public struct SpeedEstimate: Sendable {
    public enum Source: String, Sendable { case alert, spectrum, nominal }
    public let hz: Double
    public let source: Source
    public var rpm: Double { hz * 60 }

    init(velocity: PowerSpectrum, reportedRPM: Double?, nominalRPM: Double?) {
        let (guess, window, source): (Double?, ClosedRange<Double>, Source) = if let reportedRPM {
            (reportedRPM / 60, 0.99...1.01, .alert)
        } else {
            (nominalRPM.map { $0 / 60 }, 0.9...1.03, .spectrum)
        }
        guard let guess else {
            // No hint at all: the strongest line between 5 and 200 Hz.
            let line = velocity.line(near: 102.5, tolerance: 97.5, excluding: { Mains.isMainsLine($0) })
            hz = line?.frequency ?? 25
            self.source = .spectrum
            return
        }
        let centre = guess * (window.lowerBound + window.upperBound) / 2
        let tolerance = guess * (window.upperBound - window.lowerBound) / 2
        // A mains line is not the shaft, unless it dominates the window (a machine turning at
        // synchronous speed): then no other line comes near it.
        var line = velocity.line(near: centre, tolerance: tolerance)
        if let strongest = line, Mains.isMainsLine(strongest.frequency, tolerance: 0.15),
           let other = velocity.line(near: centre, tolerance: tolerance, excluding: { Mains.isMainsLine($0, tolerance: 0.15) }),
           other.rms >= 0.25 * strongest.rms {
            line = other
        }
        if let line, line.rms * line.rms > 20 * velocity.medianPower(from: centre - 3 * tolerance, to: centre + 3 * tolerance) * 5 {
            hz = line.frequency
            self.source = source
        } else {
            hz = guess
            self.source = source == .alert ? .alert : .nominal
        }
    }
}

/// Shape statistics of the waveform: impulsive signals (bearing defects) have high kurtosis
/// and crest factor.
public struct WaveformStatistics: Sendable {
    public let rms: Double
    public let crestFactor: Double
    public let kurtosis: Double

    init(_ moments: WaveformMoments, scale: Double) {
        rms = moments.variance.squareRoot() * scale
        crestFactor = moments.variance > 0 ? moments.peak / moments.variance.squareRoot() : 0
        kurtosis = moments.variance > 0 ? moments.fourth / (moments.variance * moments.variance) : 0
    }
}
