/// A stage with its types erased, so pipelines can be assembled from configuration; the
/// types are kept as names and checked when the pipeline is built.
public struct AnyStage: Sendable {
    public let name: String
    public let inputType: String
    public let outputType: String
    let inputTypeID: ObjectIdentifier
    let outputTypeID: ObjectIdentifier
    private let body: @Sendable (any Sendable, StageContext) throws -> any Sendable
    private let scaledTimeout: @Sendable (any Sendable, Double) -> Double

    public init<S: Stage>(_ stage: S, name: String) {
        self.name = name
        self.inputType = String(describing: S.Input.self)
        self.outputType = String(describing: S.Output.self)
        self.inputTypeID = ObjectIdentifier(S.Input.self)
        self.outputTypeID = ObjectIdentifier(S.Output.self)
        self.body = { input, context in
            guard let typed = input as? S.Input else {
                throw InputFailure(
                    code: "pipeline_type_mismatch",
                    message: "stage \(name) expects \(S.Input.self) but got \(type(of: input))")
            }
            return try stage.process(typed, context: context)
        }
        self.scaledTimeout = { input, configured in
            (input as? S.Input).map { stage.timeout(for: $0, configured: configured) } ?? configured
        }
    }

    func process(_ input: any Sendable, context: StageContext) throws -> any Sendable {
        try body(input, context)
    }

    func timeout(for input: any Sendable, configured: Double) -> Double {
        scaledTimeout(input, configured)
    }

    func accepts<T>(_: T.Type) -> Bool { inputTypeID == ObjectIdentifier(T.self) }
    func produces<T>(_: T.Type) -> Bool { outputTypeID == ObjectIdentifier(T.self) }
}
