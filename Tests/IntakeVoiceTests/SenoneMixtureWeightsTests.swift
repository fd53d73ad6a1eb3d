import Foundation
import Testing
@testable import IntakeVoice

/// PocketSphinx's 8-bit `sendump` read back into SphinxTrain's float mixture weights.
struct SenoneMixtureWeightsTests {
    /// A sendump as PocketSphinx writes one: length-prefixed strings, then the byte rows.
    static func sendump(streams: Int, densities: Int, senones: Int, shift: Int, bytes: (Int, Int, Int) -> UInt8) -> Data {
        var data = Data()
        func integer(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func string(_ text: String) { integer(text.utf8.count + 1); data.append(Data(text.utf8)); data.append(0) }
        string("title")
        string("feature_count \(streams)")
        string("mixw_shift \(shift)")
        integer(0)
        integer(densities)
        integer(senones)
        for stream in 0..<streams {
            for density in 0..<densities {
                for senone in 0..<senones { data.append(bytes(stream, density, senone)) }
            }
        }
        return data
    }

    @Test func eachByteBecomesTheWeightItEncodes() throws {
        let data = Self.sendump(streams: 2, densities: 3, senones: 4, shift: 10) { stream, density, senone in
            UInt8(stream * 12 + density * 4 + senone)
        }
        let mixture = try SenoneMixtureWeights(sendump: data)
        #expect((mixture.senones, mixture.streams, mixture.densities) == (4, 2, 3))
        for senone in 0..<4 {
            for stream in 0..<2 {
                for density in 0..<3 {
                    let byte = stream * 12 + density * 4 + senone
                    let expected = Float(pow(1.0001, -Double(byte << 10)))
                    #expect(mixture.weights[(senone * 2 + stream) * 3 + density] == expected)
                }
            }
        }
    }

    @Test func theSphinxTrainFileHasAnAlignedHeaderAndTheShape() throws {
        let mixture = try SenoneMixtureWeights(sendump: Self.sendump(streams: 1, densities: 2, senones: 3, shift: 10) { _, _, _ in 0 })
        let file = [UInt8](mixture.sphinxTrainFile)
        let marker = Array("endhdr\n".utf8)
        let end = try #require((0...file.count - marker.count).first { Array(file[$0..<$0 + marker.count]) == marker })
        let dataStart = end + marker.count
        #expect(String(decoding: file.prefix(3), as: UTF8.self) == "s3\n")
        #expect(dataStart % 4 == 0)
        func word(_ at: Int) -> UInt32 { UInt32(file[at]) | UInt32(file[at + 1]) << 8 | UInt32(file[at + 2]) << 16 | UInt32(file[at + 3]) << 24 }
        #expect(word(dataStart) == 0x1122_3344)
        #expect([word(dataStart + 4), word(dataStart + 8), word(dataStart + 12), word(dataStart + 16)] == [3, 1, 2, 6])
        #expect(file.count == dataStart + 20 + 6 * 4)
        #expect(Float(bitPattern: word(dataStart + 20)) == 1)
    }

    @Test func debiansModelReadsAsNearlyNormalisedWeights() throws {
        let path = PocketSphinxDecoder.Configuration.debianModel + "/sendump"
        let mixture = try SenoneMixtureWeights(sendump: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect((mixture.senones, mixture.streams, mixture.densities) == (5126, 3, 128))
        // Quantisation rounds every weight down a little; each senone's mixture still sums to nearly one.
        for row in stride(from: 0, to: mixture.weights.count, by: mixture.densities) {
            let sum = mixture.weights[row..<row + mixture.densities].reduce(0, +)
            #expect(sum > 0.85 && sum < 1.0001, "row \(row / mixture.densities) sums to \(sum)")
            if !(sum > 0.85 && sum < 1.0001) { break }
        }
    }

    @Test func aCutShortDumpIsAClearError() throws {
        let data = Self.sendump(streams: 1, densities: 2, senones: 3, shift: 10) { _, _, _ in 1 }
        #expect(throws: VoiceError.adaptationFailed("sendump ends early")) { try SenoneMixtureWeights(sendump: data.prefix(data.count - 2)) }
    }
}
