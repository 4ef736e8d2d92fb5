import CEditline
import CLuaShim
import Foundation
import RenderPlan

/// libedit's native API: prompt, emacs keys, history, and Tab bound to a completion function.
final class LineEditor {
    enum Input { case line(String), endOfFile, interrupted }

    private let el: OpaquePointer
    private let history: OpaquePointer?
    private var prompt: UnsafeMutablePointer<CChar>?

    /// The completer asked by the Tab binding: full-word candidates for the text before the cursor.
    /// One editor per process reads the terminal, so one global slot is enough.
    nonisolated(unsafe) static var completer: ((String) -> [String])?

    init?(program: String, historySize: Int32) {
        guard let el = bb_el_open(program) else { return nil }
        self.el = el
        history = bb_history_open(historySize)
        if let history { bb_el_use_history(el, history) }
        bb_el_add_function(el, "blendbatch-complete", "Complete Lua names", { el, _ in
            guard let el else { return UInt8(CC_ERROR) }
            return LineEditor.complete(el)
        })
        bb_el_bind(el, "^I", "blendbatch-complete")
        bb_el_add_function(el, "blendbatch-cancel", "Cancel the line", { _, _ in
            LineEditor.cancelled = true
            return UInt8(CC_NEWLINE)
        })
        bb_el_bind(el, "^C", "blendbatch-cancel")
    }

    /// Set by the ^C binding; read (and reset) right after `el_gets` returns on the same thread.
    nonisolated(unsafe) static var cancelled = false

    deinit {
        el_end(el)
        if let history { history_end(history) }
        free(prompt)
    }

    /// Read one line (without its newline). Ctrl-C while typing gives `.interrupted`.
    func read(prompt text: String) -> Input {
        free(prompt)
        prompt = strdup(text)
        bb_el_set_prompt(el, prompt)
        _ = bb_sigint_take()
        bb_sigint_begin(nil)  // record SIGINT only; read() returns EINTR
        defer { bb_sigint_end() }
        var count: Int32 = 0
        Self.cancelled = false
        let raw = el_gets(el, &count)
        if Self.cancelled {
            Self.cancelled = false
            return .interrupted
        }
        if bb_sigint_take() != 0 || (raw == nil && count < 0 && errno == EINTR) {
            StandardStream.output.write("\n")
            return .interrupted
        }
        guard let raw, count > 0 else { return .endOfFile }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    func addHistory(_ entry: String) {
        guard let history, !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        bb_history_add(history, entry)
    }

    func loadHistory(from path: String) {
        guard let history else { return }
        _ = bb_history_load(history, path)
    }

    func saveHistory(to path: String) {
        guard let history else { return }
        _ = bb_history_save(history, path)
    }

    /// Tab: insert the unique completion or the common prefix; list the candidates otherwise.
    private static func complete(_ el: OpaquePointer) -> UInt8 {
        guard let info = el_line(el)?.pointee, let completer else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let before = String(decoding: UnsafeRawBufferPointer(start: info.buffer, count: length), as: UTF8.self)
        let word = String(Completion.word(before: before))
        let candidates = completer(before)
        guard !candidates.isEmpty else { return UInt8(CC_ERROR) }
        let common = Completion.commonPrefix(candidates)
        if common.count > word.count {
            _ = el_insertstr(el, String(common.dropFirst(word.count)))
            return UInt8(CC_REFRESH)
        }
        guard candidates.count > 1 else { return UInt8(CC_REFRESH) }
        let names = candidates.map { $0.split(whereSeparator: { $0 == "." || $0 == ":" }).last.map(String.init) ?? $0 }
        let width = (names.map(\.count).max() ?? 0) + 2
        let perLine = max(1, 78 / width)
        var text = "\n"
        for (i, name) in names.enumerated() {
            text += name.padding(toLength: width, withPad: " ", startingAt: 0)
            if (i + 1) % perLine == 0 || i == names.count - 1 { text += "\n" }
        }
        StandardStream.output.write(text)
        return UInt8(CC_REDISPLAY)
    }
}
