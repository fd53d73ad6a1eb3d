import Foundation
import IntakeCore

/// The language model and pronunciation dictionary PocketSphinx loads for a vocabulary, written once
/// (the report last, so its presence means all three are whole) into a cache directory under a hash of their inputs: a restart with the same master data
/// skips reading the 130,000-word CMU dictionary.
///
/// Every change of the master data makes a new set (3.4 MB for the demo catalog). A set is
/// marked used whenever it is loaded, and writing a new one removes the sets of other keys
/// unused for `unusedLifetime`, so the cache does not grow by a set per change for ever.
public struct DomainRecognizerFiles: Sendable, Equatable {
    /// How long a set of another key may go unused before a new set's writing removes it.
    public static let unusedLifetime: TimeInterval = 30 * 24 * 3_600

    public let languageModel: URL
    public let dictionary: URL
    /// Words whose pronunciation was guessed rather than looked up, by how (`letter_to_sound`, …).
    public let guessed: [String: String]

    /// `baseDictionary`: the CMU dictionary; `additions`: local pronunciations that win over it.
    public static func prepare(
        vocabulary: SpeechVocabulary, baseDictionary: URL, additions: [URL], cache: URL
    ) throws -> DomainRecognizerFiles {
        // Keyed by what the model is trained on, so a start with a warm cache skips the training
        // (about a second, every `intake` run) and only hashes the corpus.
        let corpus = DomainLanguageModel.corpus(vocabulary)
        var keyMaterial = DomainLanguageModel.formatVersion + "\n" + corpus.map { $0.joined(separator: " ") }.joined(separator: "\n")
        keyMaterial += "\n" + baseDictionary.path
        for file in additions { keyMaterial += (try? String(contentsOf: file, encoding: .utf8)) ?? file.path }
        let key = String(ContentHash.sha256(Data(keyMaterial.utf8)).prefix(16))
        let languageModel = cache.appendingPathComponent("intake-\(key).arpa")
        let dictionary = cache.appendingPathComponent("intake-\(key).dict")
        let report = cache.appendingPathComponent("intake-\(key).guessed")
        let manager = FileManager.default
        if manager.fileExists(atPath: languageModel.path), manager.fileExists(atPath: dictionary.path),
           let guessedText = try? String(contentsOf: report, encoding: .utf8) {
            // Its modification time is the set's last use (see `prune`).
            try? manager.setAttributes([.modificationDate: Date()], ofItemAtPath: report.path)
            return DomainRecognizerFiles(languageModel: languageModel, dictionary: dictionary, guessed: Self.parseGuessed(guessedText))
        }

        let pronunciations = try PronunciationDictionary(files: [baseDictionary], additions: additions)
        let heard = vocabulary.withoutHomophones(pronunciations)
        let model = DomainLanguageModel.arpa(heard == vocabulary ? corpus : DomainLanguageModel.corpus(heard))
        var lines: [String] = []
        var guessed: [String: String] = [:]
        for word in heard.allWords {
            let (phones, source) = pronunciations.pronunciations(of: word)
            if source != .dictionary && source != .additions { guessed[word] = source.rawValue }
            for (index, pronunciation) in phones.enumerated() {
                lines.append((index == 0 ? word : "\(word)(\(index + 1))") + " " + pronunciation)
            }
        }
        try manager.createDirectory(at: cache, withIntermediateDirectories: true)
        for (url, text) in [
            (dictionary, lines.joined(separator: "\n") + "\n"), (languageModel, model),
            (report, guessed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n")),
        ] {
            try install(text, at: url)
        }
        prune(cache, keeping: key, unusedSince: Date().addingTimeInterval(-unusedLifetime))
        return DomainRecognizerFiles(languageModel: languageModel, dictionary: dictionary, guessed: guessed)
    }

    /// Writes `text` under a temporary name and moves it to `url`, so a concurrent start never
    /// reads half a file. The temporary name is this call's own: a name by process id alone made
    /// two starts in one process (parallel tests, a server's pipelines) move one file twice, and
    /// the second failed.
    static func install(_ text: String, at url: URL) throws {
        let temporary = url.appendingPathExtension("tmp-\(UUID().uuidString)")
        var reason: String?
        do {
            try Data(text.utf8).write(to: temporary)
            if rename(temporary.path, url.path) != 0 { reason = String(cString: strerror(errno)) }
        } catch {
            reason = error.intakeMessage
        }
        guard let reason else { return }
        try? FileManager.default.removeItem(at: temporary)  // a full disk left it half written
        throw VoiceError.recognizerUnavailable(
            "cannot write \(url.path) (\(reason)); free space there, or point the voice stage's `cache:` at another folder")
    }

    /// Removes the files of every set in `cache` but `key`'s whose newest file is older than
    /// `cutoff` (half-written temporary files of such a set with them). A process still using
    /// such a set has loaded it long ago: PocketSphinx reads the files when a decoder starts.
    static func prune(_ cache: URL, keeping key: String, unusedSince cutoff: Date) {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: cache.path) else { return }
        var files: [Substring: [URL]] = [:], lastUse: [Substring: Date] = [:]
        for name in names where name.hasPrefix("intake-") {
            let setKey = name.dropFirst("intake-".count).prefix { $0 != "." }
            guard setKey.count == key.count, setKey != key else { continue }
            let file = cache.appendingPathComponent(name)
            let modified = (try? manager.attributesOfItem(atPath: file.path)[.modificationDate] as? Date) ?? .distantPast
            files[setKey, default: []].append(file)
            lastUse[setKey] = max(lastUse[setKey] ?? .distantPast, modified)
        }
        for (setKey, used) in lastUse where used < cutoff {
            for file in files[setKey] ?? [] { try? manager.removeItem(at: file) }
        }
    }

    private static func parseGuessed(_ text: String) -> [String: String] {
        var guessed: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { guessed[String(parts[0])] = String(parts[1]) }
        }
        return guessed
    }
}
