import Foundation
import IntakeCore

/// Splits text into `Token`s, keeping product codes whole: `6205-2RS`, `26/6`, `P-101`,
/// `1.5` and `1,000` are one token each; a joiner (`-` `/` `.` `'`) only joins when letters or
/// digits stand on both sides.
public enum Tokenizer {
    public static func tokenize(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var index = 0
        func isAlnum(_ i: Int) -> Bool {
            i >= 0 && i < scalars.count && (CharacterSet.alphanumerics.contains(scalars[i]))
        }
        func isDigit(_ i: Int) -> Bool {
            i >= 0 && i < scalars.count && ("0"..."9").contains(scalars[i])
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if CharacterSet.alphanumerics.contains(scalar) {
                let start = index
                var text = String.UnicodeScalarView()
                var normDigits = String.UnicodeScalarView()
                while index < scalars.count {
                    let current = scalars[index]
                    if CharacterSet.alphanumerics.contains(current) {
                        text.append(current)
                        normDigits.append(current)
                        index += 1
                    } else if "-/'’".unicodeScalars.contains(current) && isAlnum(index - 1) && isAlnum(index + 1) {
                        text.append(current)
                        normDigits.append(current == "’" ? "'" : current)
                        index += 1
                    } else if current == "." && isDigit(index - 1) && isDigit(index + 1) {
                        text.append(current)
                        normDigits.append(current)
                        index += 1
                    } else if current == "," && isDigit(index - 1) && isDigit(index + 1) && isDigit(index + 2) && isDigit(index + 3)
                        && !isDigit(index + 4) && String(text).allSatisfy({ $0.isNumber })
                    {
                        text.append(current)  // thousands separator: kept as written, dropped from norm
                        index += 1
                    } else {
                        break
                    }
                }
                let written = String(text)
                // Width folded too: chat apps and OCR of CJK pages give fullwidth digits ("３").
                let norm = String(normDigits).folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
                let kind: Token.Kind = norm.allSatisfy({ $0.isNumber || $0 == "." }) && norm.first?.isNumber == true
                    ? Double(norm).map(Token.Kind.number) ?? .word : .word
                tokens.append(Token(text: written, norm: norm, span: TextSpan(start: start, end: index), kind: kind))
                continue
            }
            if isSeparator(scalar, at: index, in: scalars) {
                tokens.append(Token(
                    text: String(scalar), norm: String(scalar), span: TextSpan(start: index, end: index + 1), kind: .separator))
            }
            index += 1
        }
        return tokens
    }

    private static func isSeparator(_ scalar: Unicode.Scalar, at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        switch scalar {
        case ",", ";", ".", "!", "?", ":", "(", ")", "[", "]", "&", "+", "\n", "•", "*", "|": return true
        case "-", "–", "—":
            // A dash between spaces or at the start of a line is a break ("latte - 2", "- 5 reams").
            let before = index == 0 ? "\n" : scalars[index - 1]
            return before == " " || before == "\n" || before == "\t"
        default: return false
        }
    }
}
