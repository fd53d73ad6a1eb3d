import Foundation
import IntakeCore

/// A reviewer's correction of an order's intent: assignments like `lines[0].quantity=4` (or a
/// whole corrected intent), checked against the contract, and the field-by-field diff it made.
public struct IntentCorrection: Sendable {
    /// One changed field: `lines[0].quantity` from `3` to `4`.
    public struct Change: Codable, Sendable, Equatable {
        public var path: String
        public var before: JSONValue?
        public var after: JSONValue?
    }

    public let before: OrderIntent
    public let after: OrderIntent
    public let changes: [Change]

    /// Applies `path=value` assignments. Paths are relative to the intent (`intent.` may be
    /// written); `[n]` indexes arrays, `[count]` appends, and `null` on an element removes it.
    /// With a `catalog`, a SKU set or added must be one of it (see `init(before:corrected:catalog:)`).
    public init(intent: OrderIntent, assignments: [String], catalog: SKUCatalog? = nil) throws {
        var document = try JSONValue(encoding: intent)
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ReviewError.invalidCorrection("\(assignment): write PATH=VALUE, e.g. lines[0].quantity=4")
            }
            let path = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = JSONValue.parseLoose(String(assignment[assignment.index(after: equals)...]))
            let steps = try Self.parse(path: path)
            document = try Self.set(value, at: steps[...], in: document, path: path)
        }
        try self.init(before: intent, corrected: document, catalog: catalog)
    }

    /// Replaces the intent with a whole corrected one (`--json FILE`). With a `catalog`, a line
    /// whose SKU is new or changed must name one of its SKUs, and takes that SKU's name unless
    /// the correction also set the name.
    public init(before: OrderIntent, corrected document: JSONValue, catalog: SKUCatalog? = nil) throws {
        self.before = before
        var after: OrderIntent
        do {
            after = try document.decode(OrderIntent.self)
        } catch let error as DecodingError {
            throw ReviewError.invalidCorrection("the corrected intent does not fit the order contract: \(Self.describe(error))")
        }
        try Self.checkValues(after)
        if let catalog { try Self.checkSKUs(&after, before: before, catalog: catalog) }
        self.after = after
        changes = Self.diff(try JSONValue(encoding: before), try JSONValue(encoding: after), path: "")
        if changes.isEmpty { throw ReviewError.invalidCorrection("nothing changed; use `intake review approve` to accept the order as it is") }
    }

    /// More than any order line holds; "1e300" approved made `intake review list` trap on it.
    static let largestQuantity = 1e9

    /// Values of the right type that no order may hold: a reviewer's "-5" or "0" would otherwise
    /// be approved and sent on.
    static func checkValues(_ intent: OrderIntent) throws {
        func refuse(_ reason: String) -> ReviewError { .invalidCorrection(reason) }
        guard (0...1).contains(intent.confidence) else { throw refuse("confidence must be from 0 to 1 (it is \(intent.confidence))") }
        for (index, line) in intent.lines.enumerated() {
            guard line.quantity > 0 else {
                throw refuse("lines[\(index)].quantity must be more than 0 (it is \(line.quantity)); remove the line with lines[\(index)]=null")
            }
            guard line.quantity <= Self.largestQuantity else {
                throw refuse("lines[\(index)].quantity must be at most \(Int(Self.largestQuantity)) (it is \(line.quantity))")
            }
            if let price = line.unitPrice, price < 0 { throw refuse("lines[\(index)].unit_price must be 0 or more (it is \(price))") }
            guard (0...1).contains(line.confidence) else {
                throw refuse("lines[\(index)].confidence must be from 0 to 1 (it is \(line.confidence))")
            }
        }
    }

    /// A SKU typed by a reviewer that the master lacks would be approved and sent on as an
    /// item nobody stocks; one that is right would keep the old product's name beside it.
    static func checkSKUs(_ intent: inout OrderIntent, before: OrderIntent, catalog: SKUCatalog) throws {
        for index in intent.lines.indices {
            guard let sku = intent.lines[index].sku else { continue }
            let previous = before.lines.indices.contains(index) ? before.lines[index] : nil
            // Unchanged, or a line moved up by the removal of one before it.
            if previous?.sku == sku || before.lines.contains(where: { $0.sku == sku }) { continue }
            guard let material = catalog.material(sku) else {
                throw ReviewError.invalidCorrection(
                    "lines[\(index)].sku \(sku) is not in the material master; use one of its SKUs (the pipeline's master.materials file)")
            }
            intent.lines[index].sku = material.sku
            if intent.lines[index].name == nil || intent.lines[index].name == previous?.name {
                intent.lines[index].name = material.name
            }
        }
    }

    // MARK: Paths

    enum Step: Equatable { case key(String), index(Int) }

    static func parse(path: String) throws -> [Step] {
        var text = Substring(path)
        if text.hasPrefix("intent.") { text = text.dropFirst("intent.".count) }
        var steps: [Step] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = part
            let name = rest.prefix { $0 != "[" }
            if name.isEmpty && steps.isEmpty { throw ReviewError.invalidCorrection("\(path): a path starts with a field name") }
            if !name.isEmpty { steps.append(.key(String(name))) }
            rest = rest.dropFirst(name.count)
            while rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else {
                    throw ReviewError.invalidCorrection("\(path): an index is written [0], [1], …")
                }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty || (name.isEmpty && part.isEmpty) { throw ReviewError.invalidCorrection("\(path): cannot read this path") }
        }
        guard !steps.isEmpty else { throw ReviewError.invalidCorrection("empty path") }
        return steps
    }

    static func set(_ value: JSONValue, at steps: ArraySlice<Step>, in document: JSONValue, path: String) throws -> JSONValue {
        guard let step = steps.first else { return value }
        let rest = steps.dropFirst()
        switch (step, document) {
        case let (.key(key), .object(object)):
            var object = object
            if rest.isEmpty && value == .null { object[key] = nil } else {
                object[key] = try set(value, at: rest, in: object[key] ?? Self.empty(for: rest.first), path: path)
            }
            return .object(object)
        case let (.index(index), .array(array)):
            var array = array
            guard index <= array.count else {
                throw ReviewError.invalidCorrection("\(path): index \(index) is past the end (there are \(array.count)); use [\(array.count)] to add one")
            }
            if rest.isEmpty && value == .null {
                guard index < array.count else { throw ReviewError.invalidCorrection("\(path): nothing to remove at \(index)") }
                array.remove(at: index)
            } else if index == array.count {
                array.append(try set(value, at: rest, in: Self.empty(for: rest.first), path: path))
            } else {
                array[index] = try set(value, at: rest, in: array[index], path: path)
            }
            return .array(array)
        case (.key(let key), _):
            throw ReviewError.invalidCorrection("\(path): \(key) is a field of an object, but here the value is \(document)")
        case (.index, _):
            throw ReviewError.invalidCorrection("\(path): [n] indexes a list, but here the value is \(document)")
        }
    }

    private static func empty(for step: Step?) -> JSONValue {
        switch step {
        case .index: .array([])
        case .key: .object([:])
        case nil: .null
        }
    }

    // MARK: Diff

    static func diff(_ before: JSONValue?, _ after: JSONValue?, path: String) -> [Change] {
        switch (before, after) {
        case let (.object(a)?, .object(b)?):
            return Set(a.keys).union(b.keys).sorted().flatMap { key in
                diff(a[key], b[key], path: path.isEmpty ? key : "\(path).\(key)")
            }
        case let (.array(a)?, .array(b)?):
            return (0..<max(a.count, b.count)).flatMap { i in
                diff(i < a.count ? a[i] : nil, i < b.count ? b[i] : nil, path: "\(path)[\(i)]")
            }
        default:
            return before == after ? [] : [Change(path: path, before: before, after: after)]
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .keyNotFound(key, context): return "\(at(context.codingPath + [key])) is required"
        case let .typeMismatch(type, context): return "\(at(context.codingPath)) must be a \(type)"
        case let .valueNotFound(type, context): return "\(at(context.codingPath)) must be a \(type)"
        case let .dataCorrupted(context): return "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
