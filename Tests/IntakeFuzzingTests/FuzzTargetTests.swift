import Foundation
import Testing
@testable import IntakeFuzzing

/// The fuzz targets in every `swift test`: each seed, each past finding (a crash libFuzzer found
/// becomes a file in Fuzz/Findings/<target>/ and runs here for good) and seeded mutations of
/// the seeds. A trap ends the test process, so reaching the expectations is the check.
@Suite("Fuzz targets: seeds, past findings and mutations run without trapping")
struct FuzzTargetTests {
    @Test("Every seed and past finding runs through its target", arguments: FuzzTarget.allCases)
    func seedsAndFindings(_ target: FuzzTarget) throws {
        let files = target.seedFiles()
        #expect(files.count >= 3, "\(target) has seeds in \(target.seedFolders)")
        for file in files {
            target.run(try Data(contentsOf: file))
        }
    }

    @Test("400 seeded mutations of the seeds run through each target", arguments: FuzzTarget.allCases)
    func mutations(_ target: FuzzTarget) throws {
        let seeds = try target.seedFiles().map { try Data(contentsOf: $0) }
        var mutator = ByteMutator(seed: 0x1A7A_6E00 + UInt64(target.rawValue.utf8.count))
        var lengths = Set<Int>()
        for round in 0..<400 {
            let mutant = mutator.mutate(seeds[round % seeds.count], maxLength: 1 << 14)
            lengths.insert(mutant.count)
            target.run(mutant)
        }
        #expect(lengths.count > 50, "mutations vary the input, not just replay it")
    }

    @Test("The mutator is deterministic: the same seed gives the same mutants")
    func mutatorIsDeterministic() {
        var a = ByteMutator(seed: 7), b = ByteMutator(seed: 7)
        let seed = Data("RIFF....WAVEfmt data".utf8)
        let first = (0..<20).map { _ in a.mutate(seed) }
        #expect(first == (0..<20).map { _ in b.mutate(seed) })
        #expect(Set(first).count > 10)
    }
}
