import Foundation
public import LuaKit
import ObjectStore
import RenderPlan

/// What the code of one Lua state may touch through our modules — the one place every module asks.
///
/// Trusted code (the REPL, `--trust`, a recipe from an origin the studio configuration trusts) may
/// touch anything. A sandboxed recipe only what its user handed it: the local paths and store URLs
/// given as its `path` parameters or arguments (and what lies under them), the outputs of the jobs it
/// submits, and a private temporary folder (`store.temp()`, removed when the run ends). It runs only
/// the programs its user handed it or the studio configuration allows. A refusal ends the recipe
/// with one line and exit code 77 (unless the recipe catches it with `pcall`; nothing was touched).
public final class Capabilities: @unchecked Sendable {
    // Sendable: every mutable field is guarded by `lock`.
    static let key = "sandbox.capabilities"

    public let isTrusted: Bool
    private let lock = NSLock()
    private var places: [LocationScope] = []
    private var programs: Set<String> = []
    private var webhookHosts: Set<String> = []
    private var jobs: Set<String> = []
    private var temporary: String?
    /// The locations the user gave as values (not what lies under them, not job outputs).
    private var given: [LocationScope] = []

    private init(trusted: Bool) { isTrusted = trusted }

    /// Full access.
    public static func trusted() -> Capabilities { Capabilities(trusted: true) }

    /// The sandbox of a recipe run with `values` (its parameters, defaults filled in) and positional
    /// `arguments`. A `path` parameter's value is handed over (read, write, run) when the user gave
    /// it; a default the recipe declared only when it names a new place in the current folder (no
    /// `..`, no hidden names), and never as a program. Positional arguments are handed over. Any
    /// value the user gave also names a job the recipe may follow, cancel or inject faults into.
    public static func sandbox(values: [String: LuaValue], declaration: RecipeDeclaration?, arguments: [String],
                               config: StudioConfig) -> Capabilities {
        let capabilities = Capabilities(trusted: false)
        capabilities.programs = Set(config.allowedPrograms)
        capabilities.webhookHosts = Set(config.notifyHosts.map { $0.lowercased() })
        for parameter in declaration?.parameters ?? [] {
            guard let value = values[parameter.name]?.stringValue else { continue }
            let declared = parameter.defaultValue.stringValue
            let isDefault = declared.map { $0 == value || LocationScope($0) == LocationScope(value) } ?? false
            if !isDefault {
                capabilities.programs.insert(value)
                capabilities.jobs.insert(value)
                if let scope = LocationScope(value) { capabilities.given.append(scope) }
                if parameter.kind == .path { capabilities.grant(value) }
            } else if parameter.kind == .path, let declared, isPlainRelative(declared) {
                capabilities.grant(value)
            }
        }
        for argument in arguments {
            if let scope = LocationScope(argument) { capabilities.given.append(scope) }
            capabilities.programs.insert(argument)
            capabilities.jobs.insert(argument)
            capabilities.grant(argument)
        }
        return capabilities
    }

    /// The sandbox of a recipe whose user handed it `things` as arguments (places, programs, jobs).
    public static func sandbox(handing things: [String], config: StudioConfig = StudioConfig()) -> Capabilities {
        sandbox(values: [:], declaration: nil, arguments: things, config: config)
    }

    /// A relative path into the current folder: no `..`, no hidden component, not `.` itself.
    static func isPlainRelative(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return !path.hasPrefix("/") && !path.contains("://") && !parts.isEmpty && !parts.contains { $0.hasPrefix(".") }
    }

    deinit {
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// Make `lua` ask these capabilities.
    public func install(in lua: LuaState) { lua.userInfo[Self.key] = self }

    /// The capabilities of the state making a call: those installed, else full access for a state
    /// with all of Lua and none for a sandboxed one.
    static func of(_ args: LuaArgs) -> Capabilities {
        if let installed = args.owner?.userInfo[Self.key] as? Capabilities { return installed }
        return Capabilities(trusted: !(args.owner?.isSandboxed ?? false))
    }

    // MARK: Places

    /// What a call does to a place.
    enum Access: String {
        case read, write
        /// List a prefix (which, for `s3://b/jobs` or a path that is no folder, takes in siblings).
        case list
    }

    /// Hand `location` (and what lies under it) to the recipe: a job's output, its job folder.
    func grant(_ location: String) {
        guard let scope = LocationScope(location) else { return }
        lock.withLock { places.append(scope) }
    }

    /// Whether Blender may run the Python saved in the .blend at `location` (as the user's Blender
    /// preference says): in a trusted run, or when the user named that very file. A .blend the recipe
    /// found or wrote itself never runs its scripts.
    func mayRunScripts(of location: String) -> Bool {
        guard !isTrusted else { return true }
        guard let scope = LocationScope(location) else { return false }
        return lock.withLock { given.contains(scope) }
    }

    /// A shot list the user named hands over the files it lists (to read and render); one the recipe
    /// wrote or found itself hands over nothing.
    func grantListed(_ files: [String], byList list: String) {
        guard !isTrusted, let scope = LocationScope(list), lock.withLock({ given.contains(scope) }) else { return }
        files.forEach(grant)
    }

    /// The places handed over so far.
    var handedPlaces: [LocationScope] { lock.withLock { places } }

    /// Whether the recipe may `access` the place `location`.
    func allows(_ access: Access, _ location: String) -> Bool {
        if isTrusted { return true }
        guard let scope = LocationScope(location) else { return false }
        let granted = lock.withLock { places + (temporary.flatMap(LocationScope.init).map { [$0] } ?? []) }
        switch access {
        case .read, .write: return granted.contains { $0.covers(scope) }
        case .list: return granted.contains { $0.coversListing(scope, prefixText: location) }
        }
    }

    /// Throw the refusal unless the recipe may `access` `location` (argument of `args.function`).
    func require(_ access: Access, _ location: String, _ args: LuaArgs) throws {
        // What is no location at all fails in the call itself ('bad_location'), touching nothing.
        guard (try? StoreLocation(parsing: location)) != nil, !allows(access, location) else { return }
        let verb = access == .write ? "write" : "read"
        throw refusal(args, "may not \(verb) \(location): a sandboxed recipe touches only what it was handed "
                      + "(its path parameters and arguments, the outputs of its jobs, store.temp()); "
                      + "pass the place as a parameter, or run with --trust if you trust the recipe")
    }

    // MARK: Programs

    /// Throw the refusal unless the recipe may run `program` (the value of option `option`): one its
    /// user handed it, or one the studio configuration allows.
    func requireProgram(_ program: String?, option: String, _ args: LuaArgs) throws {
        guard let program, !isTrusted else { return }
        let allowed = lock.withLock { programs }
        guard !allowed.contains(program) else { return }
        throw refusal(args, "\(option)='\(program)' names a program; a sandboxed recipe runs only programs its user "
                      + "passed as a parameter or the studio configuration allows (allowed_programs); run with --trust if you trust the recipe")
    }

    // MARK: Webhooks

    /// Throw the refusal unless the recipe may post to `host`: one the studio configuration lists.
    func requireWebhook(host: String, _ args: LuaArgs) throws {
        guard !isTrusted, !lock.withLock({ webhookHosts.contains(host) }) else { return }
        throw refusal(args, "may not post to \(host): a sandboxed recipe's webhooks reach only the hosts the studio "
                      + "configuration lists (notify_hosts, see README: Studio workflows); run with --trust if you trust the recipe")
    }

    /// Throw the refusal unless the code is trusted (`what` names the call, e.g. notify.command).
    func requireTrusted(_ what: String, _ args: LuaArgs) throws {
        guard !isTrusted else { return }
        throw refusal(args, "\(what) runs a program of the recipe's choosing; only trusted recipes may (run with --trust)")
    }

    // MARK: Jobs

    /// Note a job the recipe submitted (its own to cancel, follow or inject faults into).
    func grantJob(id: String, folder: String?) {
        lock.withLock { _ = jobs.insert(id) }
        if let folder { grant(folder) }
    }

    /// Throw the refusal unless `job` is one the recipe submitted.
    func requireJob(_ job: String, _ args: LuaArgs) throws {
        guard !isTrusted, !lock.withLock({ jobs.contains(job) }), !allows(.write, job) else { return }
        throw refusal(args, "job \(job) is not one this recipe submitted; run with --trust if you trust the recipe")
    }

    /// Throw the refusal unless the code is trusted: only trusted code may ask for trust.
    func requireTrust(_ args: LuaArgs) throws {
        guard !isTrusted else { return }
        throw refusal(args, "trust = true: a sandboxed recipe cannot raise trust; only the person running it (--trust) "
                      + "or the studio configuration (trusted_recipes) can")
    }

    // MARK: Temporary folder

    /// The run's private temporary folder, made on first use and removed when the run ends.
    func temporaryFolder() throws -> String {
        try lock.withLock {
            if let temporary { return temporary }
            var template = Array((NSTemporaryDirectory() + "/blendbatch-recipe-XXXXXX").utf8CString)
            guard let made = mkdtemp(&template) else { throw StoreError.io(NSTemporaryDirectory(), reason: "cannot make a temporary folder") }
            let path = LocationScope.resolvingLinks(String(cString: made))
            temporary = path
            return path
        }
    }

    /// The refusal: raised in Lua; ends the recipe with `blendbatch: <file:line>: <fn>: <message>` and exit 77.
    private func refusal(_ args: LuaArgs, _ message: String) -> LuaError {
        let exit = RecipeExit(message: "\(args.callerPosition)\(args.function): \(message)", code: ExitCode.notPermitted.rawValue)
        args.owner?.userInfo[RecipeExit.key] = exit
        return .runtime(message: exit.line, traceback: "")
    }
}
