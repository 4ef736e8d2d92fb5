import CLuaShim
import Foundation
import RenderPlan
import LuaKit

/// The interactive Lua session (`blendbatch repl`), following lua.c's semantics: a line is first
/// tried as `return <line>` so expressions print their values; an incomplete chunk (a syntax error
/// at `<eof>`) continues on the next line; every chunk runs through the one protected path, and
/// Ctrl-C interrupts it. On a terminal it uses libedit (history, Tab completion from the live VM);
/// on a pipe it reads plain lines without prompts and reports failure in its exit status.
public final class REPL {
    public static let prompt = "blendbatch> "
    public static let continuationPrompt = "...> "

    let state: LuaState
    let interactive: Bool
    private var failed = false

    /// - Parameters:
    ///   - state: the session's state (the CLI gives it every module as a global and full Lua).
    ///   - interactive: use the line editor; default: whether stdin is a terminal.
    public init(state: LuaState, interactive: Bool = isatty(STDIN_FILENO) == 1) {
        self.state = state
        self.interactive = interactive
    }

    /// Run until end of input. Returns the exit status: 0, or 1 when a piped chunk failed.
    public func run() -> Int32 {
        if interactive, let editor = LineEditor(program: "blendbatch", historySize: HistoryFile.capacity) {
            runInteractive(editor)
            return 0
        }
        while let line = readLine(strippingNewline: true) {
            evaluate(line) { readLine(strippingNewline: true).map { .line($0) } ?? .endOfFile }
        }
        return failed ? 1 : 0
    }

    private func runInteractive(_ editor: LineEditor) {
        let historyPath = HistoryFile.path()
        if let historyPath {
            HistoryFile.prepare(historyPath)
            editor.loadHistory(from: historyPath)
        }
        let completion = Completion(state: state)
        LineEditor.completer = { completion.candidates(for: Completion.word(before: $0)) }
        defer { LineEditor.completer = nil }
        write("\(LuaState.version) with blendbatch modules — help() lists them, Ctrl-D exits.\n")
        while true {
            switch editor.read(prompt: Self.prompt) {
            case .endOfFile:
                write("\n")
                return
            case .interrupted:
                continue
            case .line(let line):
                let entry = evaluate(line) { editor.read(prompt: Self.continuationPrompt) }
                if let entry {
                    editor.addHistory(entry)
                    if let historyPath { editor.saveHistory(to: historyPath) }
                }
            }
        }
    }

    /// Compile and run one chunk starting with `line`, reading more lines while it is incomplete.
    /// Returns the chunk's text (for history), or nil when the input was cancelled or blank.
    @discardableResult
    func evaluate(_ line: String, more: () -> LineEditor.Input) -> String? {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        var chunk = line
        if (try? state.load("return " + line, name: "=stdin")) == nil {
            while true {
                do {
                    try state.load(chunk, name: "=stdin")
                    break
                } catch LuaError.syntax(let message) where message.hasSuffix("<eof>") {
                    switch more() {
                    case .line(let next): chunk += "\n" + next
                    case .interrupted: return nil
                    case .endOfFile: report(message); return chunk
                    }
                } catch {
                    report("\(error)")
                    return chunk
                }
            }
        }
        execute()
        return chunk
    }

    /// Call the compiled chunk on top of the stack and print its results.
    private func execute() {
        let stack = state.stack
        let base = stack.top - 1
        do {
            try state.withInterruptHandling { try state.call(nargs: 0, nresults: LUA_MULTRET) }
            let printer = PrettyPrinter(stack: stack)
            let values = (base + 1...max(base + 1, stack.top)).prefix(Int(stack.top - base)).map { printer.format(at: $0) }
            if !values.isEmpty { write(values.joined(separator: "\t") + "\n") }
        } catch let LuaError.runtime(message, traceback) {
            report(traceback.isEmpty ? message : message + "\n" + traceback)
        } catch {
            report("\(error)")
        }
        stack.top = base
    }

    private func report(_ message: String) {
        failed = true
        fflush(nil)  // Lua's io.write output first
        StandardStream.error.write(message + "\n")
    }

    private func write(_ text: String) {
        fflush(nil)  // keep order with Lua's own (C stdio) output
        StandardStream.output.write(text)
    }
}
