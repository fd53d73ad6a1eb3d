import Foundation
import Synchronization
import Testing
@testable import IntakeVoice

/// The recogniser's language model and dictionary, written once into a cache shared by every
/// start: several starts at once in one process (a server's workers, parallel tests) must not
/// trip over each other's files.
@Suite struct DomainRecognizerFilesTests {
    @Test func writersOfTheSameCacheFileAtOnceInOneProcessAllSucceed() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("intake-recognizer-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
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
}
