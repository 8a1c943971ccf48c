/// What the preview server allows its clients, declared once (the README states the defaults;
/// tests pass smaller ones).
///
/// A request head (request line and header fields) must fit in `headBytes` — its request line
/// in `requestLineBytes` — and arrive whole within `headSeconds` of the connection opening or of
/// the previous response; a response must be taken within `writeSeconds`. At most
/// `connections` clients are served at once; one more is answered 503 and closed.
public struct PreviewLimits: Sendable, Equatable {
    /// Clients served at once (a browser opens a handful).
    public var connections: Int
    /// Bytes of a request line (method, target, version); longer is answered 414.
    public var requestLineBytes: Int
    /// Bytes of a whole request head; larger is answered 431.
    public var headBytes: Int
    /// Header fields in one request; more is answered 431.
    public var headerFields: Int
    /// Seconds a request head may take to arrive, counted from the connection's start or from
    /// the end of the previous response (so it is also the idle limit of a kept-alive connection).
    public var headSeconds: Double
    /// Seconds a response may take to be sent.
    public var writeSeconds: Double

    public init(connections: Int = 64, requestLineBytes: Int = 8 * 1024, headBytes: Int = 16 * 1024,
                headerFields: Int = 64, headSeconds: Double = 10, writeSeconds: Double = 30) {
        self.connections = connections
        self.requestLineBytes = requestLineBytes
        self.headBytes = headBytes
        self.headerFields = headerFields
        self.headSeconds = headSeconds
        self.writeSeconds = writeSeconds
    }

    public static let standard = PreviewLimits()
}
