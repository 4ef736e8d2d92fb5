"""The recipes a studio shares, as Blender sees them: the list from `blendbatch recipes --json`, and the
chosen recipe's declared parameters as form fields (type, default, help), generated as a PropertyGroup
the way Flamenco's add-on turns a job type's settings into one."""

import bpy

from . import cli, command

# What the panel itself asks for; the form shows a recipe's other parameters.
PANEL_OPTIONS = {"file", "scene", "frames", "frames_in_scene", "percent", "samples", "device", "out", "blender", "json", "queue"}

_recipes = {}      # name -> the recipe's `recipes --json` row
_form = None       # the registered PropertyGroup class of the current form
_form_recipe = None


class BlendbatchRecipe(bpy.types.PropertyGroup):
    """One row of the recipe list (`name` is the recipe's)."""
    description: bpy.props.StringProperty()


def load(binary):
    """Read the recipe list through the binary; returns a Result when that failed, else None."""
    global _form_recipe
    result = cli.run([binary, "recipes", "--json"])
    rows = result.json() if result.code == 0 else None
    if not isinstance(rows, list):
        return result if result.code else cli.Result(65, "", "recipes --json printed no list")
    _recipes.clear()
    _form_recipe = None  # declarations may have changed: the next ensure_form builds the form again
    listing = bpy.context.window_manager.blendbatch_recipes
    listing.clear()
    for row in rows:
        if row.get("shadowed") or row.get("problem"):
            continue
        _recipes[row["name"]] = row
        item = listing.add()
        item.name, item.description = row["name"], row.get("description", "")
    return None


def parameters(recipe):
    """The declared parameters of `recipe` (empty when it is unknown or the list is not loaded)."""
    return (_recipes.get(recipe) or {}).get("params") or []


def declared(recipe):
    return {p["name"] for p in parameters(recipe)}


def _attribute(name):
    """The field's attribute: the parameter's name, unless a property group already has it (`name`)."""
    taken = name in bpy.types.PropertyGroup.bl_rna.properties or hasattr(bpy.types.PropertyGroup, name)
    return name + "_" if taken else name


def _property(p):
    """A Blender property for one declared parameter."""
    kind, default, label = p.get("kind"), p.get("defaultValue"), p["name"].replace("_", " ").capitalize()
    help_text = p.get("help", "") + (" (required)" if p.get("required") else "")
    if kind == "int":
        return bpy.props.IntProperty(name=label, description=help_text, default=int(default or 0))
    if kind == "number":
        return bpy.props.FloatProperty(name=label, description=help_text, default=float(default or 0))
    if kind == "bool":
        return bpy.props.BoolProperty(name=label, description=help_text, default=bool(default))
    subtype = "FILE_PATH" if kind == "path" else "NONE"
    return bpy.props.StringProperty(name=label, description=help_text, default=str(default or ""), subtype=subtype)


def form_parameters(recipe):
    return [p for p in parameters(recipe) if p["name"] not in PANEL_OPTIONS]


def ensure_form(recipe):
    """Make `window_manager.blendbatch_params` the form of `recipe` (regenerated when the recipe changes)."""
    global _form, _form_recipe
    if _form is not None and _form_recipe == recipe:
        return
    annotations = {_attribute(p["name"]): _property(p) for p in form_parameters(recipe)}
    form = type("BlendbatchRecipeForm", (bpy.types.PropertyGroup,), {"__annotations__": annotations})
    if _form is not None:
        del bpy.types.WindowManager.blendbatch_params
        bpy.utils.unregister_class(_form)
    bpy.utils.register_class(form)
    bpy.types.WindowManager.blendbatch_params = bpy.props.PointerProperty(type=form)
    _form, _form_recipe = form, recipe


def is_form_of(recipe):
    return _form is not None and _form_recipe == recipe


def argv(recipe, form):
    """The recipe's own options the artist changed from their defaults: `--name value`, `--flag`, `--no-flag`."""
    out = []
    for p in form_parameters(recipe):
        value = getattr(form, _attribute(p["name"]))
        default = form.bl_rna.properties[_attribute(p["name"])].default
        if value == default:
            continue
        if p.get("kind") == "bool":
            out.append(command.flag(p["name"] if value else "no_" + p["name"]))
        else:
            text = bpy.path.abspath(value) if p.get("kind") == "path" and value.startswith("//") else value
            out += [command.flag(p["name"]), str(text)]
    return out


def draw(layout, recipe, form):
    for p in form_parameters(recipe):
        layout.prop(form, _attribute(p["name"]))


def register():
    bpy.utils.register_class(BlendbatchRecipe)
    bpy.types.WindowManager.blendbatch_recipes = bpy.props.CollectionProperty(type=BlendbatchRecipe)


def unregister():
    global _form, _form_recipe
    if _form is not None:
        del bpy.types.WindowManager.blendbatch_params
        bpy.utils.unregister_class(_form)
        _form, _form_recipe = None, None
    del bpy.types.WindowManager.blendbatch_recipes
    bpy.utils.unregister_class(BlendbatchRecipe)
