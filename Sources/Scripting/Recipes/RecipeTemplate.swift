/// The starter recipe `blendbatch recipes new NAME` writes.
public enum RecipeTemplate {
    public static func starter(name: String) -> String {
        """
        -- \(name).lua — a blendbatch recipe.
        --
        -- Run it:    blendbatch run \(name).lua --message "hello"      (or by name when it is on the
        --            recipe path: BLENDBATCH_RECIPE_PATH, ~/.config/blendbatch/recipes)
        -- Its help:  blendbatch run \(name).lua --help
        -- Check it:  blendbatch recipes check \(name).lua
        --
        -- The `recipe { ... }` call must come first: blendbatch reads it without running the rest of
        -- the file, to list the recipe and turn its params into command-line options. Parameter types:
        -- string, int, number, bool, path (a file or s3:// URL), frames (an OpenJD range like 1-100:2).
        -- Recipes run sandboxed (no io, os.execute); use blendbatch's modules — help() in
        -- `blendbatch repl` lists them — or run with --trust.
        --
        -- Exit code: end the file with `return <0-255>` (e.g. `return report.exit_code` after
        -- job:wait), or stop at once with `fail(message, code)`: one line `blendbatch: <message>` on
        -- stderr, no traceback; code is a number or a name as render.submit returns it ('no_input'
        -- is 66). An error() exits 1 with a traceback.

        local p = recipe {
          name = "\(name)",
          description = "Describe what \(name) does in one line",
          params = {
            { name = "message", type = "string", default = "hello", help = "what to print" },
          },
        }

        print(p.message)

        """
    }
}
