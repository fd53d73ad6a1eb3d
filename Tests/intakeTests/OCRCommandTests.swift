import Foundation
import Testing

/// `intake ocr`, run as a real process on a sample purchase order.
@Suite("intake ocr")
struct OCRCommandTests {
    @Test func aChinesePageIsReadOnceInTheDefaultLanguages() throws {
        let pipeline = IntakeBinary.packageFile("pipelines/default.yaml").path
        let scan = IntakeBinary.packageFile("samples/documents/huadong-chinese.png").path
        let json = try IntakeBinary.run(["ocr", "--json", "--pipeline", pipeline, scan], timeout: 120)
        #expect(json.status == 0, "\(json)")
        let line = try #require(json.stdoutLines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let page = try #require((object["pages"] as? [[String: Any]])?.first)
        #expect(page["languages"] as? String == "eng+chi_sim")
        #expect((page["readings"] as? [Any])?.isEmpty == true, "read more than once: \(page["readings"] ?? "")")
        let intent = try #require(object["intent"] as? [String: Any])
        #expect(intent["reference"] as? String == "PO-2026-99144")
    }

    @Test func readInEnglishOnlyAChinesePageShowsItsEnglishReadingAndTheChineseOneKept() throws {
        let pipeline = IntakeBinary.packageFile("pipelines/default.yaml").path
        let scan = IntakeBinary.packageFile("samples/documents/huadong-chinese.png").path
        let json = try IntakeBinary.run(["ocr", "--json", "--language", "eng", "--pipeline", pipeline, scan], timeout: 120)
        #expect(json.status == 0, "\(json)")
        let line = try #require(json.stdoutLines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        let page = try #require((object["pages"] as? [[String: Any]])?.first)
        #expect(page["languages"] as? String == "chi_sim+eng")
        // Read first in English, found weak, read again as Chinese: both readings are listed.
        let readings = try #require(page["readings"] as? [[String: Any]])
        #expect(readings.compactMap { $0["languages"] as? String } == ["eng", "chi_sim+eng"])
        let confidences = readings.compactMap { $0["mean_confidence"] as? Double }
        #expect(confidences.count == 2 && confidences[1] > confidences[0], "\(confidences)")

        let human = try IntakeBinary.run(["ocr", "--language", "eng", "--pipeline", pipeline, scan], timeout: 120)
        #expect(human.status == 0, "\(human)")
        #expect(human.stdoutText.contains("read again: eng ") && human.stdoutText.contains("*chi_sim+eng"), "\(human.stdoutText.prefix(600))")
    }
}
