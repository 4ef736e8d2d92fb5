extension LuaArgs {
    /// Start async work that outlives this call's waits (e.g. following a job while the Lua thread
    /// handles its events between `wait`s); it runs on the threads `wait` uses, so it cannot be
    /// starved by a Lua thread that blocks a cooperative one. Cancel the returned task to stop it.
    @discardableResult
    public func start(_ work: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        Task.detached(executorPreference: WaitExecutor.shared) { await work() }
    }
}
