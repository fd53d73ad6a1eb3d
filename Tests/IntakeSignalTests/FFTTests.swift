import Foundation
import Testing
@testable import IntakeSignal

@Suite("FFTW transforms")
struct FFTTests {
    @Test("Short-time frames come out in order and equal each frame's own transform, in full batches and in the tail")
    func framesMatchSingleTransforms() {
        let fft = FFT()
        var generator = SystemRandomNumberGenerator()
        // 2,000 samples in 32-sample frames every 16: 124 frames, one batch of 64 and 60 left over.
        let samples = (0..<2_000).map { _ in Float.random(in: -1...1, using: &generator) }
        let length = 32, hop = 16
        let window = (0..<length).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(length))) }
        var frames: [[Float]] = []
        samples.withUnsafeBufferPointer { buffer in
            fft.forEachFrame(of: buffer, length: length, hop: hop, window: window) { frames.append(Array($0)) }
        }
        #expect(frames.count == (samples.count - length) / hop + 1)
        #expect(frames.count > FFT.framesPerBatch)
        for (index, frame) in frames.enumerated() {
            let windowed = (0..<length).map { samples[index * hop + $0] * window[$0] }
            let expected = fft.forward(windowed).interleaved
            let error = zip(frame, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(error < 1e-4, "frame \(index): largest difference \(error)")
        }
    }

    @Test("Transform sizes come from a short ladder: at least what is asked, at most a quarter more, only factors 2, 3 and 5")
    func transformSizes() {
        #expect(FFT.fastSize(atLeast: 7) == 8)
        #expect(FFT.fastSize(atLeast: 384_001) == 393_216)
        var sizes = Set<Int>()
        for n in 10_000...40_000 {
            let size = FFT.fastSize(atLeast: n)
            #expect(size >= n && Double(size) <= 1.25 * Double(n), "\(n) → \(size)")
            var rest = size
            for p in [2, 3, 5] { while rest % p == 0 { rest /= p } }
            #expect(rest == 1, "\(size)")
            sizes.insert(size)
        }
        // Two octaves: four sizes in each, plus the first of the next.
        #expect(sizes.count <= 9)
    }

    @Test("The real inverse gives back the signal a forward transform came from, times its length")
    func realInverseUndoesTheForwardTransform() {
        let fft = FFT()
        var generator = SystemRandomNumberGenerator()
        for n in [512, 500] {
            let samples = (0..<n).map { _ in Float.random(in: -1...1, using: &generator) }
            let spectrum = fft.forward(samples)
            var back = [Float](repeating: 0, count: n)
            spectrum.interleaved.withUnsafeBufferPointer { bins in back.withUnsafeMutableBufferPointer { fft.inverse(bins, count: n, into: $0) } }
            #expect(zip(samples, back).allSatisfy { abs($0 - $1 / Float(n)) < 1e-4 })
        }
    }

    @Test("Background planning transforms at once with an estimated plan, then FFTW's tool tunes it into the wisdom file")
    func backgroundPlanningTunesInAnotherProcess() throws {
        // libfftw3-dev depends on libfftw3-bin, which has the tool: without it this mode only estimates.
        #expect(FFT.wisdomTool != nil, "fftwf-wisdom (libfftw3-bin) is missing")
        let wisdom = FileManager.default.temporaryDirectory.appendingPathComponent("intake-fft-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: wisdom) }
        // A size no other test plans, so FFTW's process-wide wisdom does not know it yet.
        let n = 3_003
        var generator = SystemRandomNumberGenerator()
        let samples = (0..<n).map { _ in Float.random(in: -1...1, using: &generator) }
        let reference = FFT().forward(samples).interleaved

        let fft = FFT(rigor: .background, wisdom: wisdom)
        let first = fft.forward(samples).interleaved
        fft.waitUntilTuned()
        #expect(fft.tunedPlans == 1)
        #expect(try Data(contentsOf: wisdom).count > 0)
        let tuned = fft.forward(samples).interleaved

        // Another instance finds the tuning in the wisdom: tuned from its first transform.
        let again = FFT(rigor: .background, wisdom: wisdom)
        let fromWisdom = again.forward(samples).interleaved
        #expect(again.tunedPlans == 1)
        for spectrum in [first, tuned, fromWisdom] {
            let error = zip(spectrum, reference).map { abs($0 - $1) }.max() ?? .infinity
            #expect(error < 1e-3, "largest difference \(error)")
        }
    }
}
