import Foundation
import IntakeTestSupport
import Testing

/// `intake adapt-voice`, run as a real process on the voice samples and their transcripts.
@Suite("intake adapt-voice")
struct AdaptVoiceCommandTests {
    /// `intake adapt-voice <arguments>` with the default pipeline.
    static func adaptVoice(_ arguments: [String]) throws -> IntakeRun {
        try IntakeBinary.run(["adapt-voice"] + arguments + ["--pipeline", IntakeBinary.packageFile("pipelines/default.yaml").path], timeout: 300)
    }

    /// The default pipeline, written into `folder` with its relative paths made absolute and
    /// `extra` added to `voice.recognize`'s options.
    static func pipeline(in folder: URL, recognizeOptions extra: String) throws -> URL {
        let root = IntakeBinary.packageRoot.path
        var text = try String(contentsOf: IntakeBinary.packageFile("pipelines/default.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../", with: root + "/")
        text = text.replacingOccurrences(of: "          insertion_penalty: 0.2\n", with: "          insertion_penalty: 0.2\n" + extra)
        text = text.replacingOccurrences(of: "\(root)/intake-data", with: folder.path)
        let url = folder.appendingPathComponent("pipeline.yaml")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func theSamplesTranscriptsMakeATransformThePipelineAccepts() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-adapt-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let transform = folder.appendingPathComponent("site.mllr")
        let run = try Self.adaptVoice([IntakeBinary.packageFile("samples/voice-transcripts.tsv").path, "--output", transform.path, "--json"])
        #expect(run.status == 0, "\(run)")
        let line = try #require(run.stdoutLines.first)
        let summary = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(summary["recordings"] as? Int == 11)
        #expect(summary["passes"] as? Int == 1)
        #expect((summary["skipped"] as? [String])?.isEmpty == true)
        #expect((summary["aligned_frames"] as? Int ?? 0) > 1_000)
        #expect(try String(contentsOf: transform, encoding: .utf8).hasPrefix("1\n3\n13\n"))

        // The pipeline takes it, and refuses a transform that is not there.
        let adapted = try Self.pipeline(in: folder, recognizeOptions: "          adaptation: \(transform.path)\n")
        let check = try IntakeBinary.run(["pipelines", "check", adapted.path], timeout: 300)
        #expect(check.status == 0, "\(check)")
        let missing = try Self.pipeline(in: folder, recognizeOptions: "          adaptation: \(folder.path)/none.mllr\n")
        let refused = try IntakeBinary.run(["pipelines", "check", missing.path], timeout: 300)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderrText.contains("none.mllr does not exist; make it with `intake adapt-voice`"), "\(refused)")

        // MAP: a model directory for the `model` option.
        let model = folder.appendingPathComponent("site-model")
        let map = try Self.adaptVoice(["--method", "map", IntakeBinary.packageFile("samples/voice-transcripts.tsv").path, "--output", model.path, "--json"])
        #expect(map.status == 0, "\(map)")
        let mapLine = try #require(map.stdoutLines.first)
        let mapSummary = try #require(try JSONSerialization.jsonObject(with: mapLine) as? [String: Any])
        #expect(mapSummary["option"] as? String == "model")
        #expect(mapSummary["passes"] as? Int == 2)
        let withModel = try Self.pipeline(in: folder, recognizeOptions: "          model: \(model.path)\n")
        let modelCheck = try IntakeBinary.run(["pipelines", "check", withModel.path], timeout: 300)
        #expect(modelCheck.status == 0, "\(modelCheck)")
    }

    @Test func aFolderOfRecordingsAdaptsOnWhatTheRecogniserHeardAndLeavesOutTheRest() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-adapt-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let samples = IntakeBinary.packageFile("samples/voice")
        let run = try Self.adaptVoice([samples.path, "--output", folder.appendingPathComponent("self.mllr").path, "--json"])
        #expect(run.status == 0, "\(run)")
        let line = try #require(run.stdoutLines.first)
        let summary = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let notHeard = (summary["not_heard"] as? [String] ?? []).map { URL(fileURLWithPath: $0).lastPathComponent }
        let unreadable = (summary["unreadable"] as? [String] ?? []).map { URL(fileURLWithPath: String($0.prefix { $0 != ":" })).lastPathComponent }
        #expect(Set(notHeard) == ["out-of-domain-weather.wav", "silence.wav"])
        #expect(unreadable == ["bad-truncated.wav"])
        let wavs = try FileManager.default.contentsOfDirectory(atPath: samples.path).filter { $0.hasSuffix(".wav") }
        #expect(summary["recordings"] as? Int == wavs.count - 3)

        // Named on its own, a recording that cannot be read stops the run.
        let bad = try Self.adaptVoice([samples.appendingPathComponent("bad-truncated.wav").path, "--output", folder.appendingPathComponent("bad.mllr").path])
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stderrText.contains("bad-truncated.wav: the WAV header promises"), "\(bad)")

        // MAP follows its transcripts, so it is not given guessed ones.
        let map = try Self.adaptVoice(["--method", "map", samples.path, "--output", folder.appendingPathComponent("model").path])
        #expect(map.status == 2, "\(map)")
        #expect(map.stderrText.contains("--method map needs transcripts"), "\(map)")

        // Several passes are a MAP matter.
        let passes = try Self.adaptVoice(["--passes", "2", samples.path, "--output", folder.appendingPathComponent("passes.mllr").path])
        #expect(passes.status == 2, "\(passes)")
        #expect(passes.stderrText.contains("--passes is for --method map"), "\(passes)")
    }

    @Test func approvedVoiceOrdersLendTheirRecordingsCorrectedAndPendingOnesDoNot() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-adapt-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = ["--db", folder.appendingPathComponent("intake.db").path]
        let samples = ["kiosk4-muffins.wav", "chai-almond.wav", "office-paper.wav", "cold-brew-to-go.wav"].map { "samples/voice/\($0)" }
        let processed = try IntakeBinary.run(["process", "--quiet", "--no-events"] + samples + db, timeout: 300)
        #expect(processed.status == 0, "\(processed)")
        let ids = try IntakeBinary.run(["review", "list", "--json"] + db).jsonObjects().compactMap { $0["id"] as? String }
        try #require(ids.count == 4)
        #expect(try IntakeBinary.run(["review", "approve", ids[0], ids[1], "--actor", "alice"] + db).status == 0)
        #expect(try IntakeBinary.run(["review", "correct", ids[2], "--set", "lines[0].quantity=40", "--actor", "alice"] + db).status == 0)

        let run = try Self.adaptVoice(["--approved", "--output", folder.appendingPathComponent("site.mllr").path, "--json"] + db)
        #expect(run.status == 0, "\(run)")
        let line = try #require(run.stdoutLines.first)
        let summary = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(summary["recordings"] as? Int == 2)
        #expect((summary["recordings_gone"] as? [String])?.isEmpty == true)
    }

    @Test func aTranscriptsLineWithoutATabIsAUsageErrorNamingTheLine() throws {
        let folder = try makeTemporaryDirectory(prefix: "intake-adapt-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let transcripts = folder.appendingPathComponent("transcripts.tsv")
        try Data("# what was said\nstore12.wav store twelve, three lattes\n".utf8).write(to: transcripts)
        let run = try Self.adaptVoice([transcripts.path, "--output", folder.appendingPathComponent("x.mllr").path])
        #expect(run.status == 2, "\(run)")
        #expect(run.stderrText.contains("transcripts.tsv:2: expected a WAV path, a tab and what was said"), "\(run)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.mllr").path))
    }
}
