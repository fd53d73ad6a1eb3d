import IntakeCore

/// A word, number or separator of an input text, with where it stands.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case word
        /// Digits, possibly with a decimal point or thousands commas (removed from `norm`).
        case number(Double)
        /// A clause break: `,` `;` `.` `!` `?` `:` `(` `)` `&` `+`, a bullet, or a line break.
        case separator
    }

    /// As written.
    public let text: String
    /// Lower-cased, accents folded (`Café` → `cafe`).
    public let norm: String
    /// Unicode scalar offsets in the input.
    public let span: TextSpan
    public let kind: Kind

    public var isSeparator: Bool { kind == .separator }
    public var number: Double? {
        if case .number(let value) = kind { return value }
        return nil
    }
    /// True for a word that starts with an upper-case letter as written.
    public var isCapitalized: Bool { text.first?.isUppercase ?? false }
}
