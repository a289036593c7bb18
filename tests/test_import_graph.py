"""Do the imports inside kiosk/ go one way, without a cycle?

The graph counts every import of a kiosk module — at the top of a file or inside
a function, and module names handed to ``importlib`` as strings (the sync
registry's features) — because a cycle through a function-level import still
ties two modules together: neither can be read, tested or moved alone.

Not counted is the wiring of the one blueprint pattern (docs/architecture.md):
- a view module importing its blueprint (only Blueprint objects) from the module
  that creates it, while that module imports its views so their routes register;
- a feature package importing its own modules (its ``__init__`` lists its views);
- what ``create_app`` and each feature's ``init_app`` import: the composition,
  run once every module is loaded.
"""
import ast
import pathlib

ROOT = pathlib.Path(__file__).parent.parent
WIRING = {"init_app", "create_app", "_features"}


def module_name(path, root):
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class Imports(ast.NodeVisitor):
    """The kiosk modules one module imports, outside the wiring."""

    def __init__(self, name, is_package, modules, blueprints):
        self.name, self.is_package, self.modules, self.blueprints = name, is_package, modules, blueprints
        self.found, self.wiring = set(), 0

    def base(self, level, module):
        if not level:
            return module
        parts = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        parts = parts[:len(parts) - (level - 1)]
        return ".".join(parts + ([module] if module else []))

    def visit_FunctionDef(self, node):
        self.wiring += node.name in WIRING
        self.generic_visit(node)
        self.wiring -= node.name in WIRING

    def add(self, target):
        own_module = (self.is_package and self.name != "kiosk"
                      and target.rpartition(".")[0] == self.name)
        if target in self.modules and target != self.name and not self.wiring and not own_module:
            self.found.add(target)

    def visit_Import(self, node):
        for alias in node.names:
            self.add(alias.name)

    def visit_ImportFrom(self, node):
        base = self.base(node.level, node.module)
        for alias in node.names:
            if f"{base}.{alias.name}" in self.modules:
                self.add(f"{base}.{alias.name}")
            elif alias.name not in self.blueprints.get(base, ()):
                self.add(base)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and node.value.startswith("kiosk."):
            self.add(node.value)


def blueprints_defined(tree):
    return {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "Blueprint"
            for target in node.targets if isinstance(target, ast.Name)}


def import_graph(root=ROOT):
    paths = {module_name(p, root): p for p in (root / "kiosk").rglob("*.py")}
    trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in paths.items()}
    blueprints = {name: blueprints_defined(tree) for name, tree in trees.items()}
    graph = {}
    for name, tree in trees.items():
        visitor = Imports(name, paths[name].name == "__init__.py", paths, blueprints)
        visitor.visit(tree)
        graph[name] = visitor.found
    return graph


def cycles(graph):
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def describe(graph, group):
    return "\n".join(f"  {m} → {', '.join(sorted(graph[m] & set(group)))}" for m in group)


def test_the_kiosk_package_has_no_import_cycle():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n\n".join(describe(graph, g) for g in found)


def test_nothing_imports_the_app_factory():
    """``kiosk/__init__.py`` builds the app from every feature: a module that imports a name
    from it (the version, once) depends on the whole application."""
    graph = import_graph()
    assert not sorted(name for name, imported in graph.items() if "kiosk" in imported)


def test_the_sync_registry_names_no_feature():
    """The sync is a base layer: the factory tells it which features sync."""
    graph = import_graph()
    assert not {m for m in graph["kiosk.sync.kinds"] if not m.startswith("kiosk.sync.")}


def test_the_graph_sees_function_level_and_importlib_imports():
    """The walk is not blind: the app factory's features and the sync registry's are edges."""
    graph = import_graph()
    assert "kiosk.mood.sync" in graph["kiosk"]                     # an importlib string
    assert "kiosk.demo_data" in graph["kiosk.cli"]                 # inside a command
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# The features: what registers screens, pages or commands (docs/architecture.md, "Layers").
# The roster is one of them as a whole; its core (ROSTER_CORE) is what the others build on.
FEATURES = ("kiosk.admin", "kiosk.alerts", "kiosk.benefits", "kiosk.care", "kiosk.central",
            "kiosk.cli", "kiosk.demo_data", "kiosk.home", "kiosk.identify", "kiosk.mood",
            "kiosk.notices", "kiosk.pinyin", "kiosk.roster",
            "kiosk.service", "kiosk.sync.admin")

# The roster's tables, writes, PINs, importers and sync kinds: every feature may use them,
# so they use no feature (not even the admin shell: a PIN is hashed by kiosk/passwords.py).
ROSTER_CORE = ("kiosk.roster.models", "kiosk.roster.service", "kiosk.roster.pins",
               "kiosk.roster.csv_import", "kiosk.roster.photo_import",
               "kiosk.roster.photo_processing", "kiosk.roster.sync")


def is_feature(name):
    return any(name == f or name.startswith(f + ".") for f in FEATURES)


def test_the_base_never_imports_a_feature():
    """config, db, models, files, storage, errors, htmx, tiles, the sync…: a feature plugs in
    through ``init_app`` and the registries; the base does not know it is there."""
    graph = import_graph()
    assert all(name in graph for name in FEATURES), "a feature named here is gone: update FEATURES"
    upward = {name: sorted(filter(is_feature, imported)) for name, imported in graph.items()
              if name != "kiosk" and not is_feature(name)}
    assert not {name: found for name, found in upward.items() if found}


def test_the_base_never_imports_the_roster():
    """kiosk/models/ keeps the base tables; a Member is the roster's (kiosk/roster/models.py)."""
    graph = import_graph()
    found = {name: sorted(m for m in imported if m.startswith("kiosk.roster"))
             for name, imported in graph.items() if name != "kiosk" and not is_feature(name)}
    assert not {name: roster for name, roster in found.items() if roster}


def test_the_roster_core_imports_no_other_feature():
    graph = import_graph()
    assert all(name in graph for name in ROSTER_CORE), "a core module is gone: update ROSTER_CORE"
    found = {name: sorted(m for m in graph[name] if is_feature(m) and m not in ROSTER_CORE)
             for name in ROSTER_CORE}
    assert not {name: other for name, other in found.items() if other}


def test_the_admin_shell_imports_nothing_of_the_roster():
    """kiosk/admin/ is the login, the layout and the admin home's registries: the roster's
    pages live in kiosk/roster/ (``admin_bp``), like every feature's."""
    graph = import_graph()
    shell = [name for name in graph if name == "kiosk.admin" or name.startswith("kiosk.admin.")]
    found = {name: sorted(m for m in graph[name] if m.startswith("kiosk.roster")) for name in shell}
    assert not {name: roster for name, roster in found.items() if roster}
