import Foundation
import Testing

/// The REPL in a real terminal (tmux), with real libedit.
@Suite("REPL in a terminal", .serialized, .requires(.tmux))
struct REPLTests {
    let dir: URL
    let history: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("repl-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        history = dir.appendingPathComponent("state/history").path
    }

    func start() throws -> TmuxSession {
        let tmux = try TmuxSession(command: "\(blendbatchBinary()) repl", environment: ["BLENDBATCH_HISTORY": history, "HOME": dir.path])
        try tmux.wait(for: "blendbatch>")
        return tmux
    }

    @Test("expressions print their value: x = 21, then x * 2 prints 42")
    func expressions() throws {
        let tmux = try start()
        try tmux.line("x = 21")
        try tmux.wait(for: "blendbatch>", count: 2)
        try tmux.line("x * 2")
        let screen = try tmux.wait(for: "blendbatch>", count: 3)
        #expect(screen.contains("\n42\n"))
        try tmux.line("{b = 2, a = {1, 2}, s = 'x'}")
        let s2 = try tmux.wait(for: "blendbatch>", count: 4)
        #expect(s2.contains("{ a = { 1, 2 }, b = 2, s = \"x\" }"))
    }

    @Test("a three-line function entered line by line works")
    func multiline() throws {
        let tmux = try start()
        try tmux.line("function add(a, b)")
        try tmux.wait(for: "...>")
        try tmux.line("  return a + b")
        try tmux.wait(for: "...>", count: 2)
        try tmux.line("end")
        try tmux.wait(for: "blendbatch>", count: 2)
        try tmux.line("add(40, 2)")
        let screen = try tmux.wait(for: "blendbatch>", count: 3)
        #expect(screen.contains("\n42\n"))
    }

    @Test("Tab completes from the live VM: string.for<TAB> becomes string.format")
    func completion() throws {
        let tmux = try start()
        try tmux.type("string.for")
        try tmux.press("Tab")
        try tmux.wait(for: "string.format")
        try tmux.type("('%d', 7)")
        try tmux.press("Enter")
        let screen = try tmux.wait(for: "blendbatch>", count: 2)
        #expect(screen.contains("\n7\n"))
    }

    @Test("history survives a restart")
    func historyPersists() throws {
        do {
            let tmux = try start()
            try tmux.line("marker_value = 1234")
            try tmux.wait(for: "blendbatch>", count: 2)
            try tmux.press("C-d")
            try tmux.wait(for: "[exit 0]")
        }
        #expect(FileManager.default.fileExists(atPath: history))
        let tmux = try start()
        try tmux.press("Up")
        try tmux.wait(for: "marker_value = 1234")
    }

    @Test("Ctrl-C interrupts a running chunk and returns to the prompt; Ctrl-D exits 0")
    func interrupt() throws {
        let tmux = try start()
        // The chunk prints a word its own line does not contain, then spins: Ctrl-C once it runs.
        try tmux.line("print('spin' .. 'ning') while true do end")
        try tmux.wait(for: "\nspinning\n")
        try tmux.press("C-c")
        let screen = try tmux.wait(for: "blendbatch>", count: 2)
        #expect(screen.contains("interrupted!"))
        try tmux.type("half typed")
        try tmux.press("C-c")
        try tmux.wait(for: "blendbatch>", count: 3)
        try tmux.line("1 + 1")
        let after = try tmux.wait(for: "blendbatch>", count: 4)
        #expect(after.contains("\n2\n"))
        try tmux.press("C-d")
        try tmux.wait(for: "[exit 0]")
    }

    @Test("help() lists the modules and help(fn) prints a doc")
    func help() throws {
        let tmux = try start()
        try tmux.line("help()")
        let screen = try tmux.wait(for: "blendbatch>", count: 2)
        #expect(screen.contains("Modules"))
        #expect(screen.contains("bbinfo"))
        try tmux.line("help(bbinfo.lua)")
        let s2 = try tmux.wait(for: "blendbatch>", count: 3)
        #expect(s2.contains("bbinfo.lua() -> string"))
    }
}
