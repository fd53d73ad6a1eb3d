import Foundation
import IntakeTestSupport
import Testing
@testable import IntakeVoice

@Suite struct PronunciationDictionaryTests {
    func dictionary(additions: String = "") throws -> PronunciationDictionary {
        let folder = try makeTemporaryDirectory(prefix: "intake-pron")
        defer { try? FileManager.default.removeItem(at: folder) }  // the dictionary reads its files at once
        let base = folder.appendingPathComponent("base.dict")
        try """
            latte L AA T EY
            flat F L AE T
            white W AY T
            white(2) HH W AY T
            brush B R AH SH
            h EY CH
            p P IY
            oj OW JH EY
            tidy T AY D IY
            """.write(to: base, atomically: true, encoding: .utf8)
        let local = folder.appendingPathComponent("local.dict")
        try additions.write(to: local, atomically: true, encoding: .utf8)
        return try PronunciationDictionary(files: [base], additions: [local])
    }

    @Test func everyWordGetsAPronunciationAndItsSource() throws {
        let words = try dictionary()
        #expect(words.pronunciations(of: "white").phones == ["W AY T", "HH W AY T"])
        #expect(words.pronunciations(of: "lattes") == (["L AA T EY Z"], .plural))
        #expect(words.pronunciations(of: "brushes").phones == ["B R AH SH IH Z"])
        #expect(words.pronunciations(of: "ojs") == (["OW JH EY Z"], .plural))
        #expect(words.pronunciations(of: "tidies") == (["T AY D IY Z"], .plural))
        #expect(words.pronunciations(of: "flatwhite") == (["F L AE T W AY T"], .compound))
        #expect(words.pronunciations(of: "hp") == (["EY CH P IY"], .spelled))
        let guessed = words.pronunciations(of: "cafiza")
        #expect(guessed.source == .letterToSound)
        #expect(guessed.phones == ["K AE F IH Z AE"])
    }

    @Test func localPronunciationsWin() throws {
        let words = try dictionary(additions: "latte L AE T EY\n")
        #expect(words.pronunciations(of: "latte") == (["L AE T EY"], .additions))
    }
}
