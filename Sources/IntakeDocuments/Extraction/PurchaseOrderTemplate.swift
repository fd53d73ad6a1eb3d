import Foundation
import IntakeCore

/// How one supplier's purchase orders are laid out, as data (`models/templates/*.yaml`):
/// keywords that pick the template, labels and patterns of header fields, labels of table
/// columns, the decimal separator and date formats. A template names only what differs from
/// `generic.yaml`; adding a supplier needs no Swift.
public struct PurchaseOrderTemplate: Sendable, Equatable {
    /// Header fields intake reads.
    public enum Field: String, Sendable, CaseIterable {
        case poNumber = "po_number", orderDate = "order_date", supplier, shipTo = "ship_to", currency, subtotal, total
    }

    /// Table columns intake reads.
    public enum Column: String, Sendable, CaseIterable {
        case code, description, quantity, unit, unitPrice = "unit_price", amount
        var isNumeric: Bool { self == .quantity || self == .unitPrice || self == .amount }
    }

    public struct FieldRule: Sendable, Equatable {
        public var labels: [String]
        /// A regular expression the value must contain; the match is the value.
        public var pattern: String?
    }

    public var name: String
    /// The supplier these orders come from, when the page does not name it.
    public var supplier: String?
    /// Words or phrases on the first page that identify the supplier's layout.
    public var keywords: [String]
    public var fields: [Field: FieldRule]
    public var columns: [Column: [String]]
    /// Labels of the rows that end the line-item table (Subtotal, Total…).
    public var tableEnd: [String]
    public var decimalSeparator: Character
    public var dateFormats: [String]
    public var currency: String?

    /// Reads a template; keys it leaves out come from `base`.
    public static func load(_ url: URL, base: PurchaseOrderTemplate?) throws -> PurchaseOrderTemplate {
        let root = try ConfigNode.load(url)
        try root.allowOnly(["name", "supplier", "keywords", "fields", "columns", "table_end", "decimal_separator", "date_formats", "currency", "description"])
        var template = base ?? PurchaseOrderTemplate(
            name: "", supplier: nil, keywords: [], fields: [:], columns: [:], tableEnd: [], decimalSeparator: ".", dateFormats: [], currency: nil)
        template.name = try root.string("name")
        template.supplier = try root.optionalString("supplier")
        template.keywords = try root.stringList("keywords")
        template.currency = try root.optionalString("currency") ?? (base == nil ? nil : template.currency)
        if let fields = try root.optional("fields") {
            for key in try fields.keys() {
                let node = try fields.required(key)
                guard let field = Field(rawValue: key) else {
                    throw node.error("unknown field; use one of \(Field.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                try node.allowOnly(["labels", "pattern"])
                let pattern = try node.optionalString("pattern")
                if let pattern, (try? NSRegularExpression(pattern: pattern)) == nil { throw node.error("pattern is not a valid regular expression") }
                template.fields[field] = FieldRule(labels: try node.stringList("labels"), pattern: pattern ?? template.fields[field]?.pattern)
            }
        }
        if let columns = try root.optional("columns") {
            for key in try columns.keys() {
                guard let column = Column(rawValue: key) else {
                    throw try columns.required(key).error("unknown column; use one of \(Column.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                template.columns[column] = try columns.stringList(key)
            }
        }
        if try root.optional("table_end") != nil { template.tableEnd = try root.stringList("table_end") }
        if let separator = try root.optionalString("decimal_separator") {
            guard separator == "." || separator == "," else { throw try root.required("decimal_separator").error("use \".\" or \",\"") }
            template.decimalSeparator = Character(separator)
        }
        if try root.optional("date_formats") != nil { template.dateFormats = try root.stringList("date_formats") }
        for column in [Column.quantity, .unitPrice] where template.columns[column, default: []].isEmpty {
            throw root.error("the template needs labels for the \(column.rawValue) column (here or in generic.yaml)")
        }
        return template
    }
}

/// Every supplier template of a folder: `generic.yaml` (the base and the fallback) and the
/// supplier files that refine it. Chooses a template by keywords on the first page.
public struct TemplateLibrary: Sendable {
    public let generic: PurchaseOrderTemplate
    public let suppliers: [PurchaseOrderTemplate]

    public init(generic: PurchaseOrderTemplate, suppliers: [PurchaseOrderTemplate] = []) {
        self.generic = generic
        self.suppliers = suppliers
    }

    public static func load(_ folder: URL) throws -> TemplateLibrary {
        let base = folder.appendingPathComponent("generic.yaml")
        guard FileManager.default.fileExists(atPath: base.path) else {
            throw ConfigurationError(file: base.path, reason: "missing; every template folder needs generic.yaml (the fallback and base)")
        }
        let generic = try PurchaseOrderTemplate.load(base, base: nil)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") && $0 != "generic.yaml" }.sorted()
        let suppliers = try names.map { try PurchaseOrderTemplate.load(folder.appendingPathComponent($0), base: generic) }
        for template in suppliers where template.keywords.isEmpty {
            throw ConfigurationError(file: folder.appendingPathComponent(template.name).path, reason: "a supplier template needs keywords to be chosen by")
        }
        return TemplateLibrary(generic: generic, suppliers: suppliers)
    }

    /// The supplier template with the most keywords found in `text`, else the generic one.
    public func template(for text: String) -> PurchaseOrderTemplate {
        let folded = LabelText.compact(text)
        let scored = suppliers.map { template in (template, template.keywords.filter { folded.contains(LabelText.compact($0)) }.count) }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 > 0 else { return generic }
        return best.0
    }
}

/// Text compared the way labels are: lowercased, without spaces or punctuation, so "P.O. No:"
/// equals "PO No" and "订 单 号" equals "订单号".
enum LabelText {
    static func compact(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
    }

    /// A code or number as read, for comparing misreads: its ASCII letters (upper-cased) and
    /// digits only, as bytes for `EditDistance`.
    static func codeKey(_ text: String) -> [UInt8] {
        Array(text.uppercased().utf8.filter { (48...57).contains($0) || (65...90).contains($0) })
    }
}
