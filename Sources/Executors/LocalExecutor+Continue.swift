import RenderPlan

extension LocalExecutor {
    /// `render --resume`: continue the last job in `output` that does the same work as `manifest`
    /// (its journal kept, its orphans stopped), else start `manifest` as a new job. `note` gets the
    /// one line saying which happened.
    public func resumeOrStart(_ manifest: JobManifest, output: String, note: (String) -> Void) async throws -> LocalJobHandle {
        if let previous = JobFolder.all(output: output).last,
           let old = try? previous.readManifest(), RenderRequest.sameWork(old, manifest) {
            note("resuming job \(old.id)")
            return try await resume(previous)
        }
        note("no earlier job with the same settings in \(output); starting a new one (frames already there are kept)")
        return try await start(manifest)
    }
}
