import Foundation
import IntakeAlignment
import IntakeCore
import Testing

@testable import IntakeDocuments

/// What the document tests share: the demo material master, the repository's templates, and a
/// reader; orders are printed by `PurchaseOrderRenderer` (ImageMagick) and read back for real.
enum DocumentFixture {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let master: MaterialMaster = try! MaterialMaster.load(repository.appendingPathComponent("samples/master/materials.csv"))
    static let templates: TemplateLibrary = try! TemplateLibrary.load(repository.appendingPathComponent("models/templates"))

    /// A fixed order of `items` materials that have prices.
    static func spec(_ layout: PurchaseOrderSpec.Layout, items: Int, seed: UInt64 = 11) -> PurchaseOrderSpec {
        var random = SeededRandom(seed: seed)
        return PurchaseOrderSpec.random(master: master, layout: layout, itemCount: items, random: &random)
    }

    /// Bytes → what `document.decode`, `document.read` and `document.extract` make of them.
    static func read(_ bytes: Data, settings: DocumentReader.Settings = .init()) throws -> (document: ReadDocument, order: PurchaseOrder, draft: OrderDraft) {
        let document = try DocumentReader(settings: settings).read(try DocumentDecoder().decode(bytes))
        let order = PurchaseOrderExtractor(templates: templates).extract(document)
        return (document, order, PurchaseOrderAligner(master: master).align(order, notes: document.notes))
    }

    /// ImageMagick's output for `arguments` (which end in an output such as `png:-`).
    static func imageMagick(_ arguments: [String]) throws -> Data {
        try #require(try ExternalCommand.run("/usr/bin/convert", arguments)).output
    }
}
