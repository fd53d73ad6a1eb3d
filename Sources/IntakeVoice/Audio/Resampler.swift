import Foundation

/// Band-limited resampling: a Blackman-windowed sinc filter whose cut-off sits below the lower of
/// the two Nyquist frequencies, so downsampling 44.1 kHz to 16 kHz does not fold the 8–22 kHz band
/// back into speech. The kernel is tabulated once at a fine step and interpolated.
struct Resampler {
    let ratio: Double  // output rate / input rate
    /// Kernel half-width in input samples.
    let halfWidth: Int
    /// Cut-off as a fraction of the input rate.
    let cutoff: Double
    private let table: [Float]
    private static let stepsPerSample = 512

    init(from inputRate: Int, to outputRate: Int, zeroCrossings: Int = 16) {
        ratio = Double(outputRate) / Double(inputRate)
        let scale = min(1, ratio)
        cutoff = 0.5 * scale * 0.94  // 6% transition band below the new Nyquist
        halfWidth = Int((Double(zeroCrossings) / scale).rounded(.up))
        let count = halfWidth * Self.stepsPerSample + 1
        var table = [Float](repeating: 0, count: count + 1)
        for i in 0..<count {
            let x = Double(i) / Double(Self.stepsPerSample)
            let sinc = x == 0 ? 1 : sin(2 * .pi * cutoff * x) / (2 * .pi * cutoff * x)
            let position = 0.5 + 0.5 * x / Double(halfWidth)  // Blackman window, centre at 0.5
            let window = 0.42 - 0.5 * cos(2 * .pi * position) + 0.08 * cos(4 * .pi * position)
            table[i] = Float(2 * cutoff * sinc * window)
        }
        self.table = table
    }

    /// The kernel at distance `x` (input samples) from the centre.
    @inline(__always) private func kernel(_ x: Double) -> Float {
        let position = abs(x) * Double(Self.stepsPerSample)
        let index = Int(position)
        if index >= table.count - 1 { return 0 }
        let fraction = Float(position - Double(index))
        return table[index] + (table[index + 1] - table[index]) * fraction
    }

    func resample(_ input: [Float]) -> [Float] {
        guard !input.isEmpty else { return [] }
        let outputCount = Int((Double(input.count) * ratio).rounded(.down))
        var output = [Float](repeating: 0, count: outputCount)
        input.withUnsafeBufferPointer { x in
            for n in 0..<outputCount {
                let t = Double(n) / ratio
                let centre = Int(t.rounded(.down))
                var sum: Float = 0
                for k in max(0, centre - halfWidth + 1)...min(x.count - 1, centre + halfWidth) {
                    sum += x[k] * kernel(t - Double(k))
                }
                output[n] = sum
            }
        }
        return output
    }
}
