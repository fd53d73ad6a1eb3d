@testable import IntakeAlignment
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

    /// A plural matches its catalog word exactly, whatever `MatchText.singular` makes of it:
    /// "brownies" ("-ies" is also the plural of "-ie"), "chais" ("-is" is kept for "axis"),
    /// "tomatoes", and still "aa batteries".
    @Test func pluralsOfCatalogWordsMatchExactly() throws {
        let materials = try MaterialMaster.parse(DemoMaster.materialsCSV + """

            CAF-9,Chocolate Brownie,brownie|chocolate brownie,each,cafe.bakery,,2.90
            CAF-10,Chai Latte,chai latte|chai,cup,cafe.beverage.tea,,3.50
            CAF-11,Cherry Tomato Punnet,cherry tomato,each,cafe.food,chilled,2.20
            OFF-9,Battery AA,aa battery,each,office.electrical,,0.60
            """, file: "materials.csv")
        let matcher = MaterialMatcher(master: materials)
        for (phrase, sku) in [
            ("brownies", "CAF-9"), ("chocolate brownies", "CAF-9"), ("brownie", "CAF-9"), ("chais", "CAF-10"),
            ("cherry tomatoes", "CAF-11"), ("aa batteries", "OFF-9"),
        ] {
            let match = try #require(matcher.match(phrase))
            #expect(match.material.sku == sku && match.score == 1, "\(phrase)")
        }
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

@Suite struct MaterialMatcherCodeTests {
    let matcher: MaterialMatcher

    init() throws {
        matcher = MaterialMatcher(master: try MaterialMaster.parse("""
            sku,name,aliases,unit,category,handling,unit_price
            P-A4,A4 Copy Paper 80gsm,a4 paper|copy paper|a4 copy paper,ream,office.paper,,4.80
            P-A3,A3 Copy Paper 80gsm,a3 paper|a3 copy paper,ream,office.paper,,9.90
            C-8,8oz Paper Cup,8oz cup|8oz paper cup,pack,cafe.packaging,,3.90
            C-12,12oz Paper Cup,12oz cup|12oz paper cup,pack,cafe.packaging,,4.60
            B-6205,Deep Groove Ball Bearing 6205-2RS,6205-2rs,each,mro.bearing,,6.40
            R-2,Ring Binder A4 2 Ring,ring binder|binder|2 ring binder,each,office.filing,,1.90
            R-4,Ring Binder A4 4 Ring,4 ring binder,each,office.filing,,2.40
            V-9,9V Battery,9v battery|pp3,each,office.electrical,,3.20
            """, file: "materials.csv"))
    }

    @Test func aNumberMayStandForACodeWhoseLettersWereNotHeard() throws {
        // "two a three copy paper" heard without its "a": the three is A3's, not noise.
        for phrase in ["three copy paper", "3 copy paper"] {
            let match = try #require(matcher.match(phrase))
            #expect(match.material.sku == "P-A3", "\(phrase)")
            #expect(match.score < 1)
        }
        #expect(matcher.match("twelve paper cups")?.material.sku == "C-12")
        #expect(matcher.match("copy paper")?.material.sku == "P-A4")
        #expect(matcher.match("a4 copy paper")?.material.sku == "P-A4")
    }

    @Test func aNumberWordMatchesItsDigits() throws {
        // The plural is no spoken form the recogniser rewrites, so "four" arrives as a word.
        let match = try #require(matcher.match("four ring binders"))
        #expect(match.material.sku == "R-4")
        #expect(matcher.match("ring binders")?.material.sku == "R-2")
    }

    @Test func aNumberNeverStandsForADifferentNumberOrALongCode() {
        // Another number is another product; 6205-2rs is more than a number with letters.
        #expect(matcher.match("four copy paper")?.material.sku != "P-A3")
        #expect(matcher.match("six two oh five") == nil)
        // A number alone is a count, never a guess at a code.
        #expect(matcher.match("three") == nil)
        #expect(matcher.match("twelve") == nil)
        #expect(MaterialMatcher.number(inCode: "a3") == "3")
        #expect(MaterialMatcher.number(inCode: "12oz") == "12")
        #expect(MaterialMatcher.number(inCode: "6205-2rs") == nil)
        #expect(MaterialMatcher.number(inCode: "cf226a") == nil)
        #expect(MaterialMatcher.number(inCode: "a3b") == nil)
    }
}
