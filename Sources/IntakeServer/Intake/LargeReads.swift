import NIOCore

/// Lets a connection read up to `maximum` bytes per socket read, instead of NIO's 64 KiB.
///
/// In: nothing of its own; it sets the channel's receive allocator when added and passes every
/// event on. Why: a 15 s alert is 1.5 MB, and each read becomes one body part handed from the
/// event loop to the task that hashes and spools it. In 64 KiB parts that is two dozen thread
/// hand-overs per upload; the reads grow only as far as the socket has bytes waiting.
final class LargeReads: ChannelInboundHandler, RemovableChannelHandler {
    // Never unwrapped: every read passes on untouched (NIO needs a handler to have a direction).
    typealias InboundIn = Any

    let maximum: Int

    init(maximum: Int = 256 << 10) {
        self.maximum = maximum
    }

    func handlerAdded(context: ChannelHandlerContext) {
        _ = context.channel.setOption(
            ChannelOptions.recvAllocator,
            value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: maximum))
    }
}
