import Foundation
import Testing
@testable import IntakeVibration

@Suite("Power spectrum")
struct PowerSpectrumTests {
    @Test("Selection finds the k-th smallest value, duplicates and all, as sorting would")
    func selectionAgreesWithSorting() {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 10, 257] {
            for _ in 0..<20 {
                // Few distinct values, so runs of equal values are common.
                let values = (0..<count).map { _ in Double(Int.random(in: 0...7, using: &generator)) }
                let sorted = values.sorted()
                for k in Set([0, count / 2, count - 1]) {
                    var scratch = values
                    #expect(PowerSpectrum.select(k, in: &scratch) == sorted[k], "k \(k) of \(values)")
                }
            }
        }
    }

    @Test("The background level is the median power of the band")
    func medianPowerOfBand() {
        let power = (0..<100).map { Double($0 % 10) }
        let spectrum = PowerSpectrum(power: power, resolution: 1)
        // Bins 10…19 hold 0…9: the median of ten values is the sixth smallest, 5.
        #expect(spectrum.medianPower(from: 10, to: 19) == 5)
    }
}
