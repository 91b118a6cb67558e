import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ShopPlatform

/// Where a load run sends its requests, and what it may buy.
struct LoadShop: Sendable {
    let userService: String
    let productService: String
    let orderService: String
    let frontend: String
    /// Active products (id, slug) and words that find them in a search.
    let products: [(id: Int64, slug: String)]
    let searchTerms: [String]
}

/// One virtual shopper: an account of its own and what it carries between
/// requests (a token, or the storefront's cookie and CSRF token). Owned by one
/// task at a time, so it needs no lock.
struct LoadShopper: Sendable {
    let username: String
    let password: String
    var token: String?
    var cookie: String?
    var csrf: String?
}

/// Sends one shopper's requests and records each against its endpoint name
/// (a route pattern, so `/v1/products/{slug}` is one row, not one per product).
struct LoadJourney {
    let client: HTTPClient
    let recorder: LoadRecorder
    let shop: LoadShop
    let target: LoadTarget
    var shopper: LoadShopper
    /// When the journey was due: its first request's latency counts from here
    /// (open model), so a queue in front of the shop shows in the figures.
    var due: ContinuousClock.Instant?
    /// Whether this journey counts: begun after the warm-up (sign-ups and
    /// warm-up journeys do not, even when their requests end later).
    var measured = false

    struct Answer {
        let status: Int
        let body: String
        let headers: HTTPHeaders
    }

    mutating func run(_ scenario: LoadScenario, random: inout some RandomNumberGenerator) async {
        let product = shop.products.randomElement(using: &random)!
        switch (scenario, target) {
        case (.browse, .v1):
            _ = await send("GET /v1/products", .GET, shop.productService + "/v1/products?limit=20")
            _ = await send("GET /v1/products?q=", .GET, shop.productService + "/v1/products?q=\(term(&random))")
            _ = await send("GET /v1/products/{slug}", .GET, shop.productService + "/v1/products/\(product.slug)")
        case (.browse, .api):
            _ = await send("GET /api/products", .GET, shop.productService + "/api/products")
            _ = await send("GET /api/product/{slug}", .GET, shop.productService + "/api/product/\(product.slug)")
        case (.browse, .storefront):
            _ = await send("GET /", .GET, shop.frontend + "/")
            _ = await send("GET /?q=", .GET, shop.frontend + "/?q=\(term(&random))")
            _ = await send("GET /product/{slug}", .GET, shop.frontend + "/product/\(product.slug)")
        case (.cart, _):
            await addToCart(product)
            switch target {
            case .v1: _ = await send("GET /v1/cart", .GET, shop.orderService + "/v1/cart")
            case .api: _ = await send("GET /api/order", .GET, shop.orderService + "/api/order")
            case .storefront: _ = await send("GET /cart", .GET, shop.frontend + "/cart")
            }
        case (.checkout, _):
            await addToCart(product)
            for _ in 0..<2 { await addToCart(shop.products.randomElement(using: &random)!) }
            await checkOut()
        case (.login, _):
            await logIn()
        }
    }

    private mutating func addToCart(_ product: (id: Int64, slug: String)) async {
        switch target {
        case .v1:
            _ = await send(
                "POST /v1/cart/items", .POST, shop.orderService + "/v1/cart/items",
                json: #"{"product_id":\#(product.id),"quantity":1}"#)
        case .api:
            _ = await send(
                "POST /api/order/add-item", .POST, shop.orderService + "/api/order/add-item",
                form: ["product_id": "\(product.id)", "qty": "1"])
        case .storefront:
            _ = await send(
                "POST /cart/add", .POST, shop.frontend + "/cart/add",
                form: ["product_id": "\(product.id)", "quantity": "1", "slug": product.slug])
        }
    }

    private mutating func checkOut() async {
        switch target {
        case .v1:
            _ = await send(
                "POST /v1/orders", .POST, shop.orderService + "/v1/orders", json: "{}",
                headers: [("Idempotency-Key", UUID().uuidString)])
        case .api:
            _ = await send("POST /api/order/checkout", .POST, shop.orderService + "/api/order/checkout", form: [:])
        case .storefront:
            guard let page = await send("GET /checkout", .GET, shop.frontend + "/checkout"),
                let key = Self.hiddenField("idempotency_key", in: page.body)
            else { return }
            _ = await send("POST /checkout", .POST, shop.frontend + "/checkout", form: ["idempotency_key": key])
        }
    }

    /// Signs the shopper in, keeping its token or session cookie.
    mutating func logIn() async {
        let credentials = ["username": shopper.username, "password": shopper.password]
        switch target {
        case .v1:
            let body = try! JSONSerialization.data(withJSONObject: credentials)
            let answer = await send(
                "POST /v1/sessions", .POST, shop.userService + "/v1/sessions",
                json: String(decoding: body, as: UTF8.self))
            shopper.token = answer.flatMap { Self.jsonField("access_token", in: $0.body) } ?? shopper.token
        case .api:
            let answer = await send(
                "POST /api/user/login", .POST, shop.userService + "/api/user/login", form: credentials)
            shopper.token = answer.flatMap { Self.jsonField("api_key", in: $0.body) } ?? shopper.token
        case .storefront:
            _ = await send("GET /login", .GET, shop.frontend + "/login")
            let answer = await send("POST /login", .POST, shop.frontend + "/login", form: credentials)
            // Signing in starts a new session with a new CSRF token: follow the
            // redirect as a browser does, and the page brings the token.
            if let location = answer?.headers["Location"].first, location.hasPrefix("/") {
                let path = location.split(separator: "?").first.map(String.init) ?? location
                _ = await send("GET \(path)", .GET, shop.frontend + location)
            }
        }
    }

    private func term(_ random: inout some RandomNumberGenerator) -> String {
        shop.searchTerms.randomElement(using: &random)?.urlComponent ?? "mug"
    }

    /// One request, recorded; nil when no answer came. Keeps the storefront's
    /// cookie and CSRF token, and signs in again once when a token has expired.
    @discardableResult
    mutating func send(
        _ endpoint: String, _ method: HTTPMethod, _ url: String, json: String? = nil, form: [String: String]? = nil,
        headers extra: [(String, String)] = [], retryingLogin: Bool = true
    ) async -> Answer? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if var form {
            if target == .storefront, let csrf = shopper.csrf { form["_csrf"] = csrf }
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: Self.formBody(form)))
        }
        if let token = shopper.token {
            request.headers.add(name: "Authorization", value: (target == .api ? "Basic " : "Bearer ") + token)
        }
        if let cookie = shopper.cookie { request.headers.add(name: "Cookie", value: cookie) }

        let start = due ?? .now
        due = nil
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 8 << 20)
            if measured { recorder.record(endpoint, status: Int(response.status.code), latency: .now - start) }
            let answer = Answer(
                status: Int(response.status.code), body: String(buffer: body), headers: response.headers)
            if let cookie = response.headers["Set-Cookie"].first?.split(separator: ";").first {
                shopper.cookie = String(cookie)
            }
            if let csrf = Self.hiddenField("_csrf", in: answer.body) { shopper.csrf = csrf }
            if answer.status == 401, retryingLogin, target != .storefront {
                await logIn()
                return await send(
                    endpoint, method, url, json: json, form: form, headers: extra, retryingLogin: false)
            }
            return answer
        } catch {
            if measured { recorder.record(endpoint, status: nil, latency: .now - start) }
            return nil
        }
    }

    static func formBody(_ form: [String: String]) -> String {
        form.map { "\($0.key)=\($0.value.urlComponent)" }.joined(separator: "&")
    }

    /// The value of `<input type="hidden" name="NAME" value="…">` in a page.
    static func hiddenField(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func jsonField(_ name: String, in json: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return nil
        }
        return object[name] as? String
    }
}
