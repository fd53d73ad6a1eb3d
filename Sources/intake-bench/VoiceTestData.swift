import Dispatch
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVoice

// MARK: - pocketsphinx-testdata

/// Word error rate of the bare decoder on Debian's pocketsphinx-testdata: `cards` with its JSGF
/// grammar, `librivox` with the general en-us model (PocketSphinx's own weight 6.5 and
/// insertion penalty 0.65). Upstream's expected hypotheses (`cards.hyp`, `test-lm.match`) are
/// scored against the same references for comparison.
struct VoiceTestData {
    struct Result {
        let name: String
        let search: String
        let files: Int
        let words: Int
        let errors: Int
        let seconds: Double
        let audioSeconds: Double
        let referenceWER: Double?
        let mistakes: [String]
        var wer: Double { Double(errors) / Double(max(words, 1)) }
    }

    let folder: URL

    func run() throws -> [Result] {
        var results: [Result] = []
        let cards = folder.appendingPathComponent("cards")
        if FileManager.default.fileExists(atPath: cards.appendingPathComponent("cards.gram").path) {
            let configuration = PocketSphinxDecoder.Configuration(
                dictionary: PocketSphinxDecoder.Configuration.debianDictionary, grammar: cards.appendingPathComponent("cards.gram").path)
            results.append(try score(
                name: "cards", search: "JSGF cards.gram, CMU dictionary", configuration: configuration, folder: cards,
                transcription: "cards.transcription", hypotheses: "cards.hyp"))
        }
        let librivox = folder.appendingPathComponent("librivox")
        if FileManager.default.fileExists(atPath: librivox.appendingPathComponent("transcription").path) {
            var configuration = PocketSphinxDecoder.Configuration(
                dictionary: PocketSphinxDecoder.Configuration.debianDictionary,
                languageModel: PocketSphinxDecoder.Configuration.debianLanguageModel)
            configuration.languageWeight = 6.5
            configuration.insertionPenalty = 0.65
            results.append(try score(
                name: "librivox", search: "en-us.lm.bin, lw 6.5, wip 0.65", configuration: configuration, folder: librivox,
                transcription: "transcription", hypotheses: "test-lm.match"))
        }
        return results
    }

    /// `<s> words </s> (id)` lines, or `words (id score)` lines: id → words.
    static func parse(_ text: String) -> [(id: String, words: [String])] {
        text.split(separator: "\n").compactMap { line in
            guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { return nil }
            let id = line[line.index(after: open)..<close].split(separator: " ").first.map(String.init) ?? ""
            let words = line[..<open].lowercased().split(separator: " ").map(String.init).filter { $0 != "<s>" && $0 != "</s>" }
            return (id, words)
        }
    }

    private func score(
        name: String, search: String, configuration: PocketSphinxDecoder.Configuration, folder: URL, transcription: String, hypotheses: String
    ) throws -> Result {
        let references = Self.parse(try String(contentsOf: folder.appendingPathComponent(transcription), encoding: .utf8))
        let decoder = try PocketSphinxDecoder(configuration)
        var words = 0, errors = 0, seconds = 0.0, audioSeconds = 0.0
        var mistakes: [String] = []
        for reference in references {
            let audio = try WAVDecoder.decode(Data(contentsOf: folder.appendingPathComponent("\(reference.id).wav")))
            let start = DispatchTime.now()
            let heard = decoder.decode(audio.samples[...]).words.map { $0.text.lowercased() }
            seconds += elapsedSeconds(since: start)
            audioSeconds += audio.duration
            let distance = Self.editDistance(reference.words, heard)
            words += reference.words.count
            errors += distance
            if distance > 0 { mistakes.append("\(reference.id): said \"\(reference.words.joined(separator: " "))\", heard \"\(heard.joined(separator: " "))\"") }
        }
        var referenceWER: Double? = nil
        if let text = try? String(contentsOf: folder.appendingPathComponent(hypotheses), encoding: .utf8) {
            let expected = Dictionary(Self.parse(text).map { ($0.id, $0.words) }, uniquingKeysWith: { first, _ in first })
            let distance = references.reduce(0) { $0 + Self.editDistance($1.words, expected[$1.id] ?? []) }
            referenceWER = Double(distance) / Double(max(words, 1))
        }
        return Result(
            name: name, search: search, files: references.count, words: words, errors: errors, seconds: seconds,
            audioSeconds: audioSeconds, referenceWER: referenceWER, mistakes: mistakes)
    }

    /// Word-level Levenshtein distance (substitutions, insertions, deletions).
    static func editDistance(_ a: [String], _ b: [String]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
