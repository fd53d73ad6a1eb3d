import Foundation

/// A small JSON Schema (draft 2020-12) validator for the subset of keywords that
/// `docs/order.schema.json` uses, and nothing more.
///
/// The whole schema is checked when the validator is created: any keyword it does not
/// implement (or a malformed value of one it does) throws `SchemaError`, so the schema can
/// never silently rely on a keyword that is not enforced here. Instances are the `Any`
/// values `JSONSerialization` produces (`[String: Any]`, `[Any]`, `String`, `NSNumber`,
/// `NSNull`); native Swift `Bool`/`Int`/`Double` values are accepted too.
///
/// Supported:
/// - assertions: `type` (a name or an array of names, including `integer`), `enum`, `const`,
///   `required`, `properties`, `additionalProperties`, `items`, `minItems`, `maxItems`,
///   `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`, `exclusiveMinimum`,
///   `exclusiveMaximum`
/// - applicators: `$ref` (only `#/$defs/<name>`), `allOf`, `anyOf`, `oneOf`, `if`/`then`/`else`
/// - structure and annotations: `$schema` (2020-12 only), `$id`, `$defs` (root only),
///   `$comment`, `title`, `description`, `format` (`date-time` only, as an annotation,
///   like the 2020-12 default)
struct JSONSchemaValidator {
    struct SchemaError: Error, CustomStringConvertible {
        /// JSON-pointer-like location in the schema, e.g. `#/$defs/line/properties/sku`.
        let location: String
        let reason: String
        var description: String { "\(location): \(reason)" }
    }

    private static let annotationKeywords: Set<String> = ["$id", "$comment", "title", "description"]
    private static let assertionKeywords: Set<String> = [
        "type", "enum", "const", "required", "properties", "additionalProperties", "items",
        "minItems", "maxItems", "minLength", "maxLength", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "$ref", "allOf", "anyOf", "oneOf", "if", "then", "else", "format",
    ]
    private static let typeNames: Set<String> = ["null", "boolean", "object", "array", "number", "integer", "string"]
    private static let knownFormats: Set<String> = ["date-time"]
    private static let draft202012 = "https://json-schema.org/draft/2020-12/schema"

    private let root: Any
    private let definitions: [String: Any]
    private var patterns: [String: NSRegularExpression] = [:]

    /// Loads and checks a schema file.
    init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        try self.init(schema: try JSONSerialization.jsonObject(with: data))
    }

    /// Checks `schema` (every keyword, every `$ref`, every pattern) and throws `SchemaError`
    /// for anything this validator does not implement.
    init(schema: Any) throws {
        root = schema
        if let object = schema as? [String: Any] {
            if let dialect = object["$schema"] {
                guard let dialect = dialect as? String, dialect == Self.draft202012 else {
                    throw SchemaError(location: "#/$schema", reason: "only \(Self.draft202012) is supported")
                }
            }
            if let defs = object["$defs"] {
                guard let defs = defs as? [String: Any] else {
                    throw SchemaError(location: "#/$defs", reason: "must be an object of schemas")
                }
                definitions = defs
            } else {
                definitions = [:]
            }
        } else {
            definitions = [:]
        }
        try check(schema, at: "#", isRoot: true)
        for (name, definition) in definitions {
            try check(definition, at: "#/$defs/\(name)", isRoot: false)
        }
    }

    // MARK: - Validation

    /// Every way `instance` breaks the schema, as `"<json path>: <problem>"`; empty when valid.
    func validate(_ instance: Any) -> [String] {
        var errors: [String] = []
        validate(instance, against: root, at: "$", into: &errors)
        return errors
    }

    private func validate(_ value: Any, against schema: Any, at path: String, into errors: inout [String]) {
        if case .boolean(let allows) = JSONValue.kind(of: schema) {
            if !allows { errors.append("\(path): no value is allowed here") }
            return
        }
        guard let schema = schema as? [String: Any] else { return }  // rejected by `check` already

        if let reference = schema["$ref"] as? String, let target = resolve(reference) {
            validate(value, against: target, at: path, into: &errors)
        }

        let kind = JSONValue.kind(of: value)

        if let type = schema["type"] {
            let names = (type as? String).map { [$0] } ?? (type as? [String]) ?? []
            if !names.contains(where: { JSONValue.matches(value, kind: kind, typeName: $0) }) {
                let expected = names.count == 1 ? names[0] : "one of \(names.joined(separator: ", "))"
                errors.append("\(path): expected \(expected), got \(kind.name)")
            }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { JSONValue.equal($0, value) }) {
            errors.append("\(path): \(JSONValue.render(value)) is not one of \(JSONValue.render(options))")
        }
        if let constant = schema["const"], !JSONValue.equal(constant, value) {
            errors.append("\(path): expected \(JSONValue.render(constant)), got \(JSONValue.render(value))")
        }

        if case .object(let object) = kind {
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil {
                errors.append("\(path): missing required property \"\(key)\"")
            }
            let properties = (schema["properties"] as? [String: Any]) ?? [:]
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                let childPath = JSONValue.path(path, key: key)
                if let propertySchema = properties[key] {
                    validate(child, against: propertySchema, at: childPath, into: &errors)
                } else if let additional = schema["additionalProperties"] {
                    validate(child, against: additional, at: childPath, into: &errors)
                }
            }
        }

        if case .array(let array) = kind {
            if let items = schema["items"] {
                for (index, element) in array.enumerated() {
                    validate(element, against: items, at: "\(path)[\(index)]", into: &errors)
                }
            }
            if let minimum = JSONValue.integer(schema["minItems"]), array.count < minimum {
                errors.append("\(path): has \(array.count) items, needs at least \(minimum)")
            }
            if let maximum = JSONValue.integer(schema["maxItems"]), array.count > maximum {
                errors.append("\(path): has \(array.count) items, allows at most \(maximum)")
            }
        }

        if case .string(let string) = kind {
            let length = string.unicodeScalars.count
            if let minimum = JSONValue.integer(schema["minLength"]), length < minimum {
                errors.append("\(path): \(JSONValue.render(string)) is shorter than \(minimum) characters")
            }
            if let maximum = JSONValue.integer(schema["maxLength"]), length > maximum {
                errors.append("\(path): \(JSONValue.render(string)) is longer than \(maximum) characters")
            }
            if let pattern = schema["pattern"] as? String, let expression = patterns[pattern] {
                let range = NSRange(string.startIndex..., in: string)
                if expression.firstMatch(in: string, options: [], range: range) == nil {
                    errors.append("\(path): \(JSONValue.render(string)) does not match /\(pattern)/")
                }
            }
        }

        if case .number(let number) = kind {
            if let bound = JSONValue.number(schema["minimum"]), number < bound {
                errors.append("\(path): \(JSONValue.render(value)) is less than the minimum \(JSONValue.render(bound))")
            }
            if let bound = JSONValue.number(schema["maximum"]), number > bound {
                errors.append("\(path): \(JSONValue.render(value)) is greater than the maximum \(JSONValue.render(bound))")
            }
            if let bound = JSONValue.number(schema["exclusiveMinimum"]), number <= bound {
                errors.append("\(path): \(JSONValue.render(value)) must be greater than \(JSONValue.render(bound))")
            }
            if let bound = JSONValue.number(schema["exclusiveMaximum"]), number >= bound {
                errors.append("\(path): \(JSONValue.render(value)) must be less than \(JSONValue.render(bound))")
            }
        }

        if let all = schema["allOf"] as? [Any] {
            for subschema in all { validate(value, against: subschema, at: path, into: &errors) }
        }
        if let any = schema["anyOf"] as? [Any] {
            let passing = any.filter { isValid(value, against: $0, at: path) }.count
            if passing == 0 { errors.append("\(path): matches none of the anyOf schemas") }
        }
        if let one = schema["oneOf"] as? [Any] {
            let passing = one.filter { isValid(value, against: $0, at: path) }.count
            if passing != 1 { errors.append("\(path): matches \(passing) of the oneOf schemas, needs exactly 1") }
        }
        if let condition = schema["if"] {
            if isValid(value, against: condition, at: path) {
                if let then = schema["then"] { validate(value, against: then, at: path, into: &errors) }
            } else if let otherwise = schema["else"] {
                validate(value, against: otherwise, at: path, into: &errors)
            }
        }
        // `format` is an annotation in 2020-12 by default: nothing to assert.
    }

    private func isValid(_ value: Any, against schema: Any, at path: String) -> Bool {
        var errors: [String] = []
        validate(value, against: schema, at: path, into: &errors)
        return errors.isEmpty
    }

    private func resolve(_ reference: String) -> Any? {
        let prefix = "#/$defs/"
        guard reference.hasPrefix(prefix) else { return nil }
        return definitions[String(reference.dropFirst(prefix.count))]
    }

    // MARK: - Checking the schema itself

    private mutating func check(_ schema: Any, at location: String, isRoot: Bool) throws {
        if case .boolean = JSONValue.kind(of: schema) { return }
        guard let schema = schema as? [String: Any] else {
            throw SchemaError(location: location, reason: "a schema must be an object or a boolean")
        }
        for (keyword, value) in schema.sorted(by: { $0.key < $1.key }) {
            let here = "\(location)/\(keyword)"
            if keyword == "$schema" || keyword == "$defs" {
                guard isRoot else { throw SchemaError(location: here, reason: "\(keyword) is supported at the root only") }
                continue  // checked in init
            }
            if Self.annotationKeywords.contains(keyword) {
                guard value is String else { throw SchemaError(location: here, reason: "must be a string") }
                continue
            }
            guard Self.assertionKeywords.contains(keyword) else {
                throw SchemaError(location: here, reason: "unsupported keyword \"\(keyword)\"; teach JSONSchemaValidator or use a supported one")
            }
            switch keyword {
            case "type":
                let names = (value as? String).map { [$0] } ?? (value as? [String])
                guard let names, !names.isEmpty, names.allSatisfy(Self.typeNames.contains), Set(names).count == names.count else {
                    throw SchemaError(location: here, reason: "must be a type name or a non-empty array of distinct ones from \(Self.typeNames.sorted())")
                }
            case "enum":
                guard let options = value as? [Any], !options.isEmpty else {
                    throw SchemaError(location: here, reason: "must be a non-empty array")
                }
            case "const":
                break
            case "required":
                guard let keys = value as? [String], Set(keys).count == keys.count else {
                    throw SchemaError(location: here, reason: "must be an array of distinct strings")
                }
            case "properties":
                guard let properties = value as? [String: Any] else {
                    throw SchemaError(location: here, reason: "must be an object of schemas")
                }
                for (name, subschema) in properties.sorted(by: { $0.key < $1.key }) {
                    try check(subschema, at: "\(here)/\(name)", isRoot: false)
                }
            case "additionalProperties", "items", "if", "then", "else":
                try check(value, at: here, isRoot: false)
            case "allOf", "anyOf", "oneOf":
                guard let subschemas = value as? [Any], !subschemas.isEmpty else {
                    throw SchemaError(location: here, reason: "must be a non-empty array of schemas")
                }
                for (index, subschema) in subschemas.enumerated() {
                    try check(subschema, at: "\(here)/\(index)", isRoot: false)
                }
            case "minItems", "maxItems", "minLength", "maxLength":
                guard let count = JSONValue.integer(value), count >= 0 else {
                    throw SchemaError(location: here, reason: "must be a non-negative integer")
                }
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
                guard JSONValue.number(value) != nil else { throw SchemaError(location: here, reason: "must be a number") }
            case "pattern":
                guard let pattern = value as? String else { throw SchemaError(location: here, reason: "must be a string") }
                do {
                    patterns[pattern] = try NSRegularExpression(pattern: pattern)
                } catch {
                    throw SchemaError(location: here, reason: "invalid regular expression /\(pattern)/: \(error)")
                }
            case "$ref":
                guard let reference = value as? String, resolve(reference) != nil else {
                    throw SchemaError(location: here, reason: "only references to existing #/$defs/<name> are supported, got \(JSONValue.render(value))")
                }
            case "format":
                guard let format = value as? String, Self.knownFormats.contains(format) else {
                    throw SchemaError(location: here, reason: "unsupported format \(JSONValue.render(value)); known: \(Self.knownFormats.sorted())")
                }
            default:
                throw SchemaError(location: here, reason: "keyword \"\(keyword)\" is listed but not implemented")
            }
        }
        if schema["then"] != nil || schema["else"] != nil, schema["if"] == nil {
            throw SchemaError(location: location, reason: "then/else without if")
        }
    }
}

// MARK: - JSON values as JSONSerialization produces them

enum JSONValue {
    enum Kind {
        case null, boolean(Bool), number(Double), string(String), array([Any]), object([String: Any])

        var name: String {
            switch self {
            case .null: "null"
            case .boolean: "boolean"
            case .number(let value): value.isFinite && value.rounded(.towardZero) == value ? "integer" : "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        }
    }

    /// The class `NSNumber` booleans have (`__NSCFBoolean` on both Darwin and Linux).
    private static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))

    static func kind(of value: Any) -> Kind {
        switch value {
        case is NSNull: return .null
        case let string as String: return .string(string)
        case let object as [String: Any]: return .object(object)
        case let array as [Any]: return .array(array)
        default: break
        }
        // Native Swift values first: on Linux `1 as? Bool` succeeds, so order matters.
        switch value {
        case let bool as Bool where type(of: value) == Bool.self: return .boolean(bool)
        case let int as Int where type(of: value) == Int.self: return .number(Double(int))
        case let double as Double where type(of: value) == Double.self: return .number(double)
        default: break
        }
        if let number = value as? NSNumber {
            if ObjectIdentifier(type(of: number)) == booleanClass { return .boolean(number.boolValue) }
            return .number(number.doubleValue)
        }
        // Anything else is not JSON; treat it as a string description so it fails type checks visibly.
        return .string("<non-JSON \(type(of: value))>")
    }

    static func matches(_ value: Any, kind: Kind, typeName: String) -> Bool {
        switch (typeName, kind) {
        case ("null", .null), ("boolean", .boolean), ("string", .string), ("array", .array), ("object", .object),
             ("number", .number):
            return true
        case ("integer", .number(let number)):
            return number.isFinite && number.rounded(.towardZero) == number
        default:
            return false
        }
    }

    /// JSON equality: numbers by value (1 == 1.0), booleans never equal numbers.
    static func equal(_ lhs: Any, _ rhs: Any) -> Bool {
        switch (kind(of: lhs), kind(of: rhs)) {
        case (.null, .null): return true
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        default: return false
        }
    }

    static func number(_ value: Any?) -> Double? {
        guard let value, case .number(let number) = kind(of: value) else { return nil }
        return number
    }

    static func integer(_ value: Any?) -> Int? {
        guard let number = number(value), number.isFinite, number.rounded(.towardZero) == number,
              abs(number) < 1e15 else { return nil }
        return Int(number)
    }

    /// `$.a.b`, or `$["odd key"]` for keys that are not plain identifiers.
    static func path(_ base: String, key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "_" }
        return plain ? "\(base).\(key)" : "\(base)[\(render(key))]"
    }

    /// Compact JSON text of a value, for messages.
    static func render(_ value: Any) -> String {
        switch kind(of: value) {
        case .null: return "null"
        case .boolean(let bool): return bool ? "true" : "false"
        case .number(let number):
            if number.isFinite, number.rounded(.towardZero) == number, abs(number) < 1e15 { return String(Int(number)) }
            return String(number)
        case .string(let string):
            let data = (try? JSONSerialization.data(withJSONObject: [string], options: [.fragmentsAllowed])) ?? Data()
            let text = String(decoding: data, as: UTF8.self)
            return text.count >= 2 ? String(text.dropFirst().dropLast()) : "\"\(string)\""
        case .array(let array): return "[" + array.map(render).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.sorted { $0.key < $1.key }.map { "\(render($0.key)): \(render($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}
