import Foundation
import IntakeCore

/// The intent knowledge graph: what words and faults mean for the business.
///
/// - A **symptom** ("oil level low" on a transformer) points at a **procedure**
///   (Q/SP-2025-07: a shutdown inspection) that sets the order type, adds parts and
///   **forbids** actions ("refill") that must not be ordered under it.
/// - A **modifier** ("oat milk", "no straw") adds handling (`chilled`) and/or a note.
public struct IntentGraph: Sendable {
    public struct Procedure: Sendable, Equatable {
        public let code: String
        public let title: String
        public let orderType: IntentType
        public let priority: String
        public let parts: [Part]
        public let forbids: [String]
    }

    public struct Part: Sendable, Equatable {
        public let sku: String
        public let quantity: Double
    }

    public struct Action: Sendable, Equatable {
        public let id: String
        public let phrases: [String]
    }

    public struct Symptom: Sendable, Equatable {
        public let id: String
        public let phrases: [String]
        public let assetTypes: [String]
        public let diagnosis: String?
        public let procedure: String
    }

    public struct Modifier: Sendable, Equatable {
        public let id: String
        public let phrases: [String]
        public let handling: [String]
        public let note: String?
    }

    public let procedures: [Procedure]
    public let actions: [Action]
    public let symptoms: [Symptom]
    public let modifiers: [Modifier]

    public init(procedures: [Procedure] = [], actions: [Action] = [], symptoms: [Symptom] = [], modifiers: [Modifier] = []) {
        self.procedures = procedures
        self.actions = actions
        self.symptoms = symptoms
        self.modifiers = modifiers
    }

    public static let empty = IntentGraph()

    public func procedure(_ code: String) -> Procedure? { procedures.first { $0.code == code } }
    public func action(_ id: String) -> Action? { actions.first { $0.id == id } }

    /// The symptom a diagnosis code (e.g. a vibration fault) maps to, preferring one for `assetType`.
    public func symptom(forDiagnosis diagnosis: String, assetType: String? = nil) -> Symptom? {
        let candidates = symptoms.filter { $0.diagnosis == diagnosis }
        return candidates.first { assetType != nil && $0.assetTypes.contains(assetType!) } ?? candidates.first
    }

    // MARK: Loading

    /// Loads and validates a graph file. Every reference must resolve: a symptom's procedure,
    /// a procedure's forbidden actions, and (when `materials` is given) every part SKU.
    public static func load(_ url: URL, materials: MaterialMaster? = nil) throws -> IntentGraph {
        try IntentGraph(root: ConfigNode.load(url), materials: materials)
    }

    public static func parse(_ text: String, file: String, materials: MaterialMaster? = nil) throws -> IntentGraph {
        try IntentGraph(root: ConfigNode.parse(text, file: file), materials: materials)
    }

    init(root: ConfigNode, materials: MaterialMaster?) throws {
        try root.allowOnly(["version", "procedures", "actions", "symptoms", "modifiers"])
        if let version = try root.optional("version"), try version.intValue() != 1 {
            throw version.error("this intake reads graph version 1")
        }
        var actionIDs: Set<String> = []
        var actions: [Action] = []
        for node in try root.optional("actions")?.elements() ?? [] {
            try node.allowOnly(["id", "phrases"])
            let id = try node.string("id")
            guard actionIDs.insert(id).inserted else { throw try node.required("id").error("action \(id) is defined twice") }
            actions.append(Action(id: id, phrases: try Self.phrases(node)))
        }

        var procedures: [Procedure] = []
        var codes: Set<String> = []
        for node in try root.optional("procedures")?.elements() ?? [] {
            try node.allowOnly(["code", "title", "order_type", "priority", "parts", "forbids"])
            let code = try node.string("code")
            guard codes.insert(code).inserted else { throw try node.required("code").error("procedure \(code) is defined twice") }
            let typeNode = try node.required("order_type")
            guard let type = IntentType(rawValue: try typeNode.stringValue()), type != .none else {
                throw typeNode.error("must be one of: delivery, purchase, repair, inspection")
            }
            let priorityNode = try node.optional("priority")
            let priority = try priorityNode?.stringValue() ?? "normal"
            guard ["low", "normal", "high", "urgent"].contains(priority) else {
                throw (priorityNode ?? node).error("must be one of: low, normal, high, urgent")
            }
            var parts: [Part] = []
            for partNode in try node.optional("parts")?.elements() ?? [] {
                try partNode.allowOnly(["sku", "quantity"])
                let skuNode = try partNode.required("sku")
                let sku = try skuNode.stringValue()
                if let materials, materials[sku] == nil {
                    throw skuNode.error("unknown SKU \(sku); it is not in the material master")
                }
                let quantity = try partNode.double("quantity", default: 1)
                guard quantity > 0 else { throw try partNode.required("quantity").error("must be greater than 0") }
                parts.append(Part(sku: sku, quantity: quantity))
            }
            var forbids: [String] = []
            if let forbidNode = try node.optional("forbids") {
                for element in try forbidNode.elements() {
                    let id = try element.stringValue()
                    guard actionIDs.contains(id) else {
                        throw element.error("unknown action \(id); define it under `actions`")
                    }
                    forbids.append(id)
                }
            }
            procedures.append(Procedure(
                code: code, title: try node.string("title"), orderType: type, priority: priority, parts: parts, forbids: forbids))
        }

        var symptoms: [Symptom] = []
        var symptomIDs: Set<String> = []
        for node in try root.optional("symptoms")?.elements() ?? [] {
            try node.allowOnly(["id", "phrases", "asset_types", "diagnosis", "procedure"])
            let id = try node.string("id")
            guard symptomIDs.insert(id).inserted else { throw try node.required("id").error("symptom \(id) is defined twice") }
            let procedureNode = try node.required("procedure")
            let procedure = try procedureNode.stringValue()
            guard codes.contains(procedure) else {
                throw procedureNode.error("unknown procedure \(procedure); define it under `procedures`")
            }
            symptoms.append(Symptom(
                id: id, phrases: try Self.phrases(node), assetTypes: try node.stringList("asset_types"),
                diagnosis: try node.optionalString("diagnosis"), procedure: procedure))
        }

        var modifiers: [Modifier] = []
        var modifierIDs: Set<String> = []
        for node in try root.optional("modifiers")?.elements() ?? [] {
            try node.allowOnly(["id", "phrases", "handling", "note"])
            let id = try node.string("id")
            guard modifierIDs.insert(id).inserted else { throw try node.required("id").error("modifier \(id) is defined twice") }
            let handling = try node.stringList("handling")
            let note = try node.optionalString("note")
            if handling.isEmpty && note == nil { throw node.error("a modifier needs `handling`, `note` or both", key: "id") }
            modifiers.append(Modifier(id: id, phrases: try Self.phrases(node), handling: handling, note: note))
        }
        self.init(procedures: procedures, actions: actions, symptoms: symptoms, modifiers: modifiers)
    }

    private static func phrases(_ node: ConfigNode) throws -> [String] {
        let phrases = try node.stringList("phrases").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if phrases.isEmpty { throw node.error("needs at least one phrase", key: "phrases") }
        return phrases
    }
}
