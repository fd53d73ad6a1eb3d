import IntakeCore

/// Turns order text into an aligned `OrderDraft`: parses it, maps product words to SKUs, then
/// applies the knowledge graph (symptom → procedure → order type, parts, forbidden actions;
/// modifiers → handling and notes). Every decision leaves evidence a reviewer can follow.
public struct IntentAligner: Sendable {
    public struct Settings: Sendable, Equatable {
        public var matcher = MaterialMatcher.Settings()
        public var parser = TextIntentParser.Settings()
        /// Confidence is multiplied by this when two SKUs match almost equally well.
        public var ambiguityPenalty = 0.7
        /// Confidence of a procedure chosen from a symptom with no matching device named.
        public var unplacedSymptomConfidence = 0.6
        /// Confidence of an order with an unmatched phrase (`ParsedMessage.unmatched`: "thirty
        /// doppio top q away"): something asked for is missing from it, so a person should look,
        /// however sure its lines are. A line with a count of zero is held the same way.
        public var unmatchedPhraseConfidence = 0.5
        public init() {}
    }

    public let master: MasterData
    public let parser: TextIntentParser
    public let settings: Settings

    public init(master: MasterData, settings: Settings = Settings()) {
        self.master = master
        self.settings = settings
        self.parser = TextIntentParser(
            matcher: MaterialMatcher(master: master.materials, settings: settings.matcher),
            graph: master.graph, devices: master.devices, settings: settings.parser)
    }

    public func align(_ input: OrderText) -> OrderDraft {
        let parsed = parser.parse(input.text)
        var evidence: [Evidence] = []
        var intent = OrderIntent(type: .none)
        var confidences: [Double] = []

        if let party = parsed.party {
            intent.party = party.party
            evidence.append(input.evidence(field: "intent.party", method: party.method, span: party.span))
            // Heard or read unsure, it may name the wrong store or machine: the whole order goes there.
            if let heard = input.recognitionConfidence(over: party.span) { confidences.append(heard) }
        }
        if !parsed.otherDevices.isEmpty {
            intent.notes.append("Also mentions \(parsed.otherDevices.joined(separator: ", ")).")
        }
        if let reference = parsed.reference {
            intent.reference = reference.value
            evidence.append(input.evidence(field: "intent.reference", method: "reference_pattern", span: reference.span))
        }

        // Graph: the symptom decides the procedure; the procedure forbids actions.
        let device = parsed.party.flatMap { $0.party.kind == .device ? master.devices[$0.party.id ?? ""] : nil }
        var procedure: IntentGraph.Procedure? = nil
        var suppressedSegments = Set<Int>()
        if let hit = chooseSymptom(parsed.symptoms, device: device), let chosen = master.graph.procedure(hit.node.procedure) {
            procedure = chosen
            let placed = device.map { hit.node.assetTypes.isEmpty || hit.node.assetTypes.contains($0.type) } ?? hit.node.assetTypes.isEmpty
            let confidence = placed ? 0.95 : settings.unplacedSymptomConfidence
            confidences.append(confidence)
            intent.procedure = ProcedureRef(code: chosen.code, title: chosen.title, priority: chosen.priority)
            var path = ["symptom:\(hit.node.id)", "procedure:\(chosen.code)", "order_type:\(chosen.orderType.rawValue)"]
            if let device { path.insert("device:\(device.id) (\(device.type))", at: 0) }
            var decision = input.evidence(
                field: "intent.procedure", method: "graph", span: hit.span, confidence: confidence,
                detail: placed ? nil : "symptom matched without a device of type \(hit.node.assetTypes.joined(separator: "/")) named")
            decision.path = path
            evidence.append(decision)
            if parsed.symptoms.count > 1 {
                intent.notes.append("Also reported: \(parsed.symptoms.filter { $0.node.id != hit.node.id }.map(\.phrase).joined(separator: ", ")).")
            }
            for action in parsed.actions where chosen.forbids.contains(action.node.id) {
                suppressedSegments.insert(action.segment)
                intent.notes.append(
                    "Requested \"\(action.phrase)\" suppressed: procedure \(chosen.code) forbids \(action.node.id) until the inspection is done.")
                var forbidden = input.evidence(field: "intent.notes", method: "graph", span: action.span)
                forbidden.path = ["action:\(action.node.id)", "forbidden_by:\(chosen.code)"]
                evidence.append(forbidden)
            }
        }

        // Lines read from the text.
        for line in parsed.lines where !suppressedSegments.contains(line.segment) {
            guard let match = line.match else { continue }
            let index = intent.lines.count
            let modifiers = unique(line.modifiers + parsed.globalModifiers, by: \.modifier.id)
            var confidence = match.score * (line.explicitQuantity ? 1 : 0.9)
            if match.isAmbiguous { confidence *= settings.ambiguityPenalty }
            // Words the recogniser was unsure of (speech, OCR) make the line as unsure.
            let heard = [line.productSpan, line.quantitySpan].compactMap { $0 }.compactMap(input.recognitionConfidence(over:))
            confidence *= heard.min() ?? 1
            if line.quantity <= 0 {
                // "0 butter croissants" cannot be filled as read: a cancellation, or a misread count.
                confidence = min(confidence, settings.unmatchedPhraseConfidence)
                intent.notes.append("\(match.material.name): a count of 0 cannot be filled; ask whether the line is cancelled.")
            }
            let handling = Set(match.material.handling + modifiers.flatMap(\.modifier.handling)).sorted()
            intent.lines.append(OrderLine(
                sku: match.material.sku, name: match.material.name,
                text: input.slice(line.productSpan), quantity: line.quantity, unit: line.unit ?? match.material.unit,
                modifiers: modifiers.map(\.modifier.id), handling: handling, confidence: rounded(confidence)))
            confidences.append(confidence)
            let detail = match.isAmbiguous
                ? "ambiguous: \(match.material.sku) \(rounded(match.score)) vs " + match.rivals.map { "\($0.sku) \(rounded($0.score))" }.joined(separator: ", ")
                : "matched \"\(match.matchedPhrase)\""
            evidence.append(input.evidence(
                field: "intent.lines[\(index)].sku", method: match.method.rawValue, span: line.productSpan,
                confidence: rounded(match.score), detail: detail))
            if let span = line.quantitySpan {
                evidence.append(input.evidence(field: "intent.lines[\(index)].quantity", method: line.quantityMethod, span: span))
            }
            if let span = line.unitSpan {
                evidence.append(input.evidence(field: "intent.lines[\(index)].unit", method: "unit_word", span: span))
            }
            for hit in modifiers {
                var modifierEvidence = input.evidence(field: "intent.lines[\(index)].modifiers", method: "graph", span: hit.span)
                modifierEvidence.path = ["modifier:\(hit.modifier.id)"] + hit.modifier.handling.map { "handling:\($0)" }
                evidence.append(modifierEvidence)
                let global = parsed.globalModifiers.contains { $0.modifier.id == hit.modifier.id }
                if let note = hit.modifier.note, !global { intent.notes.append("\(match.material.name): \(note)") }
            }
        }
        intent.notes += parsed.globalModifiers.compactMap(\.modifier.note).map { "All lines: \($0)" }
        if !parsed.unmatched.isEmpty { confidences.append(settings.unmatchedPhraseConfidence) }
        for unmatched in parsed.unmatched {
            evidence.append(input.evidence(
                field: "intent.lines", method: "unmatched", span: unmatched.span,
                detail: "no material matches \"\(unmatched.text)\"; add an alias to the material master if it is one"))
        }

        // Parts the procedure needs.
        if let procedure {
            procedure.addParts(to: &intent, evidence: &evidence, materials: master.materials)
            intent.type = procedure.orderType
        } else if !intent.lines.isEmpty {
            // Parts named for a machine without a fault are bought, not delivered to a shop.
            intent.type = parsed.mentionsPurchase || device != nil ? .purchase : .delivery
        }
        intent.notes = unique(input.notes + intent.notes, by: \.self)
        intent.confidence = intent.type == .none ? 0 : rounded(confidences.min() ?? 0.5)
        return OrderDraft(intent: intent, evidence: evidence)
    }

    /// The symptom to act on: one that fits the named device's type first, then the one whose
    /// procedure is most urgent, then the most specific (fewest asset types), then the longest phrase.
    private func chooseSymptom(
        _ hits: [ParsedMessage.GraphHit<IntentGraph.Symptom>], device: Device?
    ) -> ParsedMessage.GraphHit<IntentGraph.Symptom>? {
        let rank = ["low": 0, "normal": 1, "high": 2, "urgent": 3]
        return hits.max { a, b in
            func key(_ hit: ParsedMessage.GraphHit<IntentGraph.Symptom>) -> (Int, Int, Int, Int) {
                let fits = device.map { hit.node.assetTypes.contains($0.type) } ?? false
                let priority = master.graph.procedure(hit.node.procedure).flatMap { rank[$0.priority] } ?? 0
                return (fits ? 1 : 0, priority, -hit.node.assetTypes.count, hit.phrase.count)
            }
            return key(a) < key(b)
        }
    }

    private func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    private func unique<T>(_ values: [T], by key: KeyPath<T, String>) -> [T] {
        var seen = Set<String>()
        return values.filter { seen.insert($0[keyPath: key]).inserted }
    }
}
