import ArgumentParser

/// The face of the shop a load run drives: the clean API, the original shop's
/// contract, or the storefront's pages and forms (cookies and CSRF included).
enum LoadTarget: String, ExpressibleByArgument, CaseIterable, Sendable {
    case v1, api, storefront
}

/// What one virtual shopper does in one journey.
enum LoadScenario: String, CaseIterable, Sendable {
    /// Home or list, a search, a product page.
    case browse
    /// Adds a product and reads the cart back.
    case cart
    /// Adds three products and places the order: a shopping journey.
    case checkout
    /// Signs in again (a password check: the dearest request of all).
    case login
}

/// How often each scenario is picked, e.g. `browse=6,cart=3,checkout=1`.
struct LoadMix: ExpressibleByArgument, Sendable, CustomStringConvertible {
    let weights: [(scenario: LoadScenario, weight: Int)]

    init(weights: [(LoadScenario, Int)]) {
        self.weights = weights.filter { $0.1 > 0 }.map { (scenario: $0.0, weight: $0.1) }
    }

    init?(argument: String) {
        var weights: [(LoadScenario, Int)] = []
        for part in argument.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, let scenario = LoadScenario(rawValue: String(pair[0])),
                let weight = Int(pair[1]), (0...1_000_000).contains(weight)
            else { return nil }
            weights.append((scenario, weight))
        }
        self.init(weights: weights)
        if self.weights.isEmpty { return nil }
    }

    static let shopping = LoadMix(weights: [(.browse, 6), (.cart, 3), (.checkout, 1)])

    /// A scenario drawn by weight.
    func pick<Generator: RandomNumberGenerator>(using generator: inout Generator) -> LoadScenario {
        var draw = Int.random(in: 0..<weights.reduce(0) { $0 + $1.weight }, using: &generator)
        for entry in weights {
            if draw < entry.weight { return entry.scenario }
            draw -= entry.weight
        }
        return weights[weights.count - 1].scenario
    }

    var description: String { weights.map { "\($0.scenario.rawValue)=\($0.weight)" }.joined(separator: ",") }
}
