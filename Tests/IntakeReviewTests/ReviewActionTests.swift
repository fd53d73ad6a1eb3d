import Foundation
import IntakeCore
import Testing
@testable import IntakeReview

@Suite("Reviewer actions: claims, approvals, corrections, rejections")
struct ReviewActionTests {
    @Test("A claim keeps other reviewers off the order until its lease expires, then it returns to the queue", arguments: StoreKind.available)
    func leaseExpiry(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue(ReviewSettings(lease: 600))
        let stored = try queue.submit([makeRecord(1), makeRecord(2)]).map(\.record)

        let claimed = try #require(try queue.claim(actor: "alice"))
        #expect(claimed.id == stored[0].id)
        let next = try #require(try queue.claim(actor: "bob"), "bob gets the next unclaimed order")
        #expect(next.id == stored[1].id)
        #expect(throws: ReviewError.self) { try queue.approve(claimed.id, actor: "bob") }
        #expect(try queue.detail(claimed.id).claimedBy == "alice")

        fixture.clock.advance(601)
        #expect(try queue.detail(claimed.id).claimedBy == nil, "an expired claim is not shown")
        let reclaimed = try #require(try queue.claim(actor: "carol"))
        #expect(reclaimed.id == claimed.id, "the expired order is back at the head of the queue")
        try queue.approve(claimed.id, actor: "carol")
        #expect(try queue.record(id: claimed.id)?.status == .approved)
        #expect(try queue.detail(claimed.id).claimedBy == nil, "acting releases the claim")
    }

    @Test("Claiming when nothing waits returns nil; a decided order cannot be approved twice", arguments: StoreKind.available)
    func nothingToClaim(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        #expect(try queue.claim(actor: "alice") == nil)
        let id = try queue.submit([makeRecord(1)])[0].record.id
        try queue.approve(id, actor: "alice")
        #expect(throws: ReviewError.notReviewable(order: id, status: .approved)) { try queue.approve(id, actor: "alice") }
        #expect(throws: ReviewError.orderNotFound("ord_nope")) { try queue.approve("ord_nope", actor: "alice") }
    }

    @Test("A correction keeps the before/after diff, adds review evidence, and is exported", arguments: StoreKind.available)
    func correctionDiff(_ kind: StoreKind) throws {
        let fixture = try TemporaryStore(kind)
        let queue = fixture.queue()
        let id = try queue.submit([makeRecord(1)])[0].record.id
        let corrected = try queue.correct(id, actor: "alice", reason: "courier said four") {
            try IntentCorrection(intent: $0, assignments: ["lines[0].quantity=4", "intent.party.id=\"14\""])
        }
        #expect(corrected.intent.lines[0].quantity == 4)
        #expect(corrected.intent.party?.id == "14")
        #expect(corrected.evidence.contains { $0.method == "review" && $0.field == "intent.lines[0].quantity" })

        let exported = try queue.corrections()
        try #require(exported.count == 1)
        #expect(exported[0].actor == "alice")
        #expect(exported[0].changes == [
            .init(path: "lines[0].quantity", before: .number(3), after: .number(4)),
            .init(path: "party.id", before: .string("12"), after: .string("14")),
        ])
        #expect(try queue.history(of: id).map(\.action) == ["order.created", "order.corrected"])
    }

    @Test("Corrections that do not fit the contract are refused with the path and reason")
    func invalidCorrections() throws {
        let message = { correctionMessage(makeRecord(1).intent, $0) }
        #expect(message(["lines[0].quantity=four"]).contains("lines[0].quantity"))
        #expect(message(["lines[5].quantity=1"]).contains("past the end"))
        #expect(message(["lines[1].sku=CAF-1002"]).contains("lines[1]"), "a new line needs its required fields")
        #expect(message(["quantity"]).contains("PATH=VALUE"))
        #expect(message(["lines[0].quantity=3"]).contains("nothing changed"))
        #expect(message(["type=teleport"]).contains("type"))
    }

    @Test("Values no order may hold are refused though their type fits: a count of -5, 0 or 1e300, a negative price")
    func impossibleValues() throws {
        let message = { correctionMessage(makeRecord(1).intent, $0) }
        #expect(message(["lines[0].quantity=-5"]).contains("lines[0].quantity must be more than 0 (it is -5.0)"))
        #expect(message(["lines[0].quantity=0"]).contains("remove the line with lines[0]=null"))
        #expect(message(["lines[0].unit_price=-1"]).contains("lines[0].unit_price must be 0 or more"))
        #expect(message(["lines[0].confidence=1.5"]).contains("lines[0].confidence must be from 0 to 1"))
        #expect(message(["confidence=-0.1"]).contains("confidence must be from 0 to 1"))
        #expect(message(["lines[0].quantity=1e300"]).contains("lines[0].quantity must be at most 1000000000"))
        #expect(message(["lines[0].quantity=0.5"]) == "accepted", "half a unit (0.5 kg) is a quantity")
    }

    @Test("With the material master's SKUs, a SKU set or added must be one of them and brings its name")
    func correctedSKUsAreCheckedAgainstTheCatalog() throws {
        let catalog = SKUCatalog([("CAF-1001", "Iced Americano"), ("CAF-1034", "Butter Croissant")])
        var record = makeRecord(1)
        record.intent.lines.append(OrderLine(sku: "OLD-9", name: "Retired Mug", text: "mug", quantity: 1, confidence: 1))
        let intent = record.intent
        func correct(_ assignments: [String]) throws -> IntentCorrection {
            try IntentCorrection(intent: intent, assignments: assignments, catalog: catalog)
        }
        #expect(throws: ReviewError.invalidCorrection(
            "lines[0].sku NOPE-1 is not in the material master; use one of its SKUs (the pipeline's master.materials file)")) {
            try correct(["lines[0].sku=NOPE-1"])
        }
        // Typed in lower case: the master's spelling, and its name rather than the old line's.
        let croissant = try correct(["lines[0].sku=caf-1034"])
        #expect(croissant.after.lines[0].sku == "CAF-1034" && croissant.after.lines[0].name == "Butter Croissant")
        #expect(croissant.changes.map(\.path) == ["lines[0].name", "lines[0].sku"])
        // A name set with the SKU is the reviewer's.
        #expect(try correct(["lines[0].sku=CAF-1034", "lines[0].name=\"Croissant, butter\""]).after.lines[0].name == "Croissant, butter")
        // A SKU the order already had passes, where it is and when a removal moves it up.
        #expect(try correct(["lines[1].quantity=2"]).after.lines[1].sku == "OLD-9")
        #expect(try correct(["lines[0]=null"]).after.lines.map(\.sku) == ["OLD-9"])
        // Without a catalog nothing is checked (a queue opened with no master data).
        #expect(try IntentCorrection(intent: intent, assignments: ["lines[0].sku=NOPE-1"]).after.lines[0].sku == "NOPE-1")
    }

    @Test("Lines can be added and removed by path")
    func addAndRemoveLines() throws {
        let intent = makeRecord(1).intent
        let added = try IntentCorrection(intent: intent, assignments: [
            #"lines[1]={"sku":"CAF-1002","text":"latte","quantity":2,"modifiers":[],"handling":[],"confidence":1}"#,
        ])
        #expect(added.after.lines.count == 2)
        #expect(added.changes.map(\.path) == ["lines[1]"])
        let removed = try IntentCorrection(intent: added.after, assignments: ["lines[0]=null"])
        #expect(removed.after.lines.map(\.sku) == ["CAF-1002"])
    }
}

/// What `IntentCorrection` says to `assignments` on `intent`: "accepted" or the error.
private func correctionMessage(_ intent: OrderIntent, _ assignments: [String]) -> String {
    do {
        _ = try IntentCorrection(intent: intent, assignments: assignments)
        return "accepted"
    } catch {
        return "\(error)"
    }
}
