/// Splits a command line into words the way a POSIX shell (and Python's `shlex.split`, which the
/// AWS CLI uses for `credential_process`) does, without running a shell: blanks separate words,
/// `'…'` is literal, `"…"` keeps blanks and lets `\` escape `"` and `\`, and a bare `\` escapes
/// the next character. No variables, globs or `~` are expanded.
enum CommandLineWords {
    /// A command line that cannot be split.
    struct SyntaxError: Error, CustomStringConvertible {
        var description: String
    }

    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                guard let quoted = read(&characters, until: "'", escapes: []) else {
                    throw SyntaxError(description: "no closing ' quote")
                }
                word += quoted
            case "\"":
                inWord = true
                guard let quoted = read(&characters, until: "\"", escapes: ["\"", "\\"]) else {
                    throw SyntaxError(description: "no closing \" quote")
                }
                word += quoted
            case "\\":
                guard let escaped = characters.next() else { throw SyntaxError(description: "a \\ with nothing after it") }
                inWord = true
                word.append(escaped)
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The text up to the closing `quote` (consumed), with `\` dropped before the characters in
    /// `escapes`; nil when the line ends first.
    private static func read(_ characters: inout String.Iterator, until quote: Character, escapes: Set<Character>) -> String? {
        var text = ""
        while let character = characters.next() {
            if character == quote { return text }
            if character == "\\", !escapes.isEmpty {
                guard let next = characters.next() else { return nil }
                if !escapes.contains(next) { text.append("\\") }
                text.append(next)
            } else {
                text.append(character)
            }
        }
        return nil
    }
}
