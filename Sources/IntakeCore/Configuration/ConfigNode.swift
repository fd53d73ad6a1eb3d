import Foundation
import Yams

/// A node of a YAML configuration file that remembers where it is, so every error names the
/// file, the line and the key path (`routes[0].stages[1].concurrency`).
///
/// Readers ask for what they expect (`string("name")`, `int("buffer", default: 16)`) and call
/// `allowOnly(_:)` so a misspelt key is an error rather than silently ignored.
public struct ConfigNode: @unchecked Sendable {
    // @unchecked: Yams.Node is an immutable value tree once composed.
    public let node: Node
    public let file: String
    public let path: String

    /// An empty mapping: what a stage without `options:` gets.
    public static func empty(file: String, path: String = "") -> ConfigNode {
        ConfigNode(node: .mapping(Node.Mapping([])), file: file, path: path)
    }

    public init(node: Node, file: String, path: String = "") {
        self.node = node
        self.file = file
        self.path = path
    }

    /// Parses YAML text; a syntax error is reported with its line.
    public static func parse(_ text: String, file: String) throws -> ConfigNode {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, line: 1, reason: "the file is empty")
            }
            return ConfigNode(node: node, file: file)
        } catch let error as YamlError {
            let (line, problem) = Self.describe(error)
            throw ConfigurationError(file: file, line: line, reason: "not valid YAML: \(problem)")
        }
    }

    /// Reads and parses a YAML file.
    public static func load(_ url: URL) throws -> ConfigNode {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: url.path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: url.path)
    }

    public var line: Int? { node.mark?.line }

    /// An error located at this node.
    public func error(_ reason: String, key: String? = nil) -> ConfigurationError {
        ConfigurationError(file: file, line: line, key: key.map(childPath) ?? (path.isEmpty ? nil : path), reason: reason)
    }

    // MARK: Structure

    public var isMapping: Bool { node.mapping != nil }

    /// The mapping's keys in file order.
    public func keys() throws -> [String] {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys to values") }
        return mapping.keys.compactMap(\.string)
    }

    /// Fails on the first key not in `allowed`, naming the keys that are.
    public func allowOnly(_ allowed: Set<String>) throws {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys to values") }
        for key in mapping.keys {
            let name = key.string ?? "\(key)"
            if !allowed.contains(name) {
                throw ConfigurationError(
                    file: file, line: key.mark?.line, key: childPath(name),
                    reason: "unknown key; expected one of: \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    public func optional(_ key: String) throws -> ConfigNode? {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys to values") }
        guard let value = mapping[key] else { return nil }
        if case .scalar(let scalar) = value, scalar.tag.rawValue == Tag.Name.null.rawValue || (scalar.string == "" && scalar.style == .plain) {
            return nil
        }
        return ConfigNode(node: value, file: file, path: childPath(key))
    }

    public func required(_ key: String) throws -> ConfigNode {
        guard let child = try optional(key) else { throw error("missing required key", key: key) }
        return child
    }

    /// The elements of a sequence (a single scalar counts as a one-element list).
    public func elements() throws -> [ConfigNode] {
        switch node {
        case .sequence(let sequence):
            return sequence.enumerated().map { ConfigNode(node: $1, file: file, path: "\(path)[\($0)]") }
        case .scalar:
            return [self]
        default:
            throw error("expected a list")
        }
    }

    // MARK: Scalars

    public func stringValue() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        return scalar.string
    }

    public func intValue() throws -> Int {
        guard let value = Int(try stringValue()) else { throw error("expected a whole number") }
        return value
    }

    public func doubleValue() throws -> Double {
        guard let value = Double(try stringValue()) else { throw error("expected a number") }
        return value
    }

    public func boolValue() throws -> Bool {
        switch try stringValue().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    /// Seconds, written as a number or with a unit: `250ms`, `30s`, `5m`, `2h`, `30d`.
    public func durationValue() throws -> Double {
        guard let seconds = Self.seconds(try stringValue()) else { throw error("expected a duration such as 500ms, 30s or 2m") }
        return seconds
    }

    /// Seconds in a duration written as a number or with a unit (`250ms`, `30s`, `5m`, `1h`, `7d`); nil if malformed.
    public static func seconds(_ duration: String) -> Double? {
        let text = duration.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value >= 0 { return value * scale }
        }
        if let value = Double(text), value >= 0 { return value }
        return nil
    }

    /// Bytes, written as a number or with a unit: `512KB`, `8MB`, `1GB` (powers of 1024).
    public func byteSizeValue() throws -> Int {
        let text = try stringValue().trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Double)] = [("KB", 1024), ("MB", 1024 * 1024), ("GB", 1024 * 1024 * 1024), ("B", 1)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), value > 0 { return Int(value * scale) }
        }
        if let value = Int(text), value > 0 { return value }
        throw error("expected a size such as 64KB, 8MB or 1GB")
    }

    public func stringList() throws -> [String] {
        try elements().map { try $0.stringValue() }
    }

    // MARK: Keyed conveniences

    public func string(_ key: String) throws -> String { try required(key).stringValue() }
    public func string(_ key: String, default value: String) throws -> String { try optional(key)?.stringValue() ?? value }
    public func optionalString(_ key: String) throws -> String? { try optional(key)?.stringValue() }
    public func int(_ key: String, default value: Int) throws -> Int { try optional(key)?.intValue() ?? value }
    public func double(_ key: String, default value: Double) throws -> Double { try optional(key)?.doubleValue() ?? value }
    public func bool(_ key: String, default value: Bool) throws -> Bool { try optional(key)?.boolValue() ?? value }
    public func stringList(_ key: String) throws -> [String] { try optional(key)?.stringList() ?? [] }

    /// A file or directory path, relative to the configuration file unless absolute.
    public func optionalPath(_ key: String) throws -> URL? {
        try optionalString(key).map { value in
            value.hasPrefix("/")
                ? URL(fileURLWithPath: value)
                : URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(value).standardizedFileURL
        }
    }

    /// A number within `range`, with the range named in the error.
    public func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        let result = try int(key, default: value)
        guard range.contains(result) else { throw error("must be between \(range.lowerBound) and \(range.upperBound)", key: key) }
        return result
    }

    public func double(_ key: String, default value: Double, in range: ClosedRange<Double>) throws -> Double {
        let result = try double(key, default: value)
        guard range.contains(result) else { throw error("must be between \(range.lowerBound) and \(range.upperBound)", key: key) }
        return result
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func describe(_ error: YamlError) -> (line: Int?, problem: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return (mark.line, problem)
        default:
            return (nil, "\(error)")
        }
    }
}
