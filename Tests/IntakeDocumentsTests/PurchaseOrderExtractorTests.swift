import Foundation
import IntakeTestSupport
import IntakeCore
import Testing

@testable import IntakeDocuments

/// The extractor on OCR words laid out by hand: layout rules and cross-checks without OCR.
@Suite("Extracting header and line items from OCR words")
struct PurchaseOrderExtractorTests {
    /// A page whose rows are `(y, [(x, text)])`, words 30 px tall, 14 px per character;
    /// `specks` are words read at no confidence at all, `rules` words read off a ruling line
    /// (1 px tall).
    static func page(_ rows: [(Int, [(Int, String)])], confidence: Double = 0.95, specks: Set<String> = [], rules: Set<String> = []) -> ReadDocument {
        let words = rows.flatMap { y, words in
            words.map {
                OCRPage.Word(
                    text: $0.1, box: PixelBox(x: $0.0, y: y, width: 14 * $0.1.count, height: rules.contains($0.1) ? 1 : 30),
                    confidence: specks.contains($0.1) ? 0 : confidence)
            }
        }
        let page = OCRPage(number: 1, lines: OCRPage.rows(words), transform: PageTransform(originalWidth: 2550, originalHeight: 3300), languages: "eng")
        return ReadDocument(pages: [page])
    }

    static let header: (Int, [(Int, String)]) = (600, [(160, "Item"), (480, "Description"), (1400, "Qty"), (1560, "Unit"), (1800, "Unit"), (1870, "Price"), (2200, "Amount")])

    static func extract(_ document: ReadDocument) -> (PurchaseOrder, OrderDraft) {
        let order = PurchaseOrderExtractor(templates: DocumentFixture.templates).extract(document)
        return (order, PurchaseOrderAligner(master: DocumentFixture.master).align(order))
    }

    @Test func labelsAndValuesPrintedInTwoColumnsOnOneRowStayApart() {
        let (order, draft) = Self.extract(Self.page([
            (300, [(160, "Ship"), (230, "To:"), (290, "Plant"), (380, "North"), (1500, "PO"), (1550, "Number:"), (1680, "PO-2026-00417")]),
            // The colon after "Date" read as a semicolon, apart from the label.
            (360, [(160, "Currency:"), (300, "EUR"), (1500, "Date"), (1570, ";"), (1600, "3"), (1630, "Nov"), (1690, "2026")]),
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (760, [(1800, "Total"), (2200, "9.60")]),
        ]))
        #expect(order.header[.shipTo]?.text == "Plant North")
        #expect(draft.intent.reference == "PO-2026-00417")
        #expect(draft.intent.orderDate == "2026-11-03")
        #expect(draft.intent.currency == "EUR")
        #expect(draft.intent.total == 9.6)
        #expect(draft.intent.lines.first?.sku == "CAF-1004")
    }

    @Test func aLineWhoseAmountDisagreesWithQuantityTimesPriceGoesToReviewWithTheReason() throws {
        let (_, draft) = Self.extract(Self.page([
            (300, [(1500, "PO"), (1550, "Number:"), (1680, "PO-7")]),
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "8"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (760, [(1800, "Total"), (2200, "9.60")]),
        ]))
        let line = try #require(draft.intent.lines.first)
        #expect(line.confidence <= 0.4)
        #expect(draft.intent.notes.contains { $0.contains("quantity × unit price = 25.60 but the amount reads 9.60") })
        #expect(draft.evidence.contains { $0.field == "intent.lines[0].amount" && $0.detail?.contains("OCR digit error") == true })
    }

    @Test func aWrappedDescriptionJoinsItsItemAndTheSumIsChecked() throws {
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "MRO-3003"), (480, "Deep"), (560, "Groove"), (680, "Ball"), (1400, "2"), (1560, "each"), (1800, "4.80"), (2200, "9.60")]),
            (730, [(480, "Bearing"), (600, "6205-2RS")]),
            (800, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (880, [(1800, "Subtotal"), (2200, "20.00")]),
        ]))
        #expect(draft.intent.lines.count == 2)
        #expect(draft.intent.lines.first?.text == "MRO-3003 Deep Groove Ball Bearing 6205-2RS")
        #expect(draft.intent.notes.contains { $0.contains("add up to 19.20 but the subtotal reads 20.00") })
        #expect(draft.intent.confidence <= 0.4)
    }

    @Test func aDescriptionRunningIntoTheQuantityColumnKeepsItsWordsAndTheTableGoesOn() throws {
        // "6305-2RS" ends a long description right of the column boundary: it has digits, but
        // the quantity is the rightmost number under "Qty".
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "MRO-3003"), (480, "Deep"), (560, "Groove"), (680, "Ball"), (760, "Bearing"), (1250, "6205-2RS"), (1400, "2"), (1560, "each"), (1800, "4.80"), (2200, "9.60")]),
            (760, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (840, [(1800, "Subtotal"), (2200, "19.20")]),
        ]))
        #expect(draft.intent.lines.map(\.quantity) == [2, 3])
        #expect(draft.intent.lines.first?.text == "MRO-3003 Deep Groove Ball Bearing 6205-2RS")
        #expect(!draft.intent.notes.contains { $0.hasPrefix("Line") || $0.contains("add up") }, "\(draft.intent.notes)")
    }

    @Test func aQuantityOCRCouldNotReadComesFromAmountOverPriceAndTheRowsAfterItStay() throws {
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            // "A2" for 42 is repaired as a letter OCR confuses with a digit; "q2" is not.
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "q2"), (1560, "cup"), (1800, "3.20"), (2200, "134.40")]),
            (760, [(160, "MRO-3003"), (480, "Ball"), (560, "Bearing"), (1400, "2"), (1560, "each"), (1800, "4.80"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.lines.map(\.quantity) == [42, 2])
        let first = try #require(draft.intent.lines.first)
        #expect(first.confidence <= 0.4, "an inferred quantity goes to review")
        #expect(draft.intent.notes.contains { $0.contains("the quantity reads \"q2\"; 42 from amount ÷ unit price") }, "\(draft.intent.notes)")
    }

    @Test func aRowWithoutAQuantityOrBothPricesEndsTheTable() {
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (760, [(160, "Delivery"), (480, "before"), (560, "noon"), (2200, "5.00")]),
            (840, [(160, "MRO-3003"), (480, "Ball"), (560, "Bearing"), (1400, "2"), (1560, "each"), (1800, "4.80"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.lines.map(\.quantity) == [3])
    }

    @Test func aGarbledQuantityLabelIsKnownByItsPlaceBetweenTheLabelsRead() {
        // Tesseract read 数量 as "Ne" on Chinese pages: between the description and the unit,
        // the only column missing is the quantity.
        let (_, draft) = Self.extract(Self.page([
            (600, [(160, "Item"), (480, "Description"), (1400, "Ne"), (1560, "Unit"), (1800, "Unit"), (1870, "Price"), (2200, "EAM")]),
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.lines.map(\.quantity) == [3])
        #expect(draft.intent.lines.first?.amount == 9.6)
    }

    @Test func oneMisreadDigitIsRepairedByTheLinesArithmeticAndTheLineSaysSo() throws {
        let (order, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "392"), (1560, "cup"), (1800, "3.20"), (2200, "124.80")]),
        ]))
        #expect(order.items.first?.quantity == 39)
        let line = try #require(draft.intent.lines.first)
        #expect(line.quantity == 39 && line.confidence <= 0.4)
        #expect(draft.intent.notes.contains { $0.contains("the quantity reads \"392\"; 39 makes quantity × unit price = amount") }, "\(draft.intent.notes)")
    }

    @Test func aNumberCellHoldingAGlyphNoNumberHasIsTheOneRepaired() throws {
        // 1 × 44.00 ≠ 484.00: a quantity of 11, a price of 484.00 and an amount of 44.00 are
        // each one digit off, but only the quantity was read with a "!" in it.
        let (order, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "MRO-3041"), (480, "Compressor"), (600, "Oil"), (1400, "1!"), (1560, "can"), (1800, "44.00"), (2200, "484.00")]),
        ]))
        #expect(order.items.first?.quantity == 11)
        #expect(order.items.first?.problems.first?.contains("the quantity reads \"1!\"; 11 makes") == true)
    }

    @Test func anAmountBehindAGuillemetIsReadAndThePriceThatLostItsPointFollows() throws {
        let (order, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "OFF-2099"), (480, "AAA"), (560, "Battery"), (1400, "44"), (1560, "pack"), (1800, "390"), (2200, "«171.60")]),
        ]))
        #expect(order.items.first?.amount == 171.6)
        #expect(order.items.first?.unitPrice == 3.9)
    }

    @Test func aLineThatLostItsDecimalPointsIsAHundredthWhenThatMakesTheSubtotal() throws {
        // 38 × 630 = 23940 holds, but the lines then add up to 23,949.60, not 249.00.
        let rows: [(Int, [(Int, String)])] = [
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (760, [(160, "MRO-3087"), (480, "Insulation"), (600, "Tape"), (1400, "38"), (1560, "roll"), (1800, "630"), (2200, "23940")]),
        ]
        let (order, _) = Self.extract(Self.page(rows + [(840, [(1800, "Subtotal"), (2200, "249.00")])]))
        let line = try #require(order.items.last)
        #expect(line.amount == 239.4 && line.unitPrice == 6.3)
        #expect(line.problems.first?.contains("the amount reads \"23940\" and the unit price \"630\" without a decimal point") == true, "\(line.problems)")
        // A subtotal that the lines as read meet changes nothing.
        let (asRead, _) = Self.extract(Self.page(rows + [(840, [(1800, "Subtotal"), (2200, "23,949.60")])]))
        #expect(asRead.items.last?.amount == 23940 && asRead.items.last?.problems.isEmpty == true)
    }

    @Test func aSubtotalTheAmountsAddUpToDecidesWhichNumberWasMisread() throws {
        // 30 × 3.90 ≠ 177.00: the price 5.90 or the amount 117.00 would each be one digit off,
        // but the subtotal is the amounts as read, so the price was misread.
        let (order, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "30"), (1560, "cup"), (1800, "3.90"), (2200, "177.00")]),
            (760, [(1800, "Subtotal"), (2200, "177.00")]),
        ]))
        #expect(order.items.first?.unitPrice == 5.9)
        #expect(draft.intent.notes.contains { $0.contains("the unit price reads \"3.90\"; 5.90 makes") }, "\(draft.intent.notes)")
        #expect(!draft.intent.notes.contains { $0.contains("add up") })
        // Without a subtotal to vouch for the amount, neither is chosen.
        let (unsure, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "30"), (1560, "cup"), (1800, "3.90"), (2200, "177.00")]),
        ]))
        #expect(unsure.items.first?.unitPrice == 3.9)
        #expect(unsure.items.first?.problems.first?.contains("OCR digit error?") == true)
    }

    @Test func withTheSubtotalVouchingForTheAmountAWorseMisreadIsFoundWhenOnlyOneNumberFits() throws {
        // "4141" for 11: more than one digit off, but 26,180.00 ÷ 2,380.00 is whole and
        // 26,180.00 ÷ 4141 is no price in cents.
        let (order, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "MRO-3003"), (480, "Ball"), (560, "Bearing"), (1400, "4141"), (1560, "each"), (1800, "2,380.00"), (2200, "26,180.00")]),
            (760, [(1800, "Subtotal"), (2200, "26,180.00")]),
        ]))
        #expect(order.items.first?.quantity == 11)
        #expect(order.items.first?.problems.first?.contains("the quantity reads \"4141\"; 11 makes") == true)
    }

    @Test func aUnitOrSpecksOnALineOfTheirOwnDoNotEndTheTable() {
        // A skewed row that Tesseract split: its unit on the line above the rest of it.
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (740, [(1560, "each")]),
            (770, [(900, ":"), (1700, "|")]),
            (790, [(1250, "oe"), (2000, "a")]),
            (800, [(160, "MRO-3003"), (480, "Ball"), (560, "Bearing"), (1400, "2"), (1800, "4.80"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.lines.map(\.quantity) == [3, 2])
    }

    @Test func aDateWhoseLabelWasMisreadIsFoundByItsShape() {
        let (_, draft) = Self.extract(Self.page([
            (300, [(1500, "PO"), (1550, "Number:"), (1680, "PO-7")]),
            (360, [(1500, "Dafe:"), (1590, "03/11/2026")]),
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.orderDate == "2026-11-03")
        #expect(draft.evidence.first { $0.field == "intent.order_date" }?.method == "pattern")
    }

    @Test func aTableWhoseHeaderCannotBeReadIsReadByTheShapeOfItsRows() throws {
        // Noise garbled every column label; the rows still end in quantity, unit, price and
        // amount that multiply out.
        let (order, draft) = Self.extract(Self.page([
            (300, [(160, "Customer"), (330, "service:"), (480, "+44"), (560, "20"), (620, "7946"), (720, "0000")]),
            (600, [(160, "物料"), (230, "纲"), (480, "wos"), (1400, "the"), (1800, "半价"), (2200, "ait")]),
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (760, [(160, "MRO-"), (260, "3003"), (480, "Ball"), (560, "Bearing"), (1400, "2"), (1560, "each"), (1800, "4.80"), (2200, "9.60")]),
            (840, [(1800, "Subtotal"), (2200, "19.20")]),
        ]))
        #expect(draft.intent.lines.map(\.sku) == ["CAF-1004", "MRO-3003"])
        #expect(order.items.map(\.code) == ["CAF-1004", "MRO-3003"], "a code split at its hyphen is joined")
        #expect(draft.intent.lines.map(\.quantity) == [3, 2])
        #expect(order.items.first?.cells[.unit]?.text == "cup")
        #expect(draft.intent.notes.contains { $0.contains("read by their shape") })
        #expect(!draft.intent.notes.contains { $0.contains("add up") })
    }

    @Test func aCodeOCRSplitAtItsHyphenIsJoinedInATableReadByItsHeader() {
        let (order, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "MRO-"), (480, "3003"), (560, "Ball"), (640, "Bearing"), (1400, "2"), (1560, "each"), (1800, "4.80"), (2200, "9.60")]),
        ]))
        #expect(order.items.first?.code == "MRO-3003")
        #expect(order.items.first?.description == "Ball Bearing")
    }

    @Test func aTotalWhoseLabelWasMisreadIsTheLastAmountBelowTheSubtotal() {
        let (order, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (760, [(1800, "Subtotal"), (2200, "9.60")]),
            (820, [(1800, "VAT"), (1880, "20%"), (2200, "1.92")]),
            (880, [(1800, "ait"), (2200, "11.52")]),
            (1000, [(160, "Please"), (300, "quote"), (420, "the"), (500, "order"), (620, "number.")]),
        ]))
        #expect(draft.intent.total == 11.52)
        #expect(order.header[.total]?.method == "position")
    }

    @Test func arithmeticOffersTheValuesOneDigitFromWhatWasRead() {
        #expect(ArithmeticRepair.candidates(quantity: 30, unitPrice: 3.9, amount: 177, texts: [.quantity: "30", .unitPrice: "3.90", .amount: "177.00"])
            == [.init(column: .unitPrice, value: 5.9), .init(column: .amount, value: 117)], "either could be the misread")
        #expect(ArithmeticRepair.candidates(quantity: 26, unitPrice: 86, amount: 2408, texts: [.quantity: "26", .unitPrice: "86.00", .amount: "2,408.00"])
            == [.init(column: .quantity, value: 28)])
        // 3 × 4.00 = 12.00 against 25.00: no number one digit from what was read makes it add up.
        #expect(ArithmeticRepair.candidates(quantity: 3, unitPrice: 4, amount: 25, texts: [.quantity: "3", .unitPrice: "4.00", .amount: "25.00"]).isEmpty)
        #expect(ArithmeticRepair.candidates(quantity: 22, unitPrice: 40, amount: 8.8, texts: [.quantity: "22", .unitPrice: "040", .amount: "8.80"])
            == [.init(column: .unitPrice, value: 0.4)], "a lost decimal point")
        #expect(ArithmeticRepair.whole(124.8 / 3.2) == 39)
        #expect(PurchaseOrderExtractor.mendedPONumber("P0-2026-47129") == "PO-2026-47129")
        #expect(PurchaseOrderExtractor.mendedPONumber("2026-0417") == "2026-0417")
        #expect(PurchaseOrderExtractor.mendedPONumber("PO-2026-0417") == "PO-2026-0417")
        #expect(ArithmeticRepair.whole(7.5) == nil)
    }

    @Test func aNumberColumnsValueIsItsRightmostNumberWithThousandsPrintedApart() {
        func words(_ texts: [String]) -> [OCRPage.Word] {
            texts.enumerated().map { OCRPage.Word(text: $1, box: PixelBox(x: $0 * 100, y: 0, width: 60, height: 30), confidence: 0.9) }
        }
        #expect(LineItemTable.Layout.valueRange(words(["45mm", "28"]), decimalSeparator: ".") == 1..<2)
        #expect(LineItemTable.Layout.valueRange(words(["2", "310,00"]), decimalSeparator: ",") == 0..<2)
        #expect(LineItemTable.Layout.valueRange(words(["12", "34"]), decimalSeparator: ".") == 1..<2)
        #expect(LineItemTable.Layout.valueRange(words(["q2"]), decimalSeparator: ".") == 0..<1, "kept, so the misread is reported")
        #expect(LineItemTable.Layout.valueRange(words(["each"]), decimalSeparator: ".") == nil)
    }

    @Test func aCodeThatIsNotInTheMasterFallsBackToTheDescription() throws {
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "X-99"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.lines.first?.sku == "CAF-1004")
        #expect(draft.evidence.contains { $0.field == "intent.lines[0].sku" && $0.method == "description" })
    }

    @Test func aCodeOCRGarbledIsTheSKUItsDescriptionAlsoNames() throws {
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            // Two letters off a SKU too, but the description names another material: kept as read.
            (760, [(160, "CAF1O04"), (480, "Deep"), (560, "Groove"), (680, "Ball"), (760, "Bearing"), (880, "6205-2RS"), (1400, "2"), (1560, "each"), (1800, "5.90"), (2200, "11.80")]),
        ]))
        let lines = draft.intent.lines
        #expect(lines.first?.text == "CAF-1004 Iced Americano")
        #expect(lines.first?.sku == "CAF-1004")
        #expect(draft.evidence.first { $0.field == "intent.lines[0].sku" }?.detail == "the code reads \"CAF1004\"; CAF-1004 by the master")
        #expect(lines.last?.text.hasPrefix("CAF1O04") == true, "\(lines.last?.text ?? "")")
    }

    @Test func aCodeWithTheLettersAndDigitsOfASKUIsThatSKUWhateverItsDescription() throws {
        // The description misread past matching ("HP OSA" for "HP 05A") cannot vouch for it;
        // the code's letters and digits alone are a SKU's.
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "oFF-2047"), (480, "Whiteboard"), (660, "Eraser"), (1400, "14"), (1560, "each"), (1800, "3.50"), (2200, "49.00")]),
            (760, [(160, "CAF1004"), (480, "Zq"), (560, "Wxv"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            // A character from exactly one SKU (CAF-1063; CAF-1163 is none).
            (840, [(160, "CAP-1063"), (480, "Qx"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.lines.map(\.text) == ["OFF-2047 Whiteboard Eraser", "CAF-1004 Zq Wxv", "CAF-1063 Qx"])
        #expect(draft.intent.lines.map(\.sku) == ["OFF-2047", "CAF-1004", "CAF-1063"])
        #expect(draft.intent.lines.allSatisfy { $0.confidence <= 0.85 }, "a mended code goes to review")
    }

    @Test func aCodeMisreadIntoAnotherRealSKUIsTheOneItsDescriptionNames() throws {
        // CAF-1014 is Caramel Macchiato, a digit from CAF-1011, Cold Brew; CAF-1002 (Double
        // Espresso) is two from CAF-1011, so its description only raises the doubt.
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1014"), (480, "Cold"), (560, "Brew"), (1400, "18"), (1560, "cup"), (1800, "3.60"), (2200, "64.80")]),
            (760, [(160, "CAF-1002"), (480, "Cold"), (560, "Brew"), (1400, "2"), (1560, "cup"), (1800, "3.00"), (2200, "6.00")]),
        ]))
        let lines = draft.intent.lines
        #expect(lines.map(\.sku) == ["CAF-1011", "CAF-1002"])
        #expect(lines.first?.text == "CAF-1011 Cold Brew")
        #expect(lines.allSatisfy { $0.confidence <= 0.4 }, "both still go to review")
        #expect(draft.evidence.first { $0.field == "intent.lines[0].sku" }?.detail?.contains("CAF-1011 by the description") == true)
    }

    @Test func aCodeOnALineOfItsOwnBelongsToTheRowBelowThatHasNone() throws {
        // A skewed row Tesseract split in two: "-MRO-3032" above, the rest of the row below
        // with the first word of its description in the code column.
        let (order, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "MRO-3089"), (480, "Silica"), (580, "Gel"), (640, "Breather"), (1400, "36"), (1560, "each"), (1800, "86.00"), (2200, "3,096.00")]),
            (730, [(150, "-MRO-3032"), (400, ".")]),
            (770, [(200, "Bag"), (480, "Filter"), (580, "F7"), (1400, "2"), (1560, "each"), (1800, "27.00"), (2200, "54.00")]),
        ]))
        #expect(order.items.map(\.code) == ["MRO-3089", "MRO-3032"])
        #expect(order.items.map(\.description) == ["Silica Gel Breather", "Bag Filter F7"])
        // Both halves of a code read apart in the code column.
        let (split, _) = Self.extract(Self.page([
            Self.header,
            (680, [(150, "CAB:"), (230, "1064"), (480, "Soy"), (560, "Milk"), (1400, "15"), (1560, "carton"), (1800, "2.20"), (2200, "33.00")]),
        ]))
        #expect(split.items.first?.code == "CAB-1064")
    }

    @Test func specksAndRulesReadAsTextDoNotEndTheTable() {
        let (_, draft) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (720, [(700, "f"), (1400, "ff")]),
            (780, [(1900, "7")]),
            (820, [(160, "MRO-3003"), (480, "Ball"), (560, "Bearing"), (1400, "2"), (1560, "each"), (1800, "4.80"), (2200, "9.60")]),
        ], specks: ["f", "ff"], rules: ["7"]))
        #expect(draft.intent.lines.map(\.quantity) == [3, 2])
        // A speck read as a numeral (四 is a number to Swift, not a digit), and a quantity
        // printed on a line of its own above the rest of its row.
        let (order, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (730, [(1400, "四")]),
            (790, [(1400, "36")]),
            (840, [(160, "OFF-2056"), (480, "Paper"), (560, "Clips"), (1560, "box"), (1800, "0.90"), (2200, "32.40")]),
        ]))
        #expect(order.items.map(\.code) == ["CAF-1004", "OFF-2056"])
        #expect(order.items.map(\.quantity) == [3, 36])
        // An amount lifted onto a line of its own above its row.
        let (lifted, _) = Self.extract(Self.page([
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (730, [(2200, "10.40")]),
            (780, [(160, "CAF-1065"), (480, "Almond"), (580, "Milk"), (1400, "4"), (1560, "carton"), (1800, "2.60")]),
            (840, [(160, "CAF-1025"), (480, "Earl"), (560, "Grey"), (1400, "48"), (1560, "cup"), (1800, "2.40"), (2200, "115.20")]),
            (920, [(1800, "Subtotal"), (2200, "135.20")]),
        ]))
        #expect(lifted.items.map(\.code) == ["CAF-1004", "CAF-1065", "CAF-1025"])
        #expect(lifted.items.map(\.amount) == [9.6, 10.4, 115.2])
    }

    @Test func rowsReadByTheirShapeSurviveGluedMarksSpecksAndAnUnreadableQuantity() throws {
        let (order, draft) = Self.extract(Self.page([
            (600, [(160, "物料"), (230, "纲"), (480, "wos"), (1400, "the"), (1800, "半价"), (2200, "ait")]),
            // A stop glued to the amount: before, the first rows did not add up and were lost.
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60.")]),
            // "1g" for 18: repaired to a number that does not add up; amount ÷ price is 18.
            (760, [(160, "OFF-"), (240, "2038"), (480, "Mechanical"), (640, "Pencil"), (1400, "1g"), (1560, "each"), (1800, "16.80"), (2200, "302.40")]),
            // A bracket glued to the quantity, specks between price and amount, a code read
            // with a space for its hyphen.
            (840, [(160, "CAF"), (230, "1006"), (480, "Iced"), (560, "Latte"), (1400, "17)"), (1560, "cup"), (1800, "25.90"), (2000, "oe"), (2200, "440.30")]),
            // The quantity 7 read as a Chinese character; the code's hyphen went with its digits.
            (880, [(160, "_CAF"), (230, "-1026"), (480, "Green"), (560, "Tea"), (1400, "了"), (1560, "cup"), (1800, "16.80"), (2200, "117.60")]),
            // 42 read as "ad", before its unit.
            (920, [(160, "MRO-3108"), (480, "Puller"), (1400, "ad"), (1560, "each"), (1800, "413.00"), (2200, "17,346.00")]),
            // The price's 6 read as G.
            (960, [(160, "MRO-3040"), (480, "Gear"), (560, "Oil"), (1400, "44"), (1560, "can"), (1800, "G44.00"), (2200, "28,336.00")]),
            (1000, [(1800, "ANT"), (2200, "46,551.90")]),
            (1060, [(1800, "ait"), (2200, "46,551.90")]),
        ]))
        #expect(order.items.map(\.code) == ["CAF-1004", "OFF-2038", "CAF-1006", "CAF-1026", "MRO-3108", "MRO-3040"])
        #expect(order.items.map(\.quantity) == [3, 18, 17, 7, 42, 44])
        #expect(order.items.map(\.unitPrice) == [3.2, 16.8, 25.9, 16.8, 413, 644])
        #expect(order.items[1].problems == ["the quantity reads \"1g\"; 18 from amount ÷ unit price"])
        #expect(draft.intent.total == 46_551.90, "the last amount below the table, both labels misread")
    }

    @Test func aUnitPriceOCRCouldNotReadComesFromAmountOverQuantity() throws {
        let rows: [(Int, [(Int, String)])] = [
            (680, [(160, "OFF-2012"), (480, "Toner"), (1400, "34"), (1560, "each"), (1800, "raoo"), (2200, "33,082.00")]),
            (760, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
        ]
        // Read by the header, and by the rows' shape when the header is garbled.
        for header in [Self.header, (600, [(160, "物料"), (230, "纲"), (480, "wos"), (1400, "the"), (1800, "半价"), (2200, "ait")])] {
            let (order, draft) = Self.extract(Self.page([header] + rows))
            #expect(order.items.map(\.unitPrice) == [973, 3.2])
            #expect(order.items.first?.problems == ["the unit price reads \"raoo\"; 973.00 from amount ÷ quantity"])
            #expect((draft.intent.lines.first?.confidence ?? 1) <= 0.5)
        }
    }

    @Test func aColumnOCRDroppedWholeLeavesTheRightmostGarbledLabelTheAmount() throws {
        // No unit price anywhere, label or values; the amount's label read as "Sih".
        let (order, _) = Self.extract(Self.page([
            (600, [(160, "Item"), (480, "Description"), (1400, "Qty"), (1560, "Unit"), (2200, "Sih")]),
            (680, [(160, "MRO-3003"), (480, "Ball"), (560, "Bearing"), (1400, "15"), (1560, "each"), (2200, "2,730.00")]),
        ]))
        #expect(order.items.first?.amount == 2730)
        #expect(order.items.first?.unitPrice == 182, "amount ÷ quantity")
    }

    @Test func aTotalLostOrMisreadRightBelowAVouchedSubtotalIsTheSubtotal() throws {
        let rows: [(Int, [(Int, String)])] = [
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            (760, [(1800, "Subtotal"), (2200, "9.60")]),
        ]
        let (order, draft) = Self.extract(Self.page(rows + [(820, [(1800, "Total"), (2200, "$.60")])]))
        #expect(order.total == 9.6)
        #expect(draft.intent.total == 9.6 && draft.intent.confidence <= 0.5)
        #expect(draft.intent.notes.contains { $0.hasPrefix("The total reads \"$.60\"; with nothing between") }, "\(draft.intent.notes)")
        let (lost, _) = Self.extract(Self.page(rows + [(820, [(1800, "Total")])]))
        #expect(lost.total == 9.6)
        // A line between them (tax) leaves the total as read.
        let (taxed, _) = Self.extract(Self.page(rows + [(820, [(1800, "VAT"), (2200, "1.92")]), (880, [(1800, "Total"), (2200, "11.50")])]))
        #expect(taxed.total == 11.5)
    }

    @Test func headerValuesOCRSplitOrMisreadAreMended() {
        let (_, draft) = Self.extract(Self.page([
            (300, [(1500, "PO"), (1550, "Number:"), (1680, "PO-2026-02"), (1830, "155")]),
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
        ]))
        #expect(draft.intent.reference == "PO-2026-02155")
        for (read, printed) in [(["PO-2026-", "13745"], "PO-2026-13745"), (["PO-2026-87(044"], "PO-2026-87044")] {
            let (_, other) = Self.extract(Self.page([
                (300, [(1500, "PO"), (1550, "Number:")] + read.enumerated().map { (1680 + 160 * $0.offset, $0.element) }),
                Self.header,
                (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
            ]))
            #expect(other.intent.reference == printed)
        }
        // A bar read for a 1, with a speck beside it, as laid out on a degraded scan.
        let (_, barred) = Self.extract(Self.page([
            (300, [(1500, "PO"), (1550, "Number:"), (1728, "PO-2026-7"), (1860, "|]"), (1895, "797")]),
            Self.header,
            (680, [(160, "CAF-1004"), (480, "Iced"), (560, "Americano"), (1400, "3"), (1560, "cup"), (1800, "3.20"), (2200, "9.60")]),
        ]))
        #expect(barred.intent.reference == "PO-2026-71797")
        #expect(PurchaseOrderExtractor.mendedPONumber("P0.2026.33653") == "PO-2026-33653")
        #expect(PurchaseOrderExtractor.mendedPONumber("PO-2026.15202") == "PO-2026-15202")
        let chinese = ["yyyy年MM月dd日"]
        #expect(FieldValues.isoDate("2026 年 07 月 13 晶", formats: chinese) == "2026-07-13")
        #expect(FieldValues.isoDate("20264085 178", formats: chinese) == "2026-08-17", "年, 月 and 日 read as digits")
        #expect(FieldValues.isoDate("20264F08 FA 08H", formats: chinese) == "2026-08-08", "年 as 4F, 月 as FA, 日 as H")
        #expect(FieldValues.isoDate("20264209 038", formats: chinese) == "2026-09-03", "no month 20: 年 as 42, 月 lost, 日 as 8")
        #expect(FieldValues.isoDate("20264206044", formats: chinese) == "2026-06-04", "年 as 42, 月 lost, 日 as 4")
        #expect(FieldValues.isoDate("20264105112", formats: chinese) == nil, "several readings are dates: 10-11, 10-12, 05-11")
        #expect(FieldValues.isoDate("20264705118", formats: chinese) == nil, "05-18 (月 as 1) or 05-11 (月 lost)")
        #expect(FieldValues.isoDate("2026 年 05 月 0O1 日", formats: chinese) == "2026-05-01", "an O beside a digit is a 0")
        #expect(FieldValues.isoDate("1O/03/2026", formats: ["dd/MM/yyyy"]) == "2026-03-10")
        #expect(FieldValues.isoDate("03 Nov 2026", formats: ["dd MMM yyyy"]) == "2026-11-03", "a month's o stays")
        #expect(FieldValues.isoDate("20264085 178", formats: ["dd/MM/yyyy"]) == nil)
    }

    @Test func theSupplierTemplateIsChosenByKeywordsAndReadsEuropeanNumbers() {
        let template = DocumentFixture.templates.template(for: "NORDIC BEARINGS AB\nOrder Ref: PO-1")
        #expect(template.name == "nordic-bearings")
        #expect(template.decimalSeparator == ",")
        #expect(DocumentFixture.templates.template(for: "Acme Supply").name == "generic")
        #expect(FieldValues.number("1.234,50", decimalSeparator: ",")?.value == 1234.5)
        #expect(FieldValues.number("1,234.50", decimalSeparator: ".")?.value == 1234.5)
        #expect(FieldValues.number("€ 12,00", decimalSeparator: ",")?.value == 12)
        let misread = FieldValues.number("24,50", decimalSeparator: ".")
        #expect(misread?.value == 24.5 && misread?.repaired == true)
        #expect(FieldValues.number("1O", decimalSeparator: ".")?.value == 10)
        #expect(FieldValues.number("A2", decimalSeparator: ".").map { $0.value == 42 && $0.repaired } == true)
        #expect(FieldValues.number("—-9.20", decimalSeparator: ".")?.value == 9.2, "a ruling remnant, not a minus")
        #expect(FieldValues.number("-9.20", decimalSeparator: ".")?.value == -9.2)
        #expect(FieldValues.number("pcs", decimalSeparator: ".") == nil)
        #expect(FieldValues.number("17)", decimalSeparator: ".").map { $0.value == 17 && $0.repaired } == true)
        #expect(FieldValues.number("75.60.", decimalSeparator: ".")?.value == 75.6)
        #expect(FieldValues.number("(12", decimalSeparator: ".")?.value == 12)
        #expect(FieldValues.number("G44.00", decimalSeparator: ".")?.value == 644)
        #expect(FieldValues.number(")", decimalSeparator: ".") == nil)
        #expect(FieldValues.isoDate("26.03.2026", formats: template.dateFormats) == "2026-03-26")
        #expect(FieldValues.isoDate("2026 年 04 月 18 日", formats: ["yyyy年MM月dd日"]) == "2026-04-18")
        #expect(FieldValues.isoDate("31.02.2026", formats: template.dateFormats) == nil)
    }

    @Test func aTotalWithASpaceAfterItsDecimalCommaIsReadWhole() {
        let (order, _) = Self.extract(Self.page([
            (200, [(160, "NORDIC"), (330, "BEARINGS"), (500, "AB")]),
            (300, [(1500, "Order"), (1600, "Ref:"), (1680, "PO-2026-00417")]),
            Self.header,
            (680, [(160, "MRO-3003"), (480, "Ball"), (560, "Bearing"), (1400, "2"), (1560, "each"), (1800, "2.584,05"), (2200, "5.168,10")]),
            (760, [(1800, "Total"), (2200, "5.168,"), (2300, "10")]),
        ]))
        #expect(order.template == "nordic-bearings")
        #expect(order.total == 5168.1)
    }

    @Test func aTemplateWithAnUnknownFieldIsRefusedWithItsLine() throws {
        let folder = try makeTemporaryDirectory(prefix: "templates")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: DocumentFixture.repository.appendingPathComponent("models/templates/generic.yaml"), to: folder.appendingPathComponent("generic.yaml"))
        try "name: acme\nkeywords: [Acme]\nfields:\n  po_numbr:\n    labels: [PO]\n".write(to: folder.appendingPathComponent("acme.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) { try TemplateLibrary.load(folder) }
        #expect(error?.description.contains("unknown field") == true)
        #expect(error?.description.contains("acme.yaml:5: fields.po_numbr") == true, "\(String(describing: error))")
    }

    @Test func boxesOnAPreparedPageMapBackToTheScan() {
        var transform = PageTransform(originalWidth: 1000, originalHeight: 2000)
        transform.scale = 2
        #expect(transform.originalBox(PixelBox(x: 200, y: 400, width: 100, height: 50), page: 1) == ImageBox(page: 1, x: 100, y: 200, width: 50, height: 25))
        var turned = PageTransform(originalWidth: 2000, originalHeight: 1000)
        turned.quarterTurns = 1
        // After one clockwise turn the 2000×1000 scan is 1000×2000; its top-left corner came
        // from the scan's bottom-left.
        #expect(turned.originalBox(PixelBox(x: 0, y: 0, width: 10, height: 20), page: 1) == ImageBox(page: 1, x: 0, y: 990, width: 20, height: 10))
    }
}
