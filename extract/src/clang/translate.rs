//! From clang's AST to the IR: declarations in scope, the types they need, layouts from clang.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use clang_sys::*;

use super::docs::{comment_to_docs, macro_comment};
use super::ffi::{Cursor, Location, Ty};
use crate::ir::{
    Binding, ConstValue, Constant, Enum, ExternBlock, Function, Global, Item, ItemKind, Opaque,
    Origin, Param, Prim, Signature, Type, Variant,
};
use crate::layout::Layouts;

mod records;

/// The name an anonymous struct, union or enum has from the typedef that declares it first
/// (`typedef struct { … } Box, *BoxPtr;` gives `Box`), as clang spells its type; `None` when
/// it has none (clang spells the type `struct (unnamed at …)`).
fn linkage_name(def: &Cursor) -> Option<String> {
    let spelled = def.ty().spelling();
    (!spelled.is_empty() && !spelled.contains(' ') && !spelled.contains('(')).then_some(spelled)
}

const FUNCTION: &str = "--include-function";
const STRUCT: &str = "--include-struct";
const UNION: &str = "--include-union";
const TYPEDEF: &str = "--include-typedef";
const VAR: &str = "--include-var";
const CONSTANT: &str = "--include-constant";
/// Not an option: marks a constant the include options named that is a macro.
const MACRO: &str = "macro";

/// What the caller asked to include (empty: everything in the named headers).
#[derive(Debug, Default, Clone)]
pub(crate) struct Filters {
    pub(crate) functions: Vec<String>,
    pub(crate) structs: Vec<String>,
    pub(crate) unions: Vec<String>,
    pub(crate) typedefs: Vec<String>,
    pub(crate) vars: Vec<String>,
    pub(crate) constants: Vec<String>,
}

impl Filters {
    fn any(&self) -> bool {
        !(self.functions.is_empty()
            && self.structs.is_empty()
            && self.unions.is_empty()
            && self.typedefs.is_empty()
            && self.vars.is_empty()
            && self.constants.is_empty())
    }
}

/// A declaration that could be included, for `--dump-includes`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Includable {
    /// The option that includes it (`--include-function` …).
    pub option: &'static str,
    /// The declaration's name.
    pub name: String,
    /// Where it is declared (`file:line:col`).
    pub location: String,
}

/// The translator's state.
pub(crate) struct Translator {
    /// The named headers, canonical.
    headers: Vec<PathBuf>,
    /// Header index by file path as clang spells it (see `header_index`).
    file_indexes: RefCell<HashMap<PathBuf, Option<usize>>>,
    /// Items by name, in the order they were produced.
    items: Vec<(Sort, Item)>,
    names: HashSet<String>,
    /// Declarations translated or in progress (by USR-like key).
    done: HashSet<String>,
    pub(crate) warnings: Vec<String>,
    pub(crate) skipped: Vec<String>,
    functions: Vec<(Sort, Function)>,
    globals: Vec<(Sort, Global)>,
    queue: VecDeque<Cursor>,
    anon_counter: HashMap<String, usize>,
    /// Rust names given to anonymous records (by declaration key): `parent__field`,
    /// `parent__anonN`.
    anon_names: HashMap<String, String>,
    /// The lines of the files macros are read from (for their comments).
    sources: HashMap<PathBuf, Vec<String>>,
    /// The names the include options gave that a declaration matched, by option.
    matched: HashSet<(&'static str, String)>,
}

/// Source order: file index (named headers first, in order), line, column.
type Sort = (usize, u32, u32, String);

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Translator {
    pub(crate) fn new(headers: &[PathBuf]) -> Self {
        Translator {
            headers: headers.iter().map(|h| canonical(h)).collect(),
            file_indexes: RefCell::new(HashMap::new()),
            items: Vec::new(),
            names: HashSet::new(),
            done: HashSet::new(),
            warnings: Vec::new(),
            skipped: Vec::new(),
            functions: Vec::new(),
            globals: Vec::new(),
            queue: VecDeque::new(),
            anon_counter: HashMap::new(),
            anon_names: HashMap::new(),
            sources: HashMap::new(),
            matched: HashSet::new(),
        }
    }

    /// The index of `file` among the named headers. Paths are compared canonical, and each
    /// file is canonicalized once: this runs for every declaration clang saw, and
    /// canonicalizing costs a system call per path component.
    fn header_index(&self, file: &Path) -> Option<usize> {
        if let Some(i) = self.file_indexes.borrow().get(file) {
            return *i;
        }
        let c = canonical(file);
        let i = self.headers.iter().position(|h| *h == c);
        self.file_indexes.borrow_mut().insert(file.to_path_buf(), i);
        i
    }

    fn in_headers(&self, loc: &Location) -> bool {
        loc.file
            .as_ref()
            .is_some_and(|f| self.header_index(f).is_some())
    }

    fn sort_key(&self, c: &Cursor) -> Sort {
        let loc = c.location();
        let file_index = loc
            .file
            .as_ref()
            .and_then(|f| self.header_index(f))
            .unwrap_or(usize::MAX);
        let file_name = loc
            .file
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_default();
        (file_index, loc.line, loc.column, file_name)
    }

    fn origin(c: &Cursor) -> Origin {
        let loc = c.location();
        Origin {
            file: loc
                .file
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            line: loc.line,
            column: loc.column,
        }
    }

    /// The documentation of a declaration: its comment, one entry per line.
    fn docs(c: &Cursor) -> Vec<String> {
        c.raw_comment()
            .map(|t| comment_to_docs(&t))
            .unwrap_or_default()
    }

    /// The symbol a function or global links against: its mangled name without the leading
    /// `\u{1}` of an asm label, or its name.
    fn symbol(c: &Cursor, name: &str) -> String {
        let mangled = c.mangling();
        let symbol = mangled.strip_prefix('\u{1}').unwrap_or(&mangled);
        if symbol.is_empty() {
            name.to_owned()
        } else {
            symbol.to_owned()
        }
    }

    fn warn(&mut self, c: &Cursor, what: String) {
        let o = Self::origin(c);
        self.warnings.push(format!("{o}: {what}"));
    }

    fn push_item(&mut self, c: &Cursor, name: String, kind: ItemKind) {
        if !self.names.insert(name.clone()) {
            return;
        }
        let docs = Self::docs(c);
        let item = Item {
            name,
            origin: Self::origin(c),
            docs,
            kind,
        };
        let key = self.sort_key(c);
        self.items.push((key, item));
    }

    /// Lists the declarations of the named headers that the include options can name.
    pub(crate) fn includables(&self, root: &Cursor) -> Vec<Includable> {
        let mut out = Vec::new();
        for c in root.children() {
            let loc = c.location();
            if !self.in_headers(&loc) {
                continue;
            }
            let name = c.spelling();
            if name.is_empty() {
                continue;
            }
            let option = match c.kind() {
                CXCursor_FunctionDecl => "--include-function",
                CXCursor_StructDecl if c.is_definition() => "--include-struct",
                CXCursor_UnionDecl if c.is_definition() => "--include-union",
                CXCursor_TypedefDecl => "--include-typedef",
                CXCursor_VarDecl => "--include-var",
                CXCursor_MacroDefinition if !c.is_macro_function_like() => "--include-constant",
                CXCursor_EnumDecl => {
                    for k in c.children() {
                        out.push(Includable {
                            option: "--include-constant",
                            name: k.spelling(),
                            location: Self::origin(&k).to_string(),
                        });
                    }
                    continue;
                }
                _ => continue,
            };
            out.push(Includable {
                option,
                name,
                location: Self::origin(&c).to_string(),
            });
        }
        out.sort();
        out.dedup();
        out
    }

    /// Translates the roots (the declarations of the named headers, or those `filters` name
    /// from any header) and everything they need; returns the macro definitions in scope, for
    /// evaluation.
    pub(crate) fn run(&mut self, root: &Cursor, filters: &Filters) -> Vec<(Cursor, String)> {
        let mut macros = Vec::new();
        let wanted =
            |list: &Vec<String>, name: &str| !filters.any() || list.iter().any(|n| n == name);
        for c in root.children() {
            // Without include options, the declarations of the named headers; with them, the
            // named declarations wherever they are (`cos` is declared by a header that math.h
            // includes).
            if !filters.any() && !self.in_headers(&c.location()) {
                continue;
            }
            let name = c.spelling();
            let option = match c.kind() {
                CXCursor_FunctionDecl if wanted(&filters.functions, &name) => {
                    self.function(&c);
                    Some(FUNCTION)
                }
                CXCursor_VarDecl if wanted(&filters.vars, &name) => {
                    self.global(&c);
                    Some(VAR)
                }
                CXCursor_StructDecl if wanted(&filters.structs, &name) && c.is_definition() => {
                    self.queue.push_back(c);
                    Some(STRUCT)
                }
                CXCursor_UnionDecl if wanted(&filters.unions, &name) && c.is_definition() => {
                    self.queue.push_back(c);
                    Some(UNION)
                }
                CXCursor_TypedefDecl if wanted(&filters.typedefs, &name) => {
                    self.queue.push_back(c);
                    Some(TYPEDEF)
                }
                CXCursor_EnumDecl => {
                    let consts: Vec<String> = c.children().iter().map(|k| k.spelling()).collect();
                    let named = !c.is_anonymous() && !c.spelling().is_empty();
                    let keep = !filters.any()
                        || consts.iter().any(|k| filters.constants.contains(k))
                        || (named && filters.typedefs.contains(&name));
                    if keep {
                        self.queue.push_back(c);
                    }
                    if filters.any() {
                        for k in consts {
                            self.matched.insert((CONSTANT, k));
                        }
                        if named {
                            self.matched.insert((TYPEDEF, name.clone()));
                        }
                    }
                    None
                }
                CXCursor_MacroDefinition
                    if !c.is_macro_function_like()
                        && wanted(&filters.constants, &name)
                        && !name.starts_with("__") =>
                {
                    if filters.any() {
                        self.matched.insert((MACRO, name.clone()));
                    }
                    macros.push((c, name.clone()));
                    None
                }
                _ => None,
            };
            if let Some(option) = option
                && filters.any()
            {
                self.matched.insert((option, name));
            }
            self.drain();
        }
        macros
    }

    /// Warns about each name an include option gave that no declaration of its kind matched,
    /// and each constant that is a macro but not one whose value could be computed
    /// (`constants`: the constants produced).
    pub(crate) fn warn_unmatched(&mut self, filters: &Filters, constants: &HashSet<String>) {
        let lists = [
            (FUNCTION, &filters.functions, "declare no function"),
            (STRUCT, &filters.structs, "define no struct"),
            (UNION, &filters.unions, "define no union"),
            (TYPEDEF, &filters.typedefs, "declare no typedef"),
            (VAR, &filters.vars, "declare no global variable"),
        ];
        for (option, names, what) in lists {
            for n in names {
                if !self.matched.contains(&(option, n.clone())) {
                    self.warnings.push(format!(
                        "{option} `{n}`: the headers {what} of that name (nor do the headers they include)"
                    ));
                }
            }
        }
        for n in &filters.constants {
            if constants.contains(n) || self.matched.contains(&(CONSTANT, n.clone())) {
                continue;
            }
            self.warnings.push(if self.matched.contains(&(MACRO, n.clone())) {
                format!(
                    "{CONSTANT} `{n}`: the macro has no value that is a constant (a number, a string or a pointer cast), so it is left out"
                )
            } else {
                format!(
                    "{CONSTANT} `{n}`: the headers define no macro or enum constant of that name (nor do the headers they include)"
                )
            });
        }
    }

    fn drain(&mut self) {
        while let Some(c) = self.queue.pop_front() {
            self.declaration(&c);
        }
    }

    /// A key identifying a declaration.
    fn key(c: &Cursor) -> String {
        let loc = c.location();
        format!(
            "{}:{}:{}:{}:{}",
            c.kind(),
            c.spelling(),
            loc.file
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            loc.line,
            loc.column
        )
    }

    fn declaration(&mut self, c: &Cursor) {
        let c = c.definition().unwrap_or(*c);
        if !self.done.insert(Self::key(&c)) {
            return;
        }
        match c.kind() {
            CXCursor_StructDecl | CXCursor_UnionDecl => {
                let name = self.record_name(&c);
                self.record(&c, name);
            }
            CXCursor_EnumDecl => self.enumeration(&c, None),
            CXCursor_TypedefDecl => self.typedef(&c),
            _ => {}
        }
    }

    /// The Rust name of a record: its tag, or for an anonymous one the typedef that names it.
    fn record_name(&mut self, c: &Cursor) -> String {
        let name = c.spelling();
        if !c.is_anonymous() && !name.is_empty() && !name.contains(' ') {
            return name;
        }
        // `typedef struct { … } Foo;`: clang spells the type as the typedef name.
        if let Some(spelled) = linkage_name(c) {
            return spelled;
        }
        let n = self.anon_counter.entry("anon".into()).or_insert(0);
        *n += 1;
        format!("__anon_record_{n}")
    }

    fn enumeration(&mut self, c: &Cursor, typedef_name: Option<String>) {
        let repr = match prim_of(&c.enum_integer_type().canonical()) {
            Some(p) => p,
            None => {
                self.warn(
                    c,
                    format!("enum `{}` has an unsupported integer type", c.spelling()),
                );
                return;
            }
        };
        let variants: Vec<Variant> = c
            .children()
            .iter()
            .filter(|k| k.kind() == CXCursor_EnumConstantDecl)
            .map(|k| Variant {
                name: k.spelling(),
                value: k.enum_value(),
                docs: Self::docs(k),
            })
            .collect();
        let spelled = c.spelling();
        // `typedef enum { … } X;`: clang spells the anonymous enum's type as `X`.
        let typedef_spelled = c.ty().spelling();
        let name = typedef_name
            .or_else(|| {
                (!c.is_anonymous() && !spelled.is_empty() && !spelled.contains(' '))
                    .then_some(spelled)
            })
            .or_else(|| {
                (!typedef_spelled.is_empty()
                    && !typedef_spelled.contains(' ')
                    && !typedef_spelled.contains('('))
                .then_some(typedef_spelled)
            });
        match name {
            Some(name) => self.push_item(c, name, ItemKind::Enum(Enum { repr, variants })),
            None => {
                // `enum { A = 1, B = 2 };`: plain constants of the enum's integer type.
                for (k, v) in c.children().iter().zip(variants) {
                    self.push_item(
                        k,
                        v.name.clone(),
                        ItemKind::Constant(Constant {
                            ty: Type::Prim(repr),
                            value: ConstValue::Int(v.value),
                        }),
                    );
                }
            }
        }
    }

    fn typedef(&mut self, c: &Cursor) {
        let name = c.spelling();
        if special_typedef(&name).is_some() {
            return;
        }
        let under = c.typedef_underlying();
        let named = under.named();
        let decl = named.canonical().declaration();
        // `typedef struct x x;` / `typedef struct { … } x;` / `typedef enum { … } x;`
        if (named.kind() == CXType_Record
            || named.kind() == CXType_Enum
            || under.kind() == CXType_Elaborated)
            && matches!(
                decl.kind(),
                CXCursor_StructDecl | CXCursor_UnionDecl | CXCursor_EnumDecl
            )
        {
            let tag = decl.spelling();
            let anonymous = decl.is_anonymous() || tag.is_empty() || tag.contains(' ');
            if anonymous || tag == name {
                let def = decl.definition().unwrap_or(decl);
                // `typedef struct { … } Box, BOX;`: the type is named by the first typedef
                // (clang spells it so); the others are aliases of it.
                if anonymous
                    && let Some(first) = linkage_name(&def)
                    && first != name
                {
                    self.queue.push_back(def);
                    self.push_item(c, name, ItemKind::Typedef(Type::Named(first)));
                    return;
                }
                if self.done.insert(Self::key(&def)) {
                    if def.kind() == CXCursor_EnumDecl {
                        self.enumeration(&def, Some(name));
                    } else {
                        self.record(&def, name);
                    }
                }
                return;
            }
        }
        // A function-pointer typedef, or a function typedef (whose pointer is what C code
        // passes around): a callback type. A typedef of another typedef stays an alias (below).
        // The signature is read from the type as written, so parameters keep their typedef
        // names (`size_t`, callbacks).
        let canon = under.canonical();
        let written = under.named();
        let is_function = |t: &Ty| {
            matches!(
                t.canonical().kind(),
                CXType_FunctionProto | CXType_FunctionNoProto
            )
        };
        let function = if written.kind() == CXType_Typedef {
            None
        } else if canon.kind() == CXType_Pointer && is_function(&canon.pointee()) {
            Some(written.pointee())
        } else if is_function(&canon) {
            Some(written)
        } else {
            None
        };
        if let Some(function) = function {
            match self.signature(&function, c) {
                Ok(sig) if sig.variadic => {
                    self.warn(
                        c,
                        format!(
                            "callback type `{name}` is variadic, which a Rust closure cannot be: it becomes an untyped pointer (`*mut c_void`)"
                        ),
                    );
                    self.push_item(
                        c,
                        name,
                        ItemKind::Typedef(Type::Pointer {
                            pointee: Box::new(Type::Void),
                            mutable: true,
                        }),
                    );
                }
                Ok(mut sig) => {
                    // The parameter names written in the typedef (`int (*cmp)(const void *a,
                    // const void *b)`) are its `ParmDecl` children, when there is one per
                    // parameter.
                    let names: Vec<String> = c
                        .children()
                        .iter()
                        .filter(|p| p.kind() == CXCursor_ParmDecl)
                        .map(|p| p.spelling())
                        .collect();
                    if names.len() == sig.params.len() {
                        for (p, n) in sig.params.iter_mut().zip(names) {
                            if !n.is_empty() {
                                p.name = n;
                            }
                        }
                    }
                    self.push_item(c, name, ItemKind::FnPointer(sig))
                }
                Err(why) => self.skip(c, format!("callback type `{name}`: {why}")),
            }
            return;
        }
        match self.ty(&under, c) {
            Ok(t) => {
                if t == Type::Named(name.clone()) {
                    return;
                }
                self.push_item(c, name, ItemKind::Typedef(t))
            }
            Err(why) => self.skip(c, format!("typedef `{name}`: {why}")),
        }
    }

    fn skip(&mut self, c: &Cursor, why: String) {
        let o = Self::origin(c);
        self.skipped.push(format!("{o}: {why}"));
        self.warnings.push(format!("{o}: skipped {why}"));
    }

    fn function(&mut self, c: &Cursor) {
        let name = c.spelling();
        if c.storage_class() == CX_SC_Static || c.is_inlined() {
            // Listed once, where it is first declared.
            let why = format!("function `{name}` is static or inline: it has no symbol to bind");
            if !self.skipped.iter().any(|s| s.ends_with(&why)) {
                let o = Self::origin(c);
                self.skipped.push(format!("{o}: {why}"));
            }
            return;
        }
        if self.functions.iter().any(|(_, f)| f.name == name) {
            return;
        }
        let sig = match self.signature(&c.ty(), c) {
            Ok(s) => s,
            Err(why) => {
                self.skip(c, format!("function `{name}`: {why}"));
                return;
            }
        };
        let params = c
            .arguments()
            .iter()
            .zip(sig.params)
            .enumerate()
            .map(|(i, (a, p))| {
                let n = a.spelling();
                Param {
                    name: if n.is_empty() { format!("arg{i}") } else { n },
                    ty: p.ty,
                }
            })
            .collect();
        let f = Function {
            symbol: Self::symbol(c, &name),
            name,
            origin: Self::origin(c),
            docs: Self::docs(c),
            sig: Signature {
                params,
                ret: sig.ret,
                variadic: sig.variadic,
            },
            safe: false,
        };
        let key = self.sort_key(c);
        self.functions.push((key, f));
    }

    fn global(&mut self, c: &Cursor) {
        let name = c.spelling();
        if c.storage_class() == CX_SC_Static {
            return;
        }
        if self.globals.iter().any(|(_, g)| g.name == name) {
            return;
        }
        let ty = c.ty();
        match self.ty(&ty, c) {
            Ok(t) => {
                let g = Global {
                    symbol: Self::symbol(c, &name),
                    name,
                    origin: Self::origin(c),
                    docs: Self::docs(c),
                    ty: t,
                    constant: ty.is_const(),
                };
                let key = self.sort_key(c);
                self.globals.push((key, g));
            }
            Err(why) => self.skip(c, format!("global `{name}`: {why}")),
        }
    }

    fn signature(&mut self, fty: &Ty, at: &Cursor) -> Result<Signature, String> {
        let canon = fty.canonical();
        if canon.kind() == CXType_FunctionNoProto {
            return Err("it has no prototype (K&R declaration)".into());
        }
        let ret = self
            .ty(&fty.result(), at)
            .map_err(|e| format!("return type: {e}"))?;
        let params = fty
            .args()
            .iter()
            .enumerate()
            .map(|(i, a)| {
                // Arrays as parameters (also behind typedefs, like `va_list`, and of a length
                // another parameter gives: `match m[restrict n]`) decay to pointers.
                let canon = a.canonical();
                let t = if matches!(
                    canon.kind(),
                    CXType_ConstantArray | CXType_IncompleteArray | CXType_VariableArray
                ) {
                    let element = match self.ty(&canon.element(), at) {
                        Ok(t) => t,
                        // A pointer to a variable-length row (`double grid[n][m]`) is still a
                        // pointer, as in `ty`.
                        Err(_) if canon.element().canonical().kind() == CXType_VariableArray => {
                            Type::Void
                        }
                        Err(e) => return Err(format!("parameter {i}: {e}")),
                    };
                    Type::Pointer {
                        pointee: Box::new(element),
                        // clang's canonical array type carries the element's `const`.
                        mutable: !(canon.is_const() || canon.element().is_const()),
                    }
                } else {
                    self.ty(a, at).map_err(|e| format!("parameter {i}: {e}"))?
                };
                Ok(Param {
                    name: format!("arg{i}"),
                    ty: t,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Signature {
            params,
            ret,
            variadic: canon.is_variadic(),
        })
    }

    /// The IR type for a clang type; enqueues the declarations it needs.
    pub(crate) fn ty(&mut self, t: &Ty, at: &Cursor) -> Result<Type, String> {
        match t.kind() {
            CXType_Typedef => {
                let decl = t.declaration();
                let name = decl.spelling();
                if let Some(p) = special_typedef(&name)
                    && t.canonical().size() == Some(p.size())
                {
                    return Ok(Type::Prim(p));
                }
                // Implementation-internal typedefs (`__uint32_t`, `__builtin_va_list`) resolve
                // to what they name; others become named types. A callback type stays named
                // even so (`__compar_fn_t`, qsort's), for its constructor from a closure, and so
                // does the typedef that names an anonymous struct (`__mbstate_t`).
                let under = decl.typedef_underlying();
                let canon = under.canonical();
                let callback = canon.kind() == CXType_Pointer
                    && matches!(
                        canon.pointee().canonical().kind(),
                        CXType_FunctionProto | CXType_FunctionNoProto
                    );
                let names_anonymous = {
                    let tag = under.named();
                    matches!(tag.kind(), CXType_Record | CXType_Enum) && {
                        let d = tag.declaration();
                        let spelled = d.spelling();
                        d.is_anonymous() || spelled.is_empty() || spelled.contains(' ')
                    }
                };
                if name.starts_with("__") && !callback && !names_anonymous {
                    return self.ty(&under, at);
                }
                self.queue.push_back(decl);
                Ok(Type::Named(name))
            }
            CXType_Elaborated => self.ty(&t.named(), at),
            CXType_Record => {
                let decl = t.declaration();
                let def = decl.definition().unwrap_or(decl);
                let spelled = def.spelling();
                if def.is_anonymous() || spelled.is_empty() || spelled.contains(' ') {
                    // Anonymous record types are named where they are declared.
                    if let Some(n) = self.anon_names.get(&Self::key(&def)) {
                        return Ok(Type::Named(n.clone()));
                    }
                    // Or by their first typedef (`typedef struct { … } Box, *BoxPtr;`).
                    if let Some(n) = linkage_name(&def) {
                        self.queue.push_back(def);
                        return Ok(Type::Named(n));
                    }
                    return Err(format!(
                        "anonymous type `{}` used outside its declaration",
                        t.spelling()
                    ));
                }
                self.queue.push_back(def);
                Ok(Type::Named(spelled))
            }
            CXType_Enum => {
                let decl = t.declaration();
                let spelled = decl.spelling();
                if decl.is_anonymous() || spelled.is_empty() || spelled.contains(' ') {
                    // `typedef enum { … } Color, *ColorPtr;`: the enum named by its typedef.
                    if let Some(n) = linkage_name(&decl) {
                        self.queue.push_back(decl);
                        return Ok(Type::Named(n));
                    }
                    return prim_of(&decl.enum_integer_type().canonical())
                        .map(Type::Prim)
                        .ok_or_else(|| "unsupported enum integer type".to_string());
                }
                self.queue.push_back(decl);
                Ok(Type::Named(spelled))
            }
            CXType_Pointer => {
                let pointee = t.pointee();
                let canon = pointee.canonical();
                if matches!(canon.kind(), CXType_FunctionProto | CXType_FunctionNoProto) {
                    // A pointer to a function: a named callback if the pointee is spelled via a
                    // function typedef (`typedef int handler(int); handler *h;`), else an
                    // anonymous one.
                    let spelled = pointee.named();
                    if spelled.kind() == CXType_Typedef {
                        let decl = spelled.declaration();
                        let name = decl.spelling();
                        if !name.starts_with("__") {
                            self.queue.push_back(decl);
                            return Ok(Type::Named(name));
                        }
                    }
                    let sig = self.signature(&pointee, at)?;
                    return Ok(Type::FnPointer(Box::new(sig)));
                }
                let inner = if canon.kind() == CXType_Void {
                    Type::Void
                } else {
                    match self.ty(&pointee, at) {
                        Ok(t) => t,
                        // A pointer to something we cannot express is still a pointer.
                        Err(_) => Type::Void,
                    }
                };
                Ok(Type::Pointer {
                    pointee: Box::new(inner),
                    mutable: !pointee.is_const(),
                })
            }
            CXType_ConstantArray => {
                let element = self.ty(&t.element(), at)?;
                let len = t.array_len().ok_or("array without a length")?;
                Ok(Type::Array {
                    element: Box::new(element),
                    len,
                })
            }
            CXType_IncompleteArray => {
                let element = self.ty(&t.element(), at)?;
                Ok(Type::Array {
                    element: Box::new(element),
                    len: 0,
                })
            }
            CXType_Void => Ok(Type::Void),
            CXType_Attributed => {
                // SAFETY: plain accessor on an attributed type.
                let modified = Ty(unsafe { clang_Type_getModifiedType(t.0) });
                self.ty(&modified, at)
            }
            _ => {
                if let Some(p) = prim_of(t) {
                    return Ok(Type::Prim(p));
                }
                let canon = t.canonical();
                if canon.kind() != t.kind() {
                    return self.ty(&canon, at);
                }
                Err(unsupported(t))
            }
        }
    }

    /// Finishes: items in source order, then the extern block.
    pub(crate) fn finish(
        mut self,
        binding: Binding,
        handle: Option<String>,
    ) -> (crate::ir::Unit, Vec<String>, Vec<String>) {
        self.items.sort_by(|a, b| a.0.cmp(&b.0));
        self.functions.sort_by(|a, b| a.0.cmp(&b.0));
        self.globals.sort_by(|a, b| a.0.cmp(&b.0));
        let mut items: Vec<Item> = self.items.into_iter().map(|(_, i)| i).collect();
        let mut functions: Vec<Function> = self.functions.into_iter().map(|(_, f)| f).collect();
        let mut globals: Vec<Global> = self.globals.into_iter().map(|(_, g)| g).collect();
        super::resolve::drop_dangling(super::resolve::Output {
            items: &mut items,
            functions: &mut functions,
            globals: &mut globals,
            warnings: &mut self.warnings,
            skipped: &mut self.skipped,
        });
        // Check every record: C's rules over the IR field types must give clang's layout, or
        // the record becomes an opaque blob of the right size (never a wrong layout).
        let snapshot = crate::ir::Unit {
            items: items.clone(),
        };
        let mut layouts = Layouts::new(&snapshot);
        for item in &mut items {
            let ItemKind::Record(r) = &item.kind else {
                continue;
            };
            let clang = r.layout.clone().expect("clang layout");
            let computed = layouts.record(r);
            if computed.as_ref() != Some(&clang) {
                let why = match computed {
                    Some(c) => format!(
                        "C's rules over its fields give size {}, alignment {}, offsets {:?}; clang says size {}, alignment {}, offsets {:?}",
                        c.size, c.align, c.offsets, clang.size, clang.align, clang.offsets
                    ),
                    None => "a field's layout is unknown".to_string(),
                };
                self.warnings.push(format!(
                    "{}: `{}` is emitted as an opaque blob of {} byte(s) aligned to {}: {why}",
                    item.origin, item.name, clang.size, clang.align
                ));
                item.kind = ItemKind::Opaque(Opaque {
                    size_align: Some((clang.size, clang.align)),
                    reason: Some(why),
                });
            }
        }
        if !functions.is_empty() || !globals.is_empty() {
            let name = handle.unwrap_or_else(|| binding.default_handle_name());
            super::resolve::rename_clashes(&items, &mut functions, &mut globals, &name);
            items.push(Item {
                name,
                origin: Origin::default(),
                docs: Vec::new(),
                kind: ItemKind::Extern(ExternBlock {
                    binding,
                    functions,
                    globals,
                }),
            });
        }
        (crate::ir::Unit { items }, self.warnings, self.skipped)
    }

    /// Adds an evaluated macro constant, documented by the comment above or after it.
    pub(crate) fn push_constant(&mut self, at: &Cursor, name: String, c: Constant) {
        let before = self.items.len();
        self.push_item(at, name, ItemKind::Constant(c));
        let loc = at.location();
        let (Some(file), true) = (loc.file, self.items.len() > before) else {
            return;
        };
        let lines = self.sources.entry(file).or_insert_with_key(|f| {
            std::fs::read_to_string(f)
                .map(|t| t.lines().map(str::to_owned).collect())
                .unwrap_or_default()
        });
        if let Some(comment) = macro_comment(lines, loc.line as usize) {
            self.items.last_mut().expect("just pushed").1.docs = comment_to_docs(&comment);
        }
    }
}

/// Typedefs with a fixed Rust scalar (`size_t` is `usize`, `int32_t` is `i32`, …).
fn special_typedef(name: &str) -> Option<Prim> {
    Some(match name {
        "size_t" | "uintptr_t" => Prim::Usize,
        "ssize_t" | "ptrdiff_t" | "intptr_t" => Prim::Isize,
        "int8_t" => Prim::I8,
        "uint8_t" => Prim::U8,
        "int16_t" => Prim::I16,
        "uint16_t" => Prim::U16,
        "int32_t" => Prim::I32,
        "uint32_t" => Prim::U32,
        "int64_t" => Prim::I64,
        "uint64_t" => Prim::U64,
        _ => return None,
    })
}

/// The scalar for a builtin clang type.
fn prim_of(t: &Ty) -> Option<Prim> {
    prim_of_kind(t.kind())
}

/// The scalar for a builtin clang type kind.
pub(crate) fn prim_of_kind(kind: CXTypeKind) -> Option<Prim> {
    Some(match kind {
        CXType_Bool => Prim::Bool,
        CXType_Char_S | CXType_Char_U => Prim::Char,
        CXType_SChar => Prim::SChar,
        CXType_UChar => Prim::UChar,
        CXType_Short => Prim::Short,
        CXType_UShort => Prim::UShort,
        CXType_Int => Prim::Int,
        CXType_UInt => Prim::UInt,
        CXType_Long => Prim::Long,
        CXType_ULong => Prim::ULong,
        CXType_LongLong => Prim::LongLong,
        CXType_ULongLong => Prim::ULongLong,
        CXType_Float => Prim::F32,
        CXType_Double => Prim::F64,
        _ => return None,
    })
}

fn unsupported(t: &Ty) -> String {
    let what = match t.canonical().kind() {
        CXType_LongDouble => "long double has no Rust equivalent",
        CXType_Int128 | CXType_UInt128 => "__int128 has no stable C ABI in Rust",
        CXType_Float128 => "_Float128 has no Rust equivalent",
        CXType_Half | CXType_Float16 | CXType_BFloat16 => {
            "16-bit floats have no stable Rust equivalent"
        }
        CXType_Complex => "_Complex types are not supported",
        CXType_Vector => "vector types are not supported",
        CXType_Atomic => "_Atomic types are not supported",
        _ => "this kind of type is not supported",
    };
    format!("type `{}`: {what}", t.spelling())
}
