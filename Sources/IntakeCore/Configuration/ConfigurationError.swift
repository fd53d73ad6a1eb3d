/// A configuration or master-data file that cannot be used, located to file, line and key.
///
/// Printed as `file:line: key: reason`, the form editors and CI logs link to.
public struct ConfigurationError: IntakeError, Equatable {
    public let file: String
    public let line: Int?
    public let key: String?
    public let reason: String

    public init(file: String, line: Int? = nil, key: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    public var code: String { "configuration_invalid" }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let key, !key.isEmpty { return "\(location): \(key): \(reason)" }
        return "\(location): \(reason)"
    }
}
