import Logging

extension ServiceConfiguration {
    /// What every service does before it builds anything: reads its fault
    /// rules, refuses to start in production mode with any problem
    /// `requirements` records (injected faults are always one; so is a
    /// database service's unset `database.url`, which would give each replica
    /// a private SQLite file), and starts the process-wide metrics. Returns
    /// the faults to inject.
    public func start(
        usesDatabase: Bool, requiring requirements: (inout ProductionMode) -> Void = { _ in }
    ) throws -> Faults {
        let faults = try faults()
        var production = ProductionMode(isOn: isProduction, faults: faults)
        if usesDatabase && !isDatabaseURLConfigured { production.require(nil, "database.url") }
        requirements(&production)
        try production.check(service: name)
        ShopMetrics.bootstrap()
        return faults
    }

    /// The service's database, with the configured pool.
    public func openDatabase() async throws -> ShopDatabase {
        try await ShopDatabase.open(url: databaseURL, poolSize: databasePoolSize, logger: logger)
    }
}
