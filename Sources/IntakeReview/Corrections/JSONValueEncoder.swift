import Foundation

/// Any `Encodable` → `JSONValue`, directly: the value `JSONValue.encoder` (ISO 8601 dates) would
/// write as text and `JSONValueParser` read back, without the text in between.
///
/// Every stored order goes through here (the record, its evidence rows, its audit state); the
/// round trip through text took four times as long (165 against 43 µs for a vibration order).
/// Numbers follow `JSONEncoder`: a `Float` is written as its own shortest digits (0.1 as a
/// `Float` is 0.1, not 0.10000000149), and a non-finite number throws, as it would there.
struct JSONValueEncoder {
    static func encode(_ value: some Encodable) throws -> JSONValue {
        let root = Node()
        try root.encode(value, path: nil)
        return root.value
    }
}

/// A value being encoded. Containers hand out nodes for nested values and fill them later, so
/// the tree is built from references and becomes a `JSONValue` once complete. Plain values
/// (strings, numbers) go straight into their parent, without a node of their own.
private final class Node {
    private enum Kind { case empty, value, object, array }
    enum Slot {
        case value(JSONValue)
        case node(Node)
        var value: JSONValue {
            switch self {
            case let .value(value): value
            case let .node(node): node.value
            }
        }
    }

    // Kept apart rather than in one enum with payloads: a container adds to its node's
    // members or elements in place, where an enum payload would be copied at every addition.
    private var kind = Kind.empty
    private var scalar = JSONValue.null
    /// In the order encoded; a key encoded twice keeps its last value, as in `JSONEncoder`.
    private var members: [(key: String, slot: Slot)] = []
    private var elements: [Slot] = []

    var value: JSONValue {
        switch kind {
        // A value that encoded nothing is an empty object, as with `JSONEncoder`.
        case .empty: .object([:])
        case .value: scalar
        case .object: .object(Dictionary(members.lazy.map { ($0.key, $0.slot.value) }, uniquingKeysWith: { $1 }))
        case .array: .array(elements.map(\.value))
        }
    }

    var count: Int { elements.count }

    func set(_ value: JSONValue) {
        kind = .value
        scalar = value
    }

    func makeObject() { if kind != .object { kind = .object; members = [] } }
    func makeArray() { if kind != .array { kind = .array; elements = [] } }

    func set(_ value: JSONValue, forKey key: String) {
        makeObject()
        members.append((key, .value(value)))
    }

    func append(_ value: JSONValue) {
        makeArray()
        elements.append(.value(value))
    }

    /// A new node for the value of `key`.
    func member(_ key: String) -> Node {
        makeObject()
        let node = Node()
        members.append((key, .node(node)))
        return node
    }

    /// A new node as the last element.
    func append() -> Node {
        makeArray()
        let node = Node()
        elements.append(.node(node))
        return node
    }

    /// Encodes `value` into this node: the types `JSONEncoder` writes in its own way first.
    /// Types are compared, not cast: a dynamic cast per value cost more than the rest.
    func encode<T: Encodable>(_ value: T, path: PathLink?) throws {
        if T.self == Date.self {
            set(.string((value as! Date).formatted(.iso8601)))
        } else if T.self == URL.self {
            set(.string((value as! URL).absoluteString))
        } else if T.self == Data.self {
            set(.string((value as! Data).base64EncodedString()))
        } else if T.self == Decimal.self {
            set(.number(NSDecimalNumber(decimal: value as! Decimal).doubleValue))
        } else {
            try value.encode(to: NodeEncoder(node: self, path: path))
        }
    }

    static func number(_ value: Double, path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path(), debugDescription: "\(value) is not a JSON number"))
        }
        return .number(value)
    }

    static func number(_ value: Float, path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path(), debugDescription: "\(value) is not a JSON number"))
        }
        // The shortest digits that read back as this Float, read as a Double: what the text held.
        return .number(Double(value.description) ?? Double(value))
    }
}

/// The coding path as a chain to the root: built as deep as values nest, turned into an array
/// only when asked for (an error, or a type that reads `codingPath`).
private final class PathLink {
    let parent: PathLink?
    let key: any CodingKey

    init(_ parent: PathLink?, _ key: any CodingKey) {
        self.parent = parent
        self.key = key
    }

    static func keys(_ link: PathLink?) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var link = link
        while let current = link {
            keys.append(current.key)
            link = current.parent
        }
        return keys.reversed()
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let path: PathLink?
    var codingPath: [any CodingKey] { PathLink.keys(path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, path: path)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let path: PathLink?
    var codingPath: [any CodingKey] { PathLink.keys(path) }

    private func set(_ value: JSONValue, _ key: Key) { node.set(value, forKey: key.stringValue) }
    private func keyPath(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    mutating func encodeNil(forKey key: Key) throws { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(try Node.number(value, path: keyPath(key)), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(try Node.number(value, path: keyPath(key)), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(.number(Double(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(.number(Double(value)), key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try node.member(key.stringValue).encode(value, path: PathLink(path, key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.member(key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, path: PathLink(path, key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.member(key.stringValue)
        child.makeArray()
        return UnkeyedContainer(node: child, path: PathLink(path, key))
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.member("super"), path: path)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.member(key.stringValue), path: PathLink(path, key))
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let path: PathLink?
    var codingPath: [any CodingKey] { PathLink.keys(path) }
    var count: Int { node.count }

    private var next: PathLink { PathLink(path, IndexKey(count)) }

    mutating func encodeNil() throws { node.append(.null) }
    mutating func encode(_ value: Bool) throws { node.append(.bool(value)) }
    mutating func encode(_ value: String) throws { node.append(.string(value)) }
    mutating func encode(_ value: Double) throws { node.append(try Node.number(value, path: PathLink.keys(next))) }
    mutating func encode(_ value: Float) throws { node.append(try Node.number(value, path: PathLink.keys(next))) }
    mutating func encode(_ value: Int) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: Int8) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: Int16) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: Int32) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: Int64) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: UInt) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: UInt8) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: UInt16) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: UInt32) throws { node.append(.number(Double(value))) }
    mutating func encode(_ value: UInt64) throws { node.append(.number(Double(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let link = next
        try node.append().encode(value, path: link)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let link = next
        let child = node.append()
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, path: link))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let link = next
        let child = node.append()
        child.makeArray()
        return UnkeyedContainer(node: child, path: link)
    }

    mutating func superEncoder() -> any Encoder {
        let link = next
        return NodeEncoder(node: node.append(), path: link)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: Node
    let path: PathLink?
    var codingPath: [any CodingKey] { PathLink.keys(path) }

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.set(.string(value)) }
    mutating func encode(_ value: Double) throws { node.set(try Node.number(value, path: codingPath)) }
    mutating func encode(_ value: Float) throws { node.set(try Node.number(value, path: codingPath)) }
    mutating func encode(_ value: Int) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: Int8) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: Int16) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: Int32) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: Int64) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: UInt) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: UInt8) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: UInt16) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: UInt32) throws { node.set(.number(Double(value))) }
    mutating func encode(_ value: UInt64) throws { node.set(.number(Double(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try node.encode(value, path: path)
    }
}
