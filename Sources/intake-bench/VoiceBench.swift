import ArgumentParser
import Dispatch
import Foundation
import IntakeAlignment
import IntakeCore
import IntakeReview
import IntakeVoice

extension SpeakerAdaptation.Method: ExpressibleByArgument {}

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
              .build/release/intake-bench voice --accuracy-only --condition snr10 --condition snr20
              .build/release/intake-bench voice --accuracy-only --adapt-seed 11 --adapt-seed 13 --adapt-seed 17 --adapt-method map
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
    @Option(help: ArgumentHelp(
        "Measure only the conditions whose folder name contains this (slt, rms, espeak-ng, clean, snr20, snr10, tempo); repeatable.",
        valueName: "name"))
    var condition: [String] = []
    @Option(help: ArgumentHelp(
        "First adapt the recogniser (intake adapt-voice) on the sentences of this seed, rendered in the same conditions into --adapt-corpus; repeatable (more seeds, more speech).",
        valueName: "seed"))
    var adaptSeed: [UInt64] = []
    @Option(help: ArgumentHelp("Adaptation method: mllr or map.", valueName: "method")) var adaptMethod: SpeakerAdaptation.Method = .mllr
    @Option(help: ArgumentHelp("Adaptation passes (intake adapt-voice --passes; default: 2 for map, 1 for mllr).", valueName: "n"))
    var adaptPasses: Int?
    @Flag(help: "Adapt on what the recogniser heard in the adaptation recordings, not on what was said (mllr only).") var adaptHeard = false
    @Option(help: ArgumentHelp("Folder for the adaptation recordings of a single --adapt-seed (default: intake-data/voice-corpus-seed<adapt-seed>).", valueName: "dir"))
    var adaptCorpus: String?
    @Flag(help: "Skip the speed passes (bare decoder, parallel workers).") var accuracyOnly = false
    @Flag(help: "Print the figures as one JSON object.") var json = false

    func validate() throws {
        guard sentences >= 1 else { throw ValidationError("--sentences must be at least 1") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard ["pink", "white"].contains(noise) else { throw ValidationError("--noise is pink or white") }
        if adaptSeed.contains(seed) { throw ValidationError("--adapt-seed must differ from --seed: adapting on the sentences measured would measure nothing") }
        if let adaptPasses, adaptPasses != 1 && (adaptMethod != .map || !(1...5).contains(adaptPasses)) {
            throw ValidationError("--adapt-passes is 1 to 5, with --adapt-method map")
        }
        if adaptHeard && adaptMethod == .map { throw ValidationError("--adapt-heard works with --adapt-method mllr only (MAP learns what was misheard)") }
        if (adaptHeard || adaptCorpus != nil) && adaptSeed.isEmpty { throw ValidationError("--adapt-heard and --adapt-corpus need --adapt-seed") }
        if adaptCorpus != nil && adaptSeed.count > 1 {
            throw ValidationError("--adapt-corpus names one seed's folder; with several --adapt-seed each is rendered into intake-data/voice-corpus-seed<seed>")
        }
        guard !conditions.isEmpty else {
            throw ValidationError("no condition matches --condition \(condition.joined(separator: ", ")); folders are \(VoiceCondition.all.map(\.folder).joined(separator: ", "))")
        }
    }

    /// Passes the adaptation makes: `--adapt-passes`, or the method's default.
    var adaptationPasses: Int { adaptPasses ?? adaptMethod.defaultPasses }

    /// The adaptation seeds as printed: "11, 13, 17".
    var adaptationSeeds: String { adaptSeed.map(String.init).joined(separator: ", ") }

    /// A note of the passes for the printed lines: ", 2 passes", or nothing for one.
    var adaptationPassesNote: String { adaptationPasses > 1 ? ", \(adaptationPasses) passes" : "" }

    /// The conditions measured: all, or those `--condition` names (clean ones have no suffix).
    var conditions: [VoiceCondition] {
        guard !condition.isEmpty else { return VoiceCondition.all }
        return VoiceCondition.all.filter { item in
            condition.contains { name in
                name == "clean" ? item.snr == nil && item.tempo == nil : item.folder.contains(name)
            }
        }
    }

    func run() throws {
        let master = try MasterData.load(
            materials: URL(fileURLWithPath: materials), devices: URL(fileURLWithPath: devices), graph: URL(fileURLWithPath: graph))
        let configuration = try PipelineConfiguration.load(URL(fileURLWithPath: pipeline))
        let voiceStages = configuration.routes.first { $0.modality == .voice }?.stages ?? []
        var stage = try RecognizeStage(
            master: master, options: voiceStages.first { $0.uses == "voice.recognize" }?.options ?? ConfigNode.empty(file: "bench"))
        let aligner = try AlignStage(master: master, options: voiceStages.first { $0.uses == "align" }?.options ?? ConfigNode.empty(file: "bench")).aligner
        // Auto mode approves orders at or above this confidence; below it a reviewer sees them.
        let minConfidence = try ReviewSettings(node: configuration.review).defaults.applied(to: SandboxPolicy()).minConfidence
        let log: (String) -> Void = { message in
            if !json { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
        }

        // Adaptation first, on other sentences in the same voices and conditions.
        var adaptation: [String: Any]?
        if !adaptSeed.isEmpty {
            var training: [SpeakerAdaptation.Recording] = []
            for adaptSeed in adaptSeed {
                var adaptGenerator = VoiceSentenceGenerator(
                    master: master, aligner: aligner, vocabulary: stage.vocabulary, guessed: Set(stage.files.guessed.keys), seed: adaptSeed)
                let adaptUtterances = adaptGenerator.sentences(sentences)
                let adaptFolder = URL(fileURLWithPath: adaptCorpus ?? "intake-data/voice-corpus-seed\(adaptSeed)")
                let rendered = try VoiceCorpusRenderer(folder: adaptFolder, whiteNoise: noise == "white").render(adaptUtterances, conditions: conditions)
                let said = Dictionary(uniqueKeysWithValues: adaptUtterances.map { ($0.id, $0.spoken) })
                for recording in rendered.recordings {
                    let audio = try WAVDecoder.decode(Data(contentsOf: recording.file))
                    let transcript = adaptHeard
                        ? SpeakerAdaptation.heardTranscript(try stage.transcribe(audio, worker: 0), doubtfulShare: stage.settings.doubtfulShare)
                        : said[recording.sentence]
                    if let transcript { training.append(.init(name: recording.file.path, audio: audio, transcript: transcript)) }
                }
            }
            let output = URL(fileURLWithPath: "intake-data/voice/bench-adapted-seed\(adaptSeed.map(String.init).joined(separator: "-"))-\(adaptMethod.rawValue)\(adaptHeard ? "-heard" : "")\(adaptationPasses > 1 ? "-\(adaptationPasses)passes" : "")")
            let started = DispatchTime.now()
            let summary = try stage.speakerAdaptation().adapt(training, method: adaptMethod, passes: adaptationPasses, writingTo: output)
            let seconds = elapsedSeconds(since: started)
            log(String(format: "adapted (%@%@, on %@) on %d recordings of seeds %@, %.0f s of audio, in %.1f s: %@", adaptMethod.rawValue,
                       adaptationPassesNote,
                       adaptHeard ? "what was heard" : "what was said", summary.recordings, adaptationSeeds, summary.seconds, seconds, output.path))
            stage = stage.adapted(output, method: adaptMethod)
            adaptation = [
                "seeds": adaptSeed, "method": adaptMethod.rawValue, "passes": adaptationPasses, "transcripts": adaptHeard ? "heard" : "said", "recordings": summary.recordings,
                "skipped": summary.skipped.count, "audio_seconds": summary.seconds, "seconds": seconds, "output": output.path,
            ]
        }

        // The corpus: sentences, checked against the text path, rendered in every condition.
        var generator = VoiceSentenceGenerator(
            master: master, aligner: aligner, vocabulary: stage.vocabulary, guessed: Set(stage.files.guessed.keys), seed: seed)
        let utterances = generator.sentences(sentences)
        let folder = URL(fileURLWithPath: corpus)
        let started = DispatchTime.now()
        let rendered = try VoiceCorpusRenderer(folder: folder, whiteNoise: noise == "white").render(utterances, conditions: conditions)
        log(String(format: "voice corpus: %d recordings in %@ (%d rendered now, %.1f s)", rendered.recordings.count, folder.path,
                   rendered.newFiles, elapsedSeconds(since: started)))
        try Self.writeManifest(utterances, to: folder.appendingPathComponent("sentences.tsv"))
        try Self.writeTranscripts(rendered.recordings, utterances, to: folder.appendingPathComponent("transcripts.tsv"))
        let recordings = rendered.recordings

        // Everything read once: the raw pass needs samples, and the page cache is then warm for all passes.
        var audio: [SpeechAudio] = []
        for recording in recordings { audio.append(try WAVDecoder.decode(Data(contentsOf: recording.file))) }
        let audioSeconds = audio.reduce(0) { $0 + $1.duration }

        let loadBefore = Self.loadAverage()

        // Warm up: each worker's decoder and the bare decoder are built before any timing.
        // The bare decoder: the recogniser's own settings (model, dictionary, language model, weights, beams).
        let bare = try PocketSphinxDecoder(stage.configuration)
        for worker in 0..<max(jobs, 1) { _ = try stage.transcribe(audio[0], worker: worker) }
        _ = bare.decode(audio[0].samples[...])

        // Raw: the bare decoder on each whole file (samples already in memory).
        var raw: [(seconds: Double, text: String)] = []
        if !accuracyOnly {
            log("raw pass: bare decoder on \(recordings.count) files…")
            for item in audio {
                let start = DispatchTime.now()
                let words = bare.decode(item.samples[...]).words.map(\.text)
                raw.append((elapsedSeconds(since: start), words.joined(separator: " ")))
            }
        }

        // Intake's path on one worker: accuracy, latency, RTF.
        log("pipeline pass, 1 worker…")
        let path = VoicePath(stage: stage, aligner: aligner)
        let oneStarted = DispatchTime.now()
        var outcomes: [VoicePath.Outcome] = []
        for recording in recordings { outcomes.append(try path.run(recording.file, worker: 0)) }
        let oneWall = elapsedSeconds(since: oneStarted)

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
            parallelWall = elapsedSeconds(since: parallelStarted)
            if let error = results.error { throw error }
            sameResults = zip(results.values, outcomes).filter { $0?.heard == $1.heard && $0?.lines == $1.lines }.count
        }

        let loadAfter = Self.loadAverage()

        // Scoring per condition.
        var tallies: [String: VoiceTally] = [:]
        var rawTallies: [String: VoiceTally] = [:]
        var patterns: [String: [String: Int]] = [:]
        var errors: [(wrong: Int, text: String)] = []
        var held: [String] = []
        for (index, recording) in recordings.enumerated() {
            let utterance = utterances[recording.sentence]
            let score = VoiceScore(expected: utterance.expected, got: outcomes[index].lines)
            let partyRight = outcomes[index].party == utterance.party
            tallies[recording.condition.name, default: VoiceTally()].add(
                score, partyRight: partyRight, confident: outcomes[index].confidence >= minConfidence)
            for pattern in score.patterns { patterns[recording.condition.group, default: [:]][pattern, default: 0] += 1 }
            if score.exact, outcomes[index].confidence < minConfidence {
                held.append("\(recording.condition.name) \(recording.file.lastPathComponent): confidence \(outcomes[index].confidence), least sure \"\(outcomes[index].leastSure)\"\n          heard: \(outcomes[index].heard)")
            }
            if !score.exact || !partyRight {
                let got = outcomes[index].lines.map(\.description).joined(separator: ", ")
                let wrongParty = partyRight ? [] : ["wrong party (want \(utterance.party ?? "none"), got \(outcomes[index].party ?? "none"))"]
                errors.append((score.expectedLines - score.exactLines + score.extraLines + wrongParty.count, """
                    \(recording.condition.name) \(recording.file.lastPathComponent): \((score.patterns + wrongParty).joined(separator: ", "))
                          said:  \(utterance.words.joined(separator: " "))
                          heard: \(outcomes[index].heard.isEmpty ? "(nothing)" : outcomes[index].heard) (confidence \(outcomes[index].confidence), least sure "\(outcomes[index].leastSure)")
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
        for condition in conditions {
            groups[condition.group, default: VoiceTally()].merge(tallies[condition.name] ?? VoiceTally())
            rawGroups[condition.group, default: VoiceTally()].merge(rawTallies[condition.name] ?? VoiceTally())
        }
        errors.sort { $0.wrong > $1.wrong }

        // Speed figures.
        let latencies = outcomes.map(\.seconds).sorted()
        let pipelineSeconds = latencies.reduce(0, +)
        let rawSeconds = raw.map(\.seconds).reduce(0, +)
        let recognizeSeconds = outcomes.map(\.recognizeSeconds).reduce(0, +)

        // Debian's pocketsphinx test data, bare decoder.
        var testResults: [VoiceTestData.Result] = []
        if !testdata.isEmpty, FileManager.default.fileExists(atPath: testdata) {
            log("pocketsphinx test data…")
            testResults = try VoiceTestData(folder: URL(fileURLWithPath: testdata)).run()
        }

        let groupNames = conditions.map(\.group).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if json {
            func tallyObject(_ tally: VoiceTally) -> [String: Any] {
                ["recordings": tally.orders, "exact_orders": tally.exactOrders, "order_accuracy": tally.orderAccuracy,
                 "lines": tally.lines, "exact_lines": tally.exactLines, "line_accuracy": tally.lineAccuracy, "extra_lines": tally.extraLines,
                 "wrong_above_min_confidence": tally.wrongAboveMinConfidence, "exact_below_min_confidence": tally.exactBelowMinConfidence,
                 "wrong_party": tally.wrongParty, "wrong_party_above_min_confidence": tally.wrongPartyAboveMinConfidence]
            }
            var figures: [String: Any] = [
                "sentences": utterances.count, "recordings": recordings.count, "seed": seed,
                "rejected_sentences": generator.rejected, "min_confidence": minConfidence, "audio_seconds": audioSeconds, "adaptation": adaptation ?? NSNull(),
                "conditions": Dictionary(uniqueKeysWithValues: conditions.map { ($0.name, tallyObject(tallies[$0.name] ?? VoiceTally())) }),
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
                     utterances.count, conditions.count, recordings.count, audioSeconds, audioSeconds / Double(max(recordings.count, 1)), seed))
        if let adaptation {
            print("  recogniser adapted first (\(adaptation["method"]!)\(adaptationPassesNote), on what was \(adaptation["transcripts"]!)) on \(adaptation["recordings"]!) recordings of seeds \(adaptationSeeds): \(adaptation["output"]!)")
        }
        print("  \(generator.generated) sentences generated, \(generator.rejected) dropped because their own words do not align exactly (text path, not speech)")
        print("  exact order = every line's SKU, quantity and modifiers, and no extra line")
        print("    condition              orders exact          lines exact     extra lines")
        for condition in conditions {
            print("    " + Self.row(condition.name, tallies[condition.name] ?? VoiceTally()))
        }
        print("  by group (targets: flite clean ≥ 99%, flite 10 dB ≥ 95%; espeak-ng reported apart):")
        for group in groupNames { print("    " + Self.row(group, groups[group] ?? VoiceTally())) }
        print(String(format: "  against review (auto mode approves orders at confidence ≥ %.2f, review.policy.min_confidence):", minConfidence))
        print("    group                  wrong orders at or above it   exact orders below it")
        for group in groupNames {
            let tally = groups[group] ?? VoiceTally()
            print("    \(group.padding(toLength: 22, withPad: " ", startingAt: 0)) "
                  + String(format: "%3d of %3d wrong              %3d of %3d exact",
                           tally.wrongAboveMinConfidence, tally.orders - tally.exactOrders, tally.exactBelowMinConfidence, tally.exactOrders))
        }
        print("  party (where the order goes; a store said in \(utterances.filter { $0.party != nil }.count) of \(utterances.count) sentences; not part of exact):")
        print("    group                  wrong party      of them at or above min_confidence")
        for group in groupNames {
            let tally = groups[group] ?? VoiceTally()
            print("    \(group.padding(toLength: 22, withPad: " ", startingAt: 0)) "
                  + String(format: "%3d of %3d        %3d", tally.wrongParty, tally.orders, tally.wrongPartyAboveMinConfidence))
        }
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
        if !held.isEmpty && showErrors > 0 {
            print("  exact but under min_confidence (\(held.count) recordings, \(min(showErrors, held.count)) shown):")
            for line in held.prefix(showErrors) { print("    " + line) }
        }
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
    /// Each recording and what was said in it, as `intake adapt-voice` reads them.
    static func writeTranscripts(_ recordings: [VoiceCorpusRenderer.Recording], _ utterances: [VoiceUtterance], to url: URL) throws {
        let said = Dictionary(uniqueKeysWithValues: utterances.map { ($0.id, $0.spoken) })
        var text = "# recording\twhat was said (for intake adapt-voice)\n"
        for recording in recordings {
            text += "\(recording.condition.folder)/\(recording.file.lastPathComponent)\t\(said[recording.sentence] ?? "")\n"
        }
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    static func writeManifest(_ utterances: [VoiceUtterance], to url: URL) throws {
        var text = "id\tspoken\texpected\n"
        for utterance in utterances {
            text += "\(utterance.id)\t\(utterance.spoken)\t\(utterance.expected.map(\.description).joined(separator: ", "))\n"
        }
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
