import ArgumentParser
import Dispatch
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeVoice

/// Voice reports: order accuracy on synthesised speech (flite slt and rms, espeak-ng; clean,
/// with pink noise at 20 and 10 dB SNR, at ±10 % tempo), and speed from file to order against
/// the bare PocketSphinx decoder.
struct VoiceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice",
        abstract: "Speak generated orders with flite and espeak-ng, clean, noisy and faster/slower; report exact orders, decode speed and latency.",
        discussion: """
            Sentences are generated from the material master and the graph's modifiers with a \
            fixed seed ("store twelve, three iced americanos with oat milk, and two butter \
            croissants"); each has its expected order (every line's SKU, quantity and modifier \
            ids). A sentence is kept only if its own words, written back as the recogniser would \
            hand them over, already align to that order, so errors counted here are the speech \
            path's. Phrases with words whose pronunciation the recogniser only guesses ("wti") \
            are left out. Each sentence is rendered in every condition: flite slt and rms clean, \
            pink (or --noise white) noise at 20 and 10 dB SNR against the active speech level, \
            mixed in Swift; sox tempo 1.1 (slt) and 0.9 (rms); and espeak-ng (en-us) clean, \
            reported apart.

            Recordings are cached in --corpus and reused; delete the folder to render them again.
            Speed: the bare decoder on each whole file (the "raw" time) against intake's path \
            (read → WAV decode → segment → decode → order text → align) on one core, its RTF \
            and p50/p99 per-file latency, then the same files on --jobs workers. Needs flite, \
            espeak-ng and sox on PATH. With pocketsphinx-testdata installed, the bare decoder's \
            word error rate on its cards (JSGF grammar) and librivox (general en-us model) files \
            is reported too.

            Examples:
              swift run -c release intake-bench voice
              swift run -c release intake-bench voice --sentences 20 --show-errors 30
              swift run -c release intake-bench voice --noise white --accuracy-only
              .build/release/intake-bench voice --json
            """)

    @Option(help: "Sentences to generate; each is rendered in every condition (9).") var sentences = 36
    @Option(help: "Random seed (same seed, same sentences).") var seed: UInt64 = 2026
    @Option(help: ArgumentHelp("Folder for the rendered recordings (kept between runs).", valueName: "dir"))
    var corpus = "intake-data/voice-corpus"
    @Option(help: ArgumentHelp("Pipeline file whose voice route (voice.recognize and align options) is measured.", valueName: "yaml"))
    var pipeline = "pipelines/default.yaml"
    @Option(help: "Material master CSV.") var materials = "samples/master/materials.csv"
    @Option(help: "Device registry CSV.") var devices = "samples/master/devices.csv"
    @Option(help: "Intent graph YAML.") var graph = "models/intent-graph.yaml"
    @Option(help: "Workers for the parallel pass (compared with one).") var jobs = 2
    @Option(help: ArgumentHelp("Noise mixed into the noisy conditions: pink or white.", valueName: "color")) var noise = "pink"
    @Option(help: "Print this many misheard recordings (most wrong lines first).") var showErrors = 10
    @Option(help: ArgumentHelp("Debian's pocketsphinx-testdata folder; empty to skip.", valueName: "dir"))
    var testdata = "/usr/share/pocketsphinx/test/data"
    @Flag(help: "Skip the speed passes (bare decoder, parallel workers).") var accuracyOnly = false
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard sentences >= 1 else { throw ValidationError("--sentences must be at least 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard ["pink", "white"].contains(noise) else { throw ValidationError("--noise is pink or white") }
    }

    func run() throws {
        let master = try MasterData.load(
            materials: URL(fileURLWithPath: materials), devices: URL(fileURLWithPath: devices), graph: URL(fileURLWithPath: graph))
        let configuration = try PipelineConfiguration.load(URL(fileURLWithPath: pipeline))
        let voiceStages = configuration.routes.first { $0.modality == .voice }?.stages ?? []
        let stage = try RecognizeStage(
            master: master, options: voiceStages.first { $0.uses == "voice.recognize" }?.options ?? ConfigNode.empty(file: "bench"))
        let aligner = try AlignStage(master: master, options: voiceStages.first { $0.uses == "align" }?.options ?? ConfigNode.empty(file: "bench")).aligner
        let log: (String) -> Void = { message in
            if !json { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
        }

        // The corpus: sentences, checked against the text path, rendered in every condition.
        var generator = VoiceSentenceGenerator(
            master: master, aligner: aligner, vocabulary: stage.vocabulary, guessed: Set(stage.files.guessed.keys), seed: seed)
        let utterances = generator.sentences(sentences)
        let folder = URL(fileURLWithPath: corpus)
        let started = DispatchTime.now()
        let rendered = try VoiceCorpusRenderer(folder: folder, whiteNoise: noise == "white").render(utterances, conditions: VoiceCondition.all)
        log(String(format: "voice corpus: %d recordings in %@ (%d rendered now, %.1f s)", rendered.recordings.count, folder.path,
                   rendered.newFiles, Self.seconds(since: started)))
        try Self.writeManifest(utterances, to: folder.appendingPathComponent("sentences.tsv"))
        let recordings = rendered.recordings

        // Everything read once: the raw pass needs samples, and the page cache is then warm for all passes.
        var audio: [SpeechAudio] = []
        for recording in recordings { audio.append(try WAVDecoder.decode(Data(contentsOf: recording.file))) }
        let audioSeconds = audio.reduce(0) { $0 + $1.duration }

        let loadBefore = Self.loadAverage()

        // Warm up: each worker's decoder and the bare decoder are built before any timing.
        var bareConfiguration = PocketSphinxDecoder.Configuration(
            dictionary: stage.files.dictionary.path, languageModel: stage.files.languageModel.path)
        bareConfiguration.languageWeight = stage.configuration.languageWeight
        bareConfiguration.insertionPenalty = stage.configuration.insertionPenalty
        let bare = try PocketSphinxDecoder(bareConfiguration)
        for worker in 0..<max(jobs, 1) { _ = try stage.transcribe(audio[0], worker: worker) }
        _ = bare.decode(audio[0].samples[...])

        // Raw: the bare decoder on each whole file (samples already in memory).
        var raw: [(seconds: Double, text: String)] = []
        if !accuracyOnly {
            log("raw pass: bare decoder on \(recordings.count) files…")
            for item in audio {
                let start = DispatchTime.now()
                let words = bare.decode(item.samples[...]).words.map(\.text)
                raw.append((Self.seconds(since: start), words.joined(separator: " ")))
            }
        }

        // Intake's path on one worker: accuracy, latency, RTF.
        log("pipeline pass, 1 worker…")
        let path = VoicePath(stage: stage, aligner: aligner)
        let oneStarted = DispatchTime.now()
        var outcomes: [VoicePath.Outcome] = []
        for recording in recordings { outcomes.append(try path.run(recording.file, worker: 0)) }
        let oneWall = Self.seconds(since: oneStarted)

        // The same files on `jobs` workers, each with its own decoder.
        var parallelWall = 0.0
        var sameResults = 0
        if !accuracyOnly && jobs > 1 {
            log("pipeline pass, \(jobs) workers…")
            let results = LockedResults<VoicePath.Outcome>(count: recordings.count)
            let next = LockedCounter()
            let parallelStarted = DispatchTime.now()
            DispatchQueue.concurrentPerform(iterations: jobs) { worker in
                while let index = next.take(below: recordings.count) {
                    do { results.set(index, try path.run(recordings[index].file, worker: worker)) } catch { results.fail(error) }
                }
            }
            parallelWall = Self.seconds(since: parallelStarted)
            if let error = results.error { throw error }
            sameResults = zip(results.values, outcomes).filter { $0?.heard == $1.heard && $0?.lines == $1.lines }.count
        }

        let loadAfter = Self.loadAverage()

        // Scoring per condition.
        var tallies: [String: VoiceTally] = [:]
        var rawTallies: [String: VoiceTally] = [:]
        var patterns: [String: [String: Int]] = [:]
        var errors: [(wrong: Int, text: String)] = []
        for (index, recording) in recordings.enumerated() {
            let utterance = utterances[recording.sentence]
            let score = VoiceScore(expected: utterance.expected, got: outcomes[index].lines)
            tallies[recording.condition.name, default: VoiceTally()].add(score)
            for pattern in score.patterns { patterns[recording.condition.group, default: [:]][pattern, default: 0] += 1 }
            if !score.exact {
                let got = outcomes[index].lines.map(\.description).joined(separator: ", ")
                errors.append((score.expectedLines - score.exactLines + score.extraLines, """
                    \(recording.condition.name) \(recording.file.lastPathComponent): \(score.patterns.joined(separator: ", "))
                          said:  \(utterance.words.joined(separator: " "))
                          heard: \(outcomes[index].heard.isEmpty ? "(nothing)" : outcomes[index].heard)
                          want [\(utterance.expected.map(\.description).joined(separator: ", "))] got [\(got)]
                    """))
            }
            if !raw.isEmpty {
                // The bare decoder's words, written back and aligned the same way (no segmenter).
                let text = VoiceSentenceGenerator.writtenBack(raw[index].text.split(separator: " ").map(String.init), stage.vocabulary.rewrites)
                let lines = aligner.align(OrderText(text: text)).intent.lines.map(VoiceLine.init)
                rawTallies[recording.condition.name, default: VoiceTally()].add(VoiceScore(expected: utterance.expected, got: lines))
            }
        }
        var groups: [String: VoiceTally] = [:]
        var rawGroups: [String: VoiceTally] = [:]
        for condition in VoiceCondition.all {
            groups[condition.group, default: VoiceTally()].merge(tallies[condition.name] ?? VoiceTally())
            rawGroups[condition.group, default: VoiceTally()].merge(rawTallies[condition.name] ?? VoiceTally())
        }
        errors.sort { $0.wrong > $1.wrong }

        // Speed figures.
        let latencies = outcomes.map(\.seconds).sorted()
        let pipelineSeconds = latencies.reduce(0, +)
        let rawSeconds = raw.map(\.seconds).reduce(0, +)
        let recognizeSeconds = outcomes.map(\.recognizeSeconds).reduce(0, +)
        func percentile(_ values: [Double], _ p: Double) -> Double {
            values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))]
        }

        // Debian's pocketsphinx test data, bare decoder.
        var testResults: [VoiceTestData.Result] = []
        if !testdata.isEmpty, FileManager.default.fileExists(atPath: testdata) {
            log("pocketsphinx test data…")
            testResults = try VoiceTestData(folder: URL(fileURLWithPath: testdata)).run()
        }

        let groupNames = VoiceCondition.all.map(\.group).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if json {
            func tallyObject(_ tally: VoiceTally) -> [String: Any] {
                ["recordings": tally.orders, "exact_orders": tally.exactOrders, "order_accuracy": tally.orderAccuracy,
                 "lines": tally.lines, "exact_lines": tally.exactLines, "line_accuracy": tally.lineAccuracy, "extra_lines": tally.extraLines]
            }
            var figures: [String: Any] = [
                "sentences": utterances.count, "recordings": recordings.count, "seed": seed,
                "rejected_sentences": generator.rejected, "audio_seconds": audioSeconds,
                "conditions": Dictionary(uniqueKeysWithValues: VoiceCondition.all.map { ($0.name, tallyObject(tallies[$0.name] ?? VoiceTally())) }),
                "groups": Dictionary(uniqueKeysWithValues: groupNames.map { ($0, tallyObject(groups[$0] ?? VoiceTally())) }),
                "error_patterns": patterns,
                "pipeline_seconds": pipelineSeconds, "pipeline_recognize_seconds": recognizeSeconds, "pipeline_rtf": pipelineSeconds / audioSeconds,
                "latency_p50_ms": percentile(latencies, 0.5) * 1000, "latency_p99_ms": percentile(latencies, 0.99) * 1000,
                "jobs1_wall_seconds": oneWall, "cores": ProcessInfo.processInfo.activeProcessorCount,
                "load_average_before": loadBefore, "load_average_after": loadAfter,
                "pocketsphinx_testdata": Dictionary(uniqueKeysWithValues: testResults.map {
                    ($0.name, ["files": $0.files, "words": $0.words, "errors": $0.errors, "wer": $0.wer, "reference_wer": $0.referenceWER as Any,
                               "seconds": $0.seconds, "audio_seconds": $0.audioSeconds] as [String: Any])
                }),
            ]
            if !accuracyOnly {
                figures["raw_seconds"] = rawSeconds
                figures["raw_rtf"] = rawSeconds / audioSeconds
                figures["pipeline_over_raw"] = pipelineSeconds / rawSeconds
                figures["raw_groups"] = Dictionary(uniqueKeysWithValues: groupNames.map { ($0, tallyObject(rawGroups[$0] ?? VoiceTally())) })
                if jobs > 1 {
                    figures["jobs"] = jobs
                    figures["jobs_wall_seconds"] = parallelWall
                    figures["jobs_speedup"] = oneWall / parallelWall
                    figures["jobs_same_results"] = sameResults
                }
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
            return
        }

        print(String(format: "voice orders: %d sentences × %d conditions = %d recordings, %.1f s of audio (mean %.2f s), seed %llu",
                     utterances.count, VoiceCondition.all.count, recordings.count, audioSeconds, audioSeconds / Double(max(recordings.count, 1)), seed))
        print("  \(generator.generated) sentences generated, \(generator.rejected) dropped because their own words do not align exactly (text path, not speech)")
        print("  exact order = every line's SKU, quantity and modifiers, and no extra line")
        print("    condition              orders exact          lines exact     extra lines")
        for condition in VoiceCondition.all {
            print("    " + Self.row(condition.name, tallies[condition.name] ?? VoiceTally()))
        }
        print("  by group (targets: flite clean ≥ 99%, flite 10 dB ≥ 95%; espeak-ng reported apart):")
        for group in groupNames { print("    " + Self.row(group, groups[group] ?? VoiceTally())) }
        if !patterns.isEmpty {
            print("  error patterns (per wrong expected line or extra line):")
            for group in groupNames {
                guard let counts = patterns[group] else { continue }
                print("    \(group.padding(toLength: 22, withPad: " ", startingAt: 0)) "
                      + counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if !accuracyOnly {
            print(String(format: "  speed, one worker, %d files, %.1f s of audio (%d cores; load average %@ before, %@ after):",
                         recordings.count, audioSeconds, cores, loadBefore, loadAfter))
            print(String(format: "    raw decode (bare PocketSphinx, whole file, same model): %.2f s, RTF %.4f", rawSeconds, rawSeconds / audioSeconds))
            print(String(format: "    intake path (read, WAV, segment, decode, order text, align): %.2f s, RTF %.4f; %.3f× raw (target ≤ 1.10×)",
                         pipelineSeconds, pipelineSeconds / audioSeconds, pipelineSeconds / rawSeconds))
            print(String(format: "      of which recognition (segmenter + decoder): %.2f s", recognizeSeconds))
            print(String(format: "    file → order latency: p50 %.1f ms, p99 %.1f ms", percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000))
            if jobs > 1 {
                print(String(format: "    --jobs 1: %.2f s wall, %.2f files/s; --jobs %d: %.2f s wall, %.2f files/s; speed-up %.2f× (same results %d/%d)",
                             oneWall, Double(recordings.count) / oneWall, jobs, parallelWall, Double(recordings.count) / parallelWall,
                             oneWall / parallelWall, sameResults, recordings.count))
            }
            print("  bare decoder on whole files, aligned the same way (no segmenter), for comparison:")
            for group in groupNames { print("    " + Self.row(group, rawGroups[group] ?? VoiceTally())) }
        } else {
            print(String(format: "  intake path, one worker: %.2f s for %.1f s of audio, RTF %.4f; latency p50 %.1f ms, p99 %.1f ms",
                         pipelineSeconds, audioSeconds, pipelineSeconds / audioSeconds, percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000))
        }
        for result in testResults {
            let reference = result.referenceWER.map { String(format: "; upstream's expected hypotheses: %.1f%%", $0 * 100) } ?? ""
            print(String(format: "  pocketsphinx-testdata %@ (%@): WER %.1f%% (%d errors / %d words, %d files, %.1f s audio, decoded in %.2f s)%@",
                         result.name, result.search, result.wer * 100, result.errors, result.words, result.files, result.audioSeconds, result.seconds, reference))
            for line in result.mistakes.prefix(showErrors > 0 ? 3 : 0) { print("      \(line)") }
        }
        if !errors.isEmpty && showErrors > 0 {
            print("  misheard (\(errors.count) recordings, \(min(showErrors, errors.count)) shown, most wrong lines first):")
            for error in errors.prefix(showErrors) { print("    " + error.text) }
        }
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// The 1, 5 and 15 minute load averages (Linux), to judge whether other work shared the cores.
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func row(_ name: String, _ tally: VoiceTally) -> String {
        name.padding(toLength: 22, withPad: " ", startingAt: 0)
            + String(format: " %7.2f%% (%3d/%3d)   %7.2f%% (%3d/%3d)   %3d", tally.orderAccuracy * 100, tally.exactOrders, tally.orders,
                     tally.lineAccuracy * 100, tally.exactLines, tally.lines, tally.extraLines)
    }

    /// The sentences and their expected orders, for people reading the corpus folder.
    static func writeManifest(_ utterances: [VoiceUtterance], to url: URL) throws {
        var text = "id\tspoken\texpected\n"
        for utterance in utterances {
            text += "\(utterance.id)\t\(utterance.spoken)\t\(utterance.expected.map(\.description).joined(separator: ", "))\n"
        }
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}

// MARK: - Corpus

/// One expected or produced order line: SKU, quantity, modifier ids (sorted).
struct VoiceLine: Hashable, CustomStringConvertible {
    let sku: String
    let quantity: Double
    let modifiers: [String]

    init(sku: String, quantity: Double, modifiers: [String]) {
        self.sku = sku
        self.quantity = quantity
        self.modifiers = modifiers.sorted()
    }

    init(_ line: OrderLine) {
        self.init(sku: line.sku ?? "-", quantity: line.quantity, modifiers: line.modifiers)
    }

    var description: String {
        let count = quantity == quantity.rounded() ? String(Int(quantity)) : String(quantity)
        return "\(count)×\(sku)" + (modifiers.isEmpty ? "" : "+" + modifiers.joined(separator: "+"))
    }
}

struct VoiceUtterance {
    let id: Int
    /// What the synthesiser reads (commas for natural pauses).
    let spoken: String
    /// The same words, as the recogniser should hear them.
    let words: [String]
    let expected: [VoiceLine]
}

/// Generates courier reports from the material master and the graph's line modifiers.
struct VoiceSentenceGenerator {
    /// A way to say a material: its spoken words (singular and, where it makes sense, plural).
    struct Phrase {
        let singular: [String]
        let plural: [String]?
        let isCode: Bool
    }

    var random: SeededRandom
    let aligner: IntentAligner
    let vocabulary: SpeechVocabulary
    let known: Set<String>
    /// Materials by domain (cafe, office, mro), each with the phrases that align to it alone.
    let pools: [String: [(material: Material, phrases: [Phrase])]]
    let modifiers: [(id: String, phrases: [[String]])]
    private(set) var generated = 0
    private(set) var rejected = 0

    /// Modifiers said about one line (message-wide ones such as "urgent" are left out).
    static let lineModifiers = [
        "oat_milk", "soy_milk", "almond_milk", "skim_milk", "extra_shot", "decaf", "extra_hot", "no_sugar", "no_straw",
        "no_lid", "less_ice", "no_ice", "over_ice", "extra_foam", "no_foam", "with_cream", "large", "small", "to_go",
    ]
    static let openers: [[String]] = [
        [], [], ["hi"], ["hello"], ["please", "send"], ["we", "need"], ["can", "we", "get"], ["order", "for", "the", "riverside", "kiosk"],
    ]
    static let closers: [[String]] = [[], [], ["thanks"], ["please"], ["thank", "you"]]

    /// `guessed`: words whose pronunciation the recogniser guessed ("wti", "cafiza"); phrases with
    /// them are left out, since a synthesiser reads such words its own way.
    init(master: MasterData, aligner: IntentAligner, vocabulary: SpeechVocabulary, guessed: Set<String>, seed: UInt64) {
        random = SeededRandom(seed: seed)
        self.aligner = aligner
        self.vocabulary = vocabulary
        known = Set(vocabulary.allWords)
        var pools: [String: [(material: Material, phrases: [Phrase])]] = [:]
        for material in master.materials.materials {
            let domain = String(material.category.prefix { $0 != "." })
            var phrases: [Phrase] = []
            var seen = Set<[String]>()
            for written in material.aliases + [material.name] {
                let plain = written.lowercased().split(whereSeparator: { !($0.isLetter || $0 == "'") }).map(String.init)
                // Catalog names with codes ("Lithium EP2 Grease Cartridge 400g") are not what people
                // say when the material has aliases; of each phrase's spoken variants the usual
                // one comes first and is taken twice as often.
                if written == material.name, !material.aliases.isEmpty, SpokenForms.variants(of: written).first != plain { continue }
                for (rank, variant) in SpokenForms.variants(of: written).enumerated() {
                    let words = variant.filter { word in word.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "'") } && !word.isEmpty }
                    guard !words.isEmpty, seen.insert(words).inserted, words.allSatisfy(known.contains), !words.contains(where: guessed.contains)
                    else { continue }
                    let isCode = words != plain
                    // Only phrases that, said with a quantity, align to this material and nothing else.
                    guard Self.aligns(words, to: material.sku, aligner: aligner, vocabulary: vocabulary) else { continue }
                    var plural: [String]? = nil
                    if !isCode, let last = words.last, last.count >= 3, !last.hasSuffix("s") {  // not "triple as"
                        let candidate = Array(words.dropLast()) + [last + (last.hasSuffix("ch") || last.hasSuffix("sh") || last.hasSuffix("x") ? "es" : "s")]
                        if candidate.allSatisfy(known.contains), !candidate.contains(where: guessed.contains), Self.aligns(candidate, to: material.sku, aligner: aligner, vocabulary: vocabulary) {
                            plural = candidate
                        }
                    }
                    phrases.append(Phrase(singular: words, plural: plural, isCode: isCode))
                    if rank == 0 && isCode { phrases.append(Phrase(singular: words, plural: plural, isCode: isCode)) }
                }
            }
            if !phrases.isEmpty { pools[domain, default: []].append((material, phrases)) }
        }
        self.pools = pools
        let wanted = Set(Self.lineModifiers)
        modifiers = master.graph.modifiers.filter { wanted.contains($0.id) }.compactMap { modifier in
            let phrases = modifier.phrases.map { $0.lowercased().split(separator: " ").map(String.init) }.filter { $0.allSatisfy(Set(vocabulary.allWords).contains) }
            return phrases.isEmpty ? nil : (modifier.id, phrases)
        }
    }

    static func aligns(_ words: [String], to sku: String, aligner: IntentAligner, vocabulary: SpeechVocabulary) -> Bool {
        let lines = aligner.align(OrderText(text: "two " + writtenBack(words, vocabulary.rewrites))).intent.lines
        return lines.count == 1 && lines[0].sku == sku && lines[0].quantity == 2
    }

    /// Spoken words with multi-word spoken forms written back as the catalog writes them, longest
    /// first: what `Transcript.orderText` hands to alignment for a perfect transcript.
    static func writtenBack(_ words: [String], _ rewrites: [[String]: String]) -> String {
        let longest = rewrites.keys.map(\.count).max() ?? 0
        var out: [String] = []
        var i = 0
        while i < words.count {
            var taken = 1
            var written = words[i]
            for length in stride(from: min(longest, words.count - i), through: 1, by: -1) {
                if let form = rewrites[Array(words[i..<i + length])] {
                    taken = length
                    written = form
                    break
                }
            }
            out.append(written)
            i += taken
        }
        return out.joined(separator: " ")
    }

    mutating func sentences(_ count: Int) -> [VoiceUtterance] {
        var kept: [VoiceUtterance] = []
        while kept.count < count && generated < count * 50 {
            generated += 1
            guard let candidate = sentence(id: kept.count) else { rejected += 1; continue }
            let lines = aligner.align(OrderText(text: Self.writtenBack(candidate.words, vocabulary.rewrites))).intent.lines.map(VoiceLine.init)
            if VoiceScore(expected: candidate.expected, got: lines).exact { kept.append(candidate) } else { rejected += 1 }
        }
        return kept
    }

    private mutating func sentence(id: Int) -> VoiceUtterance? {
        let domainRoll = random.uniform()
        let domain = domainRoll < 0.5 ? "cafe" : domainRoll < 0.75 ? "office" : "mro"
        guard let pool = pools[domain], !pool.isEmpty else { return nil }
        var clauses: [[String]] = []
        var expected: [VoiceLine] = []
        var used = Set<String>()
        for _ in 0..<random.int(in: 1...3) {
            var entry = random.pick(pool)
            var tries = 0
            while used.contains(entry.material.sku) && tries < 20 { entry = random.pick(pool); tries += 1 }
            guard used.insert(entry.material.sku).inserted else { continue }
            let codes = entry.phrases.filter(\.isCode)
            let plain = entry.phrases.filter { !$0.isCode }
            let phrase = !codes.isEmpty && (plain.isEmpty || random.chance(0.25)) ? random.pick(codes) : random.pick(plain)
            let quantity = random.chance(0.85) ? random.int(in: 1...20) : random.pick([24, 30, 40, 50])
            var words = SpokenForms.words(quantity)
            if quantity > 1, random.chance(0.15), let unit = Self.spokenUnit(entry.material.unit), known.contains(unit) {
                words += [unit, "of"] + phrase.singular
            } else {
                words += quantity > 1 ? phrase.plural ?? phrase.singular : phrase.singular
            }
            var lineModifiers: [String] = []
            if entry.material.category.hasPrefix("cafe.beverage"), !modifiers.isEmpty, random.chance(0.6) {
                for _ in 0..<(random.chance(0.2) ? 2 : 1) {
                    let modifier = random.pick(modifiers)
                    guard !lineModifiers.contains(modifier.id) else { continue }
                    var said = random.pick(modifier.phrases)
                    if ["oat", "soy", "soya", "almond", "skim", "skimmed", "whipped"].contains(said[0]), random.chance(0.6) { said = ["with"] + said }
                    words += said
                    lineModifiers.append(modifier.id)
                }
            }
            clauses.append(words)
            expected.append(VoiceLine(sku: entry.material.sku, quantity: Double(quantity), modifiers: lineModifiers))
        }
        guard !clauses.isEmpty else { return nil }
        var spoken: [String] = []
        var words: [String] = []
        let opener: [String] = random.chance(0.35) ? ["store"] + SpokenForms.words(random.int(in: 1...40)) : random.pick(Self.openers)
        if !opener.isEmpty { spoken.append(opener.joined(separator: " ")); words += opener }
        for (index, clause) in clauses.enumerated() {
            let joiner: [String] = index == 0 ? [] : random.pick([["and"], ["and"], [], ["plus"], ["and", "also"]])
            spoken.append((joiner + clause).joined(separator: " "))
            words += joiner + clause
        }
        let closer = random.pick(Self.closers)
        if !closer.isEmpty { spoken.append(closer.joined(separator: " ")); words += closer }
        guard words.allSatisfy(known.contains) else { return nil }
        return VoiceUtterance(id: id, spoken: spoken.joined(separator: ", ") + ".", words: words, expected: expected)
    }

    static func spokenUnit(_ unit: String) -> String? {
        switch unit {
        case "box": "boxes"
        case "pack", "bottle", "carton", "bag", "case", "roll", "tube", "can", "drum", "ream", "set", "sheet", "pair": unit + "s"
        default: nil
        }
    }
}

/// A way the corpus is spoken.
struct VoiceCondition: Sendable {
    enum Voice: String, Sendable { case slt, rms, espeak = "espeak-ng" }
    let name: String
    let group: String
    let voice: Voice
    /// Pink noise at this SNR (dB) against the active speech level.
    let snr: Double?
    /// sox `tempo -s` factor.
    let tempo: Double?

    static let all: [VoiceCondition] = [
        .init(name: "slt clean", group: "flite clean", voice: .slt, snr: nil, tempo: nil),
        .init(name: "rms clean", group: "flite clean", voice: .rms, snr: nil, tempo: nil),
        .init(name: "slt 20 dB", group: "flite 20 dB", voice: .slt, snr: 20, tempo: nil),
        .init(name: "rms 20 dB", group: "flite 20 dB", voice: .rms, snr: 20, tempo: nil),
        .init(name: "slt 10 dB", group: "flite 10 dB", voice: .slt, snr: 10, tempo: nil),
        .init(name: "rms 10 dB", group: "flite 10 dB", voice: .rms, snr: 10, tempo: nil),
        .init(name: "slt tempo 1.1", group: "flite tempo ±10%", voice: .slt, snr: nil, tempo: 1.1),
        .init(name: "rms tempo 0.9", group: "flite tempo ±10%", voice: .rms, snr: nil, tempo: 0.9),
        .init(name: "espeak-ng clean", group: "espeak-ng clean", voice: .espeak, snr: nil, tempo: nil),
    ]

    var folder: String {
        var name = voice.rawValue
        if let snr { name += "-snr\(Int(snr))" }
        if let tempo { name += "-tempo\(Int((tempo * 100).rounded()))" }
        return name
    }
}

/// Renders each sentence in each condition (flite, espeak-ng, sox; noise mixed here), reusing
/// files already in the folder.
struct VoiceCorpusRenderer {
    struct Recording: Sendable {
        let sentence: Int
        let condition: VoiceCondition
        let file: URL
    }

    let folder: URL
    let whiteNoise: Bool

    func render(_ utterances: [VoiceUtterance], conditions: [VoiceCondition]) throws -> (recordings: [Recording], newFiles: Int) {
        for condition in conditions {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(folder(condition)), withIntermediateDirectories: true)
        }
        for voice in Set(conditions.map(\.voice.rawValue)) {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(voice), withIntermediateDirectories: true)
        }
        let recordings = utterances.flatMap { utterance in
            conditions.map { Recording(sentence: utterance.id, condition: $0, file: file(utterance, $0)) }
        }
        let missing = recordings.filter { !FileManager.default.fileExists(atPath: $0.file.path) }
        let errors = LockedResults<Bool>(count: missing.count)
        DispatchQueue.concurrentPerform(iterations: missing.count) { index in
            do { try make(missing[index], utterances[missing[index].sentence]) } catch { errors.fail(error) }
        }
        if let error = errors.error { throw error }
        return (recordings, missing.count)
    }

    private func name(_ utterance: VoiceUtterance) -> String {
        String(format: "%03d-", utterance.id) + String(ContentHash.sha256(Data(utterance.spoken.utf8)).prefix(10)) + ".wav"
    }

    private func file(_ utterance: VoiceUtterance, _ condition: VoiceCondition) -> URL {
        folder.appendingPathComponent(folder(condition)).appendingPathComponent(name(utterance))
    }

    private func folder(_ condition: VoiceCondition) -> String {
        condition.folder + (whiteNoise && condition.snr != nil ? "-white" : "")
    }

    /// The clean rendering of a voice (made on demand; shared by the noisy and tempo conditions).
    private func clean(_ utterance: VoiceUtterance, _ voice: VoiceCondition.Voice) throws -> URL {
        let url = folder.appendingPathComponent(voice.rawValue).appendingPathComponent(name(utterance))
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).wav")
        switch voice {
        case .slt, .rms: try Self.run("flite", ["-voice", voice.rawValue, "-t", utterance.spoken, "-o", temporary.path])
        case .espeak: try Self.run("espeak-ng", ["-v", "en-us", "-w", temporary.path, utterance.spoken])
        }
        try Self.move(temporary, to: url)
        return url
    }

    private func make(_ recording: Recording, _ utterance: VoiceUtterance) throws {
        let condition = recording.condition
        let source = try clean(utterance, condition.voice)
        if source.path == recording.file.path { return }
        let temporary = recording.file.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).wav")
        if let tempo = condition.tempo {
            try Self.run("sox", [source.path, temporary.path, "tempo", "-s", String(tempo)])
        } else if let snr = condition.snr {
            let speech = try WAVDecoder.decode(Data(contentsOf: source)).samples
            let noiseSeed = UInt64(utterance.id) &* 1_000_003 &+ UInt64(snr) &* 7919 &+ UInt64(condition.voice.rawValue.count)
            try Self.wav(Self.mix(speech, snr: snr, seed: noiseSeed, white: whiteNoise)).write(to: temporary)
        } else {
            try FileManager.default.copyItem(at: source, to: temporary)
        }
        try Self.move(temporary, to: recording.file)
    }

    private static func move(_ temporary: URL, to url: URL) throws {
        if FileManager.default.fileExists(atPath: url.path) { try? FileManager.default.removeItem(at: temporary); return }
        try FileManager.default.moveItem(at: temporary, to: url)
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardOutput = FileHandle.nullDevice
        let errorPipe = Pipe()
        process.standardError = errorPipe
        do { try process.run() } catch { throw ValidationError("cannot run \(tool): \(error); install it (apt-get install flite espeak-ng sox)") }
        let message = String(decoding: errorPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(tool) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(message)")
        }
    }

    /// Speech plus pink noise (Kellet's filter over seeded Gaussian noise) whose RMS sits `snr` dB
    /// below the active speech level: the mean power of 10 ms frames within 35 dB of the loudest.
    /// The mix is scaled down as a whole if it would clip, which keeps the SNR.
    static func mix(_ speech: [Int16], snr: Double, seed: UInt64, white: Bool = false) -> [Int16] {
        let frame = 160
        var powers: [Double] = []
        var start = 0
        while start + frame <= speech.count {
            var sum = 0.0
            for i in start..<start + frame { sum += Double(speech[i]) * Double(speech[i]) }
            powers.append(sum / Double(frame))
            start += frame
        }
        let loudest = powers.max() ?? 0
        let active = powers.filter { $0 >= loudest * pow(10, -3.5) }
        let speechPower = active.isEmpty ? 0 : active.reduce(0, +) / Double(active.count)
        var random = SeededRandom(seed: seed)
        var b = [Double](repeating: 0, count: 7)
        let isWhite = white
        var noise = [Double](repeating: 0, count: speech.count)
        for i in noise.indices {
            let white = random.gaussian()
            b[0] = 0.99886 * b[0] + white * 0.0555179
            b[1] = 0.99332 * b[1] + white * 0.0750759
            b[2] = 0.96900 * b[2] + white * 0.1538520
            b[3] = 0.86650 * b[3] + white * 0.3104856
            b[4] = 0.55000 * b[4] + white * 0.5329522
            b[5] = -0.7616 * b[5] - white * 0.0168980
            noise[i] = isWhite ? white : b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362
            b[6] = white * 0.115926
        }
        let noisePower = noise.reduce(0) { $0 + $1 * $1 } / Double(max(noise.count, 1))
        let gain = noisePower > 0 ? (speechPower / pow(10, snr / 10) / noisePower).squareRoot() : 0
        var mixed = zip(speech, noise).map { Double($0) + $1 * gain }
        let peak = mixed.map(abs).max() ?? 0
        if peak > 32767 { mixed = mixed.map { $0 * 32767 / peak } }
        return mixed.map { Int16(max(-32768, min(32767, $0.rounded()))) }
    }

    /// 16 kHz mono 16-bit PCM WAV bytes.
    static func wav(_ samples: [Int16]) -> Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let rate = UInt32(SpeechAudio.sampleRate)
        data.append(contentsOf: Array("RIFF".utf8))
        append(UInt32(36 + samples.count * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append(UInt32(16)); append(UInt16(1)); append(UInt16(1)); append(rate); append(rate * 2); append(UInt16(2)); append(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        append(UInt32(samples.count * 2))
        for sample in samples { append(sample) }
        return data
    }
}

// MARK: - Running and scoring

/// Intake's path for one file: bytes → WAV → segmenter and decoder → order text → alignment.
struct VoicePath: Sendable {
    struct Outcome: Sendable {
        let heard: String
        let lines: [VoiceLine]
        /// File to order.
        let seconds: Double
        let recognizeSeconds: Double
    }

    let stage: RecognizeStage
    let aligner: IntentAligner

    func run(_ file: URL, worker: Int) throws -> Outcome {
        let start = DispatchTime.now()
        let audio = try WAVDecoder.decode(Data(contentsOf: file))
        let recognizing = DispatchTime.now()
        let transcript = try stage.transcribe(audio, worker: worker)
        let recognizeSeconds = VoiceBench.seconds(since: recognizing)
        let text = transcript.orderText(rewrites: stage.vocabulary.rewrites, doubtfulShare: stage.settings.doubtfulShare)
        let lines = aligner.align(text).intent.lines.map(VoiceLine.init)
        return Outcome(heard: text.text, lines: lines, seconds: VoiceBench.seconds(since: start), recognizeSeconds: recognizeSeconds)
    }
}

/// Expected against produced lines, with what went wrong.
struct VoiceScore {
    let expectedLines: Int
    let exactLines: Int
    let extraLines: Int
    let patterns: [String]
    var exact: Bool { exactLines == expectedLines && extraLines == 0 }

    init(expected: [VoiceLine], got: [VoiceLine]) {
        var left = got
        var missed: [VoiceLine] = []
        for line in expected {
            if let index = left.firstIndex(of: line) { left.remove(at: index) } else { missed.append(line) }
        }
        var patterns: [String] = []
        for line in missed {
            if let index = left.firstIndex(where: { $0.sku == line.sku }) {
                patterns.append(left[index].quantity != line.quantity ? "wrong quantity" : "wrong modifiers")
                left.remove(at: index)
            } else if let index = left.firstIndex(where: { $0.quantity == line.quantity }) {
                patterns.append("wrong SKU")
                left.remove(at: index)
            } else if let index = left.indices.first {
                patterns.append("wrong SKU and quantity")
                left.remove(at: index)
            } else {
                patterns.append("missing line")
            }
        }
        patterns += left.map { _ in "extra line" }
        expectedLines = expected.count
        exactLines = expected.count - missed.count
        extraLines = max(0, got.count - expected.count)
        self.patterns = patterns
    }
}

struct VoiceTally {
    var orders = 0, exactOrders = 0, lines = 0, exactLines = 0, extraLines = 0
    var orderAccuracy: Double { Double(exactOrders) / Double(max(orders, 1)) }
    var lineAccuracy: Double { Double(exactLines) / Double(max(lines, 1)) }

    mutating func add(_ score: VoiceScore) {
        orders += 1
        exactOrders += score.exact ? 1 : 0
        lines += score.expectedLines
        exactLines += score.exactLines
        extraLines += score.extraLines
    }

    mutating func merge(_ other: VoiceTally) {
        orders += other.orders
        exactOrders += other.exactOrders
        lines += other.lines
        exactLines += other.exactLines
        extraLines += other.extraLines
    }
}

/// Results written by several threads, each to its own index.
final class LockedResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    private var firstError: Error?

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }
    func fail(_ error: Error) { lock.withLock { if firstError == nil { firstError = error } } }
    var values: [Value?] { lock.withLock { slots } }
    var error: Error? { lock.withLock { firstError } }
}

/// Hands out indexes 0, 1, 2… to worker threads.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}

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
            seconds += VoiceBench.seconds(since: start)
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
