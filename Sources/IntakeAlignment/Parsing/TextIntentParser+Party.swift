import IntakeCore

/// Who an order is for and what it refers to, read before the lines so that no line reads
/// their words: a device by its id ("transformer T3"), a store by number ("store twelve") or
/// name ("from the harbour road store"), a customer ("for Harbor Café"), and a reference
/// ("PO 4471").
extension TextIntentParser {
    /// The order's reference ("PO 4471", "order number 88213"), its tokens marked consumed.
    func findReference(_ tokens: [Token], _ consumed: inout [Bool]) -> (String, TextSpan)? {
        for (i, token) in tokens.enumerated() {
            if token.norm.hasPrefix("po"), token.norm.count >= 5, token.norm.dropFirst(2).allSatisfy(\.isNumber) {
                consumed[i] = true
                return (String(token.text.dropFirst(2)), token.span)
            }
            guard Lexicon.referenceWords.contains(token.norm) else { continue }
            var j = i + 1
            while j < tokens.count, ["no", "number", "nr", "num", "#", ":"].contains(tokens[j].norm) { j += 1 }
            guard j < tokens.count, !tokens[j].isSeparator, tokens[j].norm.contains(where: \.isNumber), tokens[j].norm.count >= 3,
                token.norm != "order" || tokens[j].number != nil && tokens[j].norm.count >= 4
            else { continue }
            for k in i...j { consumed[k] = true }
            return (tokens[j].text, TextSpan(start: token.span.start, end: tokens[j].span.end))
        }
        return nil
    }

    /// The device, store or customer the order is for, its tokens marked consumed; more devices
    /// named go to `otherDevices`.
    func findParty(_ tokens: [Token], _ consumed: inout [Bool], into message: inout ParsedMessage) {
        // Devices named by id, with their type word beside them ("transformer T3", "P-101 pump").
        for (i, token) in tokens.enumerated() where !token.isSeparator && token.norm.contains(where: \.isNumber) {
            guard let device = devices[token.norm] else { continue }
            consumed[i] = true
            let typeWords = Set(device.type.lowercased().split(separator: "_").map(String.init))
            var span = token.span
            for j in [i - 1, i + 1] where j >= 0 && j < tokens.count && typeWords.contains(MatchText.singular(tokens[j].norm)) {
                consumed[j] = true
                span = TextSpan(start: min(span.start, tokens[j].span.start), end: max(span.end, tokens[j].span.end))
            }
            if message.party == nil {
                message.party = .init(party: Party(kind: .device, id: device.id, name: "\(device.type) \(device.id)"), span: span, method: "device_id")
            } else if !message.otherDevices.contains(device.id), message.party?.party.id != device.id {
                message.otherDevices.append(device.id)
            }
        }
        if message.party != nil { return }

        for (i, token) in tokens.enumerated() where Lexicon.storeWords.contains(token.norm) && !consumed[i] {
            // "store twelve", "store #12"
            if i + 1 < tokens.count {
                let words = tokens[(i + 1)...].prefix(4).map(\.norm)
                var value: Double? = tokens[i + 1].number
                var length = 1
                if value == nil, let read = NumberWords.read(Array(words), from: 0), words.first != "a", words.first != "an" {
                    value = read.value
                    length = read.length
                }
                // A store number is a small whole number; "store 1e30" is not one (and would trap in Int()).
                if let value, value == value.rounded(), (0..<1_000_000_000).contains(value) {
                    let id = String(Int(value))
                    for k in i...(i + length) { consumed[k] = true }
                    message.party = .init(
                        party: Party(kind: .store, id: id, name: "\(token.norm) \(id)"),
                        span: TextSpan(start: token.span.start, end: tokens[i + length].span.end), method: "store_number")
                    return
                }
            }
            // "from the Riverside kiosk", "from the harbour road store"
            var j = i - 1
            while j >= 0, i - j <= 3, !tokens[j].isSeparator, !["from", "at", "the", "our", "your", "for"].contains(tokens[j].norm),
                !Lexicon.fillers.contains(tokens[j].norm)
            {
                j -= 1
            }
            if j >= 0, j < i - 1, ["from", "at", "the", "our"].contains(tokens[j].norm) {
                let nameTokens = tokens[(j + 1)...i]
                for k in (j + 1)...i { consumed[k] = true }
                message.party = .init(
                    party: Party(kind: .store, name: nameTokens.map(\.text).joined(separator: " ")),
                    span: TextSpan(start: nameTokens.first!.span.start, end: token.span.end), method: "store_name")
                return
            }
        }
        // "for Harbor Café", "deliver to Dock Street"
        for (i, token) in tokens.enumerated() where token.norm == "for" || token.norm == "to" && i > 0
            && ["deliver", "delivery", "ship", "send", "shipping"].contains(tokens[i - 1].norm)
        {
            var j = i + 1
            var name: [Token] = []
            while j < tokens.count, !tokens[j].isSeparator, tokens[j].isCapitalized || (!name.isEmpty && tokens[j].number != nil) {
                name.append(tokens[j])
                j += 1
            }
            guard let first = name.first, let last = name.last else { continue }
            for k in i..<j { consumed[k] = true }
            message.party = .init(
                party: Party(kind: .customer, name: name.map(\.text).joined(separator: " ")),
                span: TextSpan(start: first.span.start, end: last.span.end), method: "customer_name")
            return
        }
    }
}
