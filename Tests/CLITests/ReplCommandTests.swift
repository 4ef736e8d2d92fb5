import Foundation
import Testing

@Suite("blendbatch repl with a pipe")
struct ReplCommandTests {
    @Test("lines run without prompts; expressions print; exit 0")
    func pipe() throws {
        let r = try CLIRunner.run(["repl"], stdin: "x = 21\nx * 2\nfunction f(a)\n  return a .. '!'\nend\nf('hi')\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "42\nhi!\n")
        #expect(!r.stdout.contains("blendbatch>"))
    }

    @Test("a failing chunk is reported on stderr and the exit status is 1")
    func failure() throws {
        let r = try CLIRunner.run(["repl"], stdin: "error('nope')\nprint('after')\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("stdin:1: nope"))
        #expect(r.stdout == "after\n")
    }

    @Test("the REPL has full Lua and every module as a global")
    func modules() throws {
        let r = try CLIRunner.run(["repl"], stdin: "type(io.open), type(bbinfo.lua), bbinfo.lua()\n")
        #expect(r.stdout == "function\tfunction\tLua 5.4\n")
    }
}
