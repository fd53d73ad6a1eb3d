import Foundation

/// Numbers and dates as printed on purchase orders, read with a template's conventions.
enum FieldValues {
    /// An amount or quantity: currency signs and codes dropped, thousands separators removed,
    /// `decimalSeparator` honoured. Letters OCR confuses with digits (O→0, l→1, S→5, A→4, G→6)
    /// are repaired only when everything else is a number; `repaired` says so, as it does for
    /// brackets, quotes, guillemets and stops glued to the number ("17)", "75.60.", "«171.60": a
    /// rule or speck beside it).
    static func number(_ text: String, decimalSeparator: Character) -> (value: Double, repaired: Bool)? {
        var body = text.trimmingCharacters(in: .whitespaces)
        for symbol in ["€", "$", "¥", "£", "￥", "CNY", "RMB", "EUR", "USD", "GBP", "元"] { body = body.replacingOccurrences(of: symbol, with: "") }
        body = body.replacingOccurrences(of: " ", with: "")
        let confusions: [Character: Character] = ["O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8", "Z": "2", "A": "4", "G": "6"]
        var repaired = false
        var glued = Substring(body)
        while let first = glued.first, "([{'\"‘“«‹<".contains(first) { glued.removeFirst() }
        while let last = glued.last, ".,)]}'\"’”:;!»›>".contains(last) { glued.removeLast() }
        if glued.count < body.count, glued.contains(where: \.isDigit) {
            body = String(glued)
            repaired = true
        }
        // Ruling-line remnants before a number ("—-9.20" for 9.20); a lone "-" stays a minus.
        if let first = body.first, "—–~=_".contains(first) {
            body = String(body.drop { "—–~=_-".contains($0) })
            repaired = true
        }
        guard !body.isEmpty else { return nil }
        // A letter glued to the end or start of a number ("14s", "l2") is usually a speck or a
        // neighbour; the arithmetic cross-check catches the rare case where it was not.
        while let last = body.last, last.isLetter, confusions[last] == nil, body.dropLast().contains(where: \.isNumber) {
            body.removeLast()
            repaired = true
        }
        var characters: [Character] = []
        for character in body {
            if character.isNumber || character == "." || character == "," || character == "-" {
                characters.append(character)
            } else if let digit = confusions[character] {
                characters.append(digit)
                repaired = true
            } else {
                return nil
            }
        }
        guard characters.contains(where: \.isNumber) else { return nil }
        // Thousands come in groups of three digits, so a last separator followed by one or two
        // digits is the decimal point whatever OCR made of it ("24,50" for 24.50).
        var decimal: Int? = nil
        if let last = characters.lastIndex(where: { $0 == "." || $0 == "," }) {
            let digitsAfter = characters.count - last - 1
            if digitsAfter == 1 || digitsAfter == 2 {
                decimal = last
                if characters[last] != decimalSeparator { repaired = true }
            } else if characters[last] == decimalSeparator, digitsAfter != 3 || characters.filter({ $0 == decimalSeparator }).count == 1 && decimalSeparator == "." {
                decimal = last
            }
        }
        var normalized = ""
        for (index, character) in characters.enumerated() where character != "." && character != "," || index == decimal {
            normalized.append(index == decimal ? "." : character)
        }
        guard let value = Double(normalized), value.isFinite else { return nil }
        return (value, repaired)
    }

    /// An ISO 8601 day (`2026-11-03`) from a printed date in one of `formats` (Unicode date
    /// patterns, tried in order; the first that reads the whole text wins).
    static func isoDate(_ text: String, formats: [String]) -> String? {
        var cleaned = text.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: ":：,.")))
        // "2026 年 11 月 03 日" as OCR spaces it.
        if cleaned.unicodeScalars.contains(where: PageLayout.isCJK) { cleaned = cleaned.replacingOccurrences(of: " ", with: "") }
        // An O beside a digit is a 0 ("1O/03/2026"; "0O1" for the day 01 on clean Chinese pages,
        // which the day's pattern then reads as 1).
        cleaned = cleaned.replacingOccurrences(of: #"(?<=[0-9])[Oo]|[Oo](?=[0-9])"#, with: "0", options: .regularExpression)
        let output = DateFormatter()
        output.locale = Locale(identifier: "en_US_POSIX")
        output.timeZone = TimeZone(identifier: "UTC")
        output.dateFormat = "yyyy-MM-dd"
        for format in formats {
            let input = DateFormatter()
            input.locale = Locale(identifier: "en_US_POSIX")
            input.timeZone = TimeZone(identifier: "UTC")
            input.dateFormat = format
            input.isLenient = false
            if let date = input.date(from: cleaned) {
                let year = Calendar(identifier: .gregorian).component(.year, from: date)
                if (1990...2100).contains(year) { return output.string(from: date) }
            }
        }
        // "yyyy年MM月dd日" with its characters misread ("2026 年 07 月 13 晶", "20264085 178",
        // "20264F08 FA 08H") or 月 lost ("20264206044"): four digits, then each character as one
        // or two others (月 also as none), taken when all readings that are real dates agree.
        if formats.contains(where: { $0.contains("年") }) {
            return chineseDateByPosition(Array(text.filter { !$0.isWhitespace }))
        }
        return nil
    }

    /// Every way of reading `characters` as yyyy, 年 (1–2 characters), MM, 月 (0–2), dd, 日
    /// (0–2): the date when all the readings that are real dates agree ("20264705118" reads as
    /// 05-18 with 月 as 1, or 05-11 with 月 lost: no date).
    private static func chineseDateByPosition(_ characters: [Character]) -> String? {
        func digits(_ range: Range<Int>) -> String? {
            guard range.upperBound <= characters.count, characters[range].allSatisfy(\.isDigit) else { return nil }
            return String(characters[range])
        }
        guard let year = digits(0..<4) else { return nil }
        var dates = Set<String>()
        for yearMark in 1...2 {
            let month = 4 + yearMark
            guard let mm = digits(month..<month + 2) else { continue }
            for monthMark in 0...2 {
                let day = month + 2 + monthMark
                guard let dd = digits(day..<day + 2), (0...2).contains(characters.count - day - 2),
                      let date = isoDate("\(year)-\(mm)-\(dd)", formats: ["yyyy-MM-dd"])
                else { continue }
                dates.insert(date)
            }
        }
        return dates.count == 1 ? dates.first : nil
    }
}

extension Character {
    /// 0–9 alone: `isNumber` is also true of 四, ½ and the other numerals OCR makes of specks,
    /// which must not pass for a number cell's digit.
    var isDigit: Bool { isASCII && isNumber }
}
