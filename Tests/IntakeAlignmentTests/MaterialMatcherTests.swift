import IntakeAlignment
import Testing

@Suite struct MaterialMatcherTests {
    let matcher: MaterialMatcher

    init() throws {
        matcher = MaterialMatcher(master: try DemoMaster.load().materials)
    }

    @Test func namesAndAliasesMatchExactly() throws {
        let name = try #require(matcher.match("Iced Americano"))
        #expect(name.material.sku == "CAF-2" && name.method == .exact && name.score == 1)
        let alias = try #require(matcher.match("ice americano"))
        #expect(alias.material.sku == "CAF-2" && alias.method == .alias)
        let plural = try #require(matcher.match("butter croissants"))
        #expect(plural.material.sku == "CAF-5")
    }

    @Test func typosMatchFuzzily() throws {
        let typo = try #require(matcher.match("capuccino"))
        #expect(typo.material.sku == "CAF-3")
        #expect(typo.method == .fuzzy || typo.method == .phonetic)
        #expect(typo.score < 1)
        let missingLetter = try #require(matcher.match("flat whit"))
        #expect(missingLetter.material.sku == "CAF-4")
    }

    @Test func soundAlikesMatchPhonetically() throws {
        let spoken = try #require(matcher.match("krasont"))
        #expect(spoken.material.sku == "CAF-5")
        #expect(spoken.method == .phonetic)
    }

    @Test func codesWithDigitsMustMatchExactly() throws {
        #expect(matcher.match("6205-2RS")?.material.sku == "MRO-1")
        #expect(matcher.match("6205 2rs")?.material.sku == "MRO-1")
        #expect(matcher.match("6206-2rs bearing")?.material.sku == "MRO-2")
        // One digit off is another bearing, never a typo of this one.
        #expect(matcher.match("6207-2rs") == nil)
        #expect(matcher.match("hp 26a toner")?.material.sku == "OFF-2")
    }

    @Test func aCodePlusWordsTheMaterialIsKnownByScoresHigh() throws {
        let match = try #require(matcher.match("6205-2RS bearings"))
        #expect(match.material.sku == "MRO-1")
        #expect(match.score >= 0.9)
    }

    @Test func closeRivalsMakeAMatchAmbiguous() throws {
        let match = try #require(matcher.match("deep groove ball bearing"))
        #expect(match.isAmbiguous)
        #expect(Set([match.material.sku] + match.rivals.map(\.sku)) == ["MRO-1", "MRO-2"])
    }

    @Test func unrelatedWordsMatchNothing() {
        #expect(matcher.match("see you tomorrow") == nil)
        #expect(matcher.match("") == nil)
    }
}
