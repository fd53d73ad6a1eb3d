import Foundation
import Testing

/// `intake transcribe`, run as a real process on a sample courier report.
@Suite("intake transcribe")
struct TranscribeCommandTests {
    @Test func readingsListTheNBestWithTheirScoresAndMarkTheOneChosen() throws {
        let run = try IntakeBinary.run(
            ["transcribe", "--readings", "--json", "--pipeline", IntakeBinary.packageFile("pipelines/default.yaml").path,
             IntakeBinary.packageFile("samples/voice/kiosk4-muffins.wav").path],
            timeout: 120)
        #expect(run.status == 0, "\(run)")
        let line = try #require(run.stdoutLines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let segments = try #require(object["segments"] as? [[String: Any]])
        let readings = try #require(segments.first?["readings"] as? [[String: Any]])
        #expect(readings.count > 1)
        #expect(readings.filter { $0["chosen"] as? Bool == true }.count == 1)
        #expect(readings.allSatisfy { $0["text"] is String && $0["plausibility"] is Double })
        // The best path (reading 0) stands unless another reads clearly better; then the best one wins.
        let scores = readings.compactMap { $0["plausibility"] as? Double }
        let chosen = try #require(readings.firstIndex { $0["chosen"] as? Bool == true })
        if chosen == 0 {
            #expect(scores.dropFirst().allSatisfy { $0 <= scores[0] + 0.05 + 1e-9 })
        } else {
            #expect(scores[chosen] == scores.max())
        }
    }
}
