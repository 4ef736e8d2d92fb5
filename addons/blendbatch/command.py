"""The command lines the add-on runs, built from plain values (no Blender here, so they read alike in
every Blender and in tests)."""


def flag(name):
    """A recipe parameter's command-line spelling: `chunk_time` → `--chunk-time`."""
    return "--" + name.replace("_", "-")


def options_argv(options, accepted=None):
    """`--name value` for each option given (None, "" and False are not given; True is a bare flag).
    `accepted`: the parameter names a recipe declares; other options are left out."""
    argv = []
    for name, value in options.items():
        if value is None or value == "" or value is False or (accepted is not None and name not in accepted):
            continue
        argv += [flag(name)] if value is True else [flag(name), str(value)]
    return argv


def submit_argv(binary, blend, backend, recipe, options, recipe_argv=(), declared=None, queue=""):
    """The command that renders `blend`.

    - aws: `render FILE --backend aws --queue Q --wait --json …` (the add-on follows the job);
    - slurm: `render FILE --backend slurm --wait --json …`;
    - local: `run RECIPE --file FILE --json …` (`run render` is what `blendbatch render` runs).
    `options`: the panel's settings, passed to a recipe only when it declares them (`declared`: its
    parameter names, None when unknown); `recipe_argv`: the recipe's own fields (`recipe_form.argv`).
    """
    if backend == "aws":
        return [binary, "render", blend, "--backend", "aws", "--wait", "--json"] + options_argv({"queue": queue}) \
            + options_argv(options)
    if backend == "slurm":
        return [binary, "render", blend, "--backend", "slurm", "--wait", "--json"] + options_argv(options)
    return [binary, "run", recipe or "render", "--file", blend] + options_argv(dict(options, json=True), declared) \
        + list(recipe_argv)
