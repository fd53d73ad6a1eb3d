import Foundation
import IntakeTestSupport
import Synchronization
import Testing
@testable import IntakeVoice

/// The recogniser's language model and dictionary, written once into a cache shared by every
/// start: several starts at once in one process (a server's workers, parallel tests) must not
/// trip over each other's files.
@Suite struct DomainRecognizerFilesTests {
    @Test func writersOfTheSameCacheFileAtOnceInOneProcessAllSucceed() throws {
        let cache = try makeTemporaryDirectory(prefix: "intake-recognizer-files")
        defer { try? FileManager.default.removeItem(at: cache) }
        let file = cache.appendingPathComponent("intake-0123456789abcdef.arpa")
        let text = String(repeating: "-1.2 word -0.3\n", count: 2_000)
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 {
                do { try DomainRecognizerFiles.install(text, at: file) } catch { failures.withLock { $0.append("\(error)") } }
            }
        }
        let failed = failures.withLock { $0 }
        #expect(failed.count == 0, "first failure: \(failed.first ?? "")")
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path) == [file.lastPathComponent])
    }

    @Test func aCacheFileThatCannotBeWrittenIsARecognizerErrorWithTheSystemsReasonAndLeavesNoTemporaryFile() throws {
        let cache = try makeTemporaryDirectory(prefix: "intake-recognizer-files")
        defer { try? FileManager.default.removeItem(at: cache) }
        // A write that fails: the folder is gone (a full disk fails the same write with ENOSPC).
        #expect {
            try DomainRecognizerFiles.install("-1.2 word\n", at: cache.appendingPathComponent("gone/intake-0123456789abcdef.arpa"))
        } throws: { error in
            guard case let .recognizerUnavailable(reason) = error as? VoiceError else { return false }
            return reason.contains("No such file or directory") && reason.contains("cache:")
        }
        // A rename that fails: a folder stands where the file goes.
        let blocked = cache.appendingPathComponent("intake-0123456789abcdef.arpa")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: VoiceError.self) { try DomainRecognizerFiles.install("-1.2 word\n", at: blocked) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path) == [blocked.lastPathComponent], "no temporary file left")
    }

    @Test func writingANewSetRemovesOtherSetsUnusedForTheLifetimeAndLoadingASetMarksItUsed() throws {
        let cache = try makeTemporaryDirectory(prefix: "intake-recognizer-files")
        defer { try? FileManager.default.removeItem(at: cache) }
        let manager = FileManager.default
        func write(_ key: String, extensions: [String], daysAgo: Double) throws {
            for suffix in extensions {
                let file = cache.appendingPathComponent("intake-\(key).\(suffix)")
                try Data("x".utf8).write(to: file)
                try manager.setAttributes([.modificationDate: Date().addingTimeInterval(-daysAgo * 86_400)], ofItemAtPath: file.path)
            }
        }
        try write("00000000000000aa", extensions: ["arpa", "dict", "guessed", "arpa.tmp-1"], daysAgo: 40)
        try write("00000000000000bb", extensions: ["arpa", "dict", "guessed"], daysAgo: 2)
        try write("00000000000000cc", extensions: ["arpa", "dict"], daysAgo: 40)
        try write("00000000000000cc", extensions: ["guessed"], daysAgo: 1)
        try Data("mine".utf8).write(to: cache.appendingPathComponent("notes.txt"))

        let vocabulary = SpeechVocabulary(master: VoiceRecognitionTests.master)
        let dictionary = URL(fileURLWithPath: PocketSphinxDecoder.Configuration.debianDictionary)
        let files = try DomainRecognizerFiles.prepare(vocabulary: vocabulary, baseDictionary: dictionary, additions: [], cache: cache)
        let names = Set(try manager.contentsOfDirectory(atPath: cache.path))
        #expect(!names.contains { $0.hasPrefix("intake-00000000000000aa") }, "\(names.sorted())")
        #expect(names.isSuperset(of: ["intake-00000000000000bb.arpa", "intake-00000000000000cc.arpa", "notes.txt"]), "\(names.sorted())")
        #expect(names.contains(files.languageModel.lastPathComponent))

        // A set loaded again counts as used from now on.
        let report = files.languageModel.deletingPathExtension().appendingPathExtension("guessed")
        let longAgo = Date().addingTimeInterval(-40 * 86_400)
        for file in [files.languageModel, files.dictionary, report] {
            try manager.setAttributes([.modificationDate: longAgo], ofItemAtPath: file.path)
        }
        _ = try DomainRecognizerFiles.prepare(vocabulary: vocabulary, baseDictionary: dictionary, additions: [], cache: cache)
        let used = try #require(try manager.attributesOfItem(atPath: report.path)[.modificationDate] as? Date)
        #expect(used > Date().addingTimeInterval(-3_600))
    }
}
