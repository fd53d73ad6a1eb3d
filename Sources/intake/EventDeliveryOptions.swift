import ArgumentParser

/// `--no-events`, for the commands that run the pipeline (`process`, `deadletters retry`):
/// whether the events their orders write go to the pipeline's `events:` sinks after the run.
struct EventDeliveryOptions: ParsableArguments {
    @Flag(name: .customLong("no-events"), help: "Leave events in the outbox (for `intake events relay`) instead of delivering them after the run.")
    var noEvents = false

    var deliverEvents: Bool { !noEvents }
}
