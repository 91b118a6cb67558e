import Hummingbird
import ShopPlatform
import Synchronization

/// The frontend's request context: the browser's session, shared by reference
/// so that what a handler changes is what the session middleware writes back.
struct FrontendContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let session: SessionBox

    init(source: Source) {
        self.coreContext = .init(source: source)
        self.session = SessionBox()
    }

    /// Forms are small; image uploads (admin) are the largest bodies.
    var maxUploadSize: Int { 3 << 20 }

    /// The services' decoder, so forms are held to the same text rules (`InputText`).
    var requestDecoder: ShopRequestDecoder { ShopRequestDecoder() }
}

/// A mutable session for the duration of one request. `SessionMiddleware` puts
/// the browser's session (or a fresh one) in before any handler reads it.
final class SessionBox: Sendable {
    private let state = Mutex(ShopSession(csrf: ""))

    var value: ShopSession {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    func update(_ change: (inout ShopSession) -> Void) {
        state.withLock { change(&$0) }
    }
}
