//! The arguments of `#[foreign(…)]`: `library = "z"` (repeatable; a string or a path to a
//! `&'static str` constant), `link = "z"`, `name = IDENT` and `crate = path`.

use ffm_extract::ir::{Binding, LibraryRef};
use proc_macro2::TokenStream;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, ExprLit, Ident, Lit, LitStr, Meta, Token};

use crate::errors::{Errors, Msg};

/// Where a block's symbols come from, as the attribute spells it.
#[derive(Clone)]
pub(crate) enum Library {
    /// `library = "z"`: a name or a path.
    Literal(LitStr),
    /// `library = my::LIB`: a path to a `&'static str` constant.
    Const(syn::Path),
}

impl Library {
    /// The text the IR carries: the string, or the path as written.
    pub(crate) fn ir(&self) -> LibraryRef {
        match self {
            Library::Literal(s) => LibraryRef::Name(s.value()),
            Library::Const(p) => LibraryRef::Const(path_text(p)),
        }
    }
}

/// `a::b::C` as text.
pub(crate) fn path_text(p: &syn::Path) -> String {
    let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
    let lead = if p.leading_colon.is_some() { "::" } else { "" };
    format!("{lead}{}", segs.join("::"))
}

/// The parsed arguments of one `#[foreign(…)]` attribute.
#[derive(Clone, Default)]
pub(crate) struct Args {
    /// `library = …`, in order, with the key.
    pub(crate) libraries: Vec<(Ident, Library)>,
    /// `link = "…"`, with the key.
    pub(crate) link: Option<(Ident, LitStr)>,
    /// `name = IDENT`, with the key.
    pub(crate) name: Option<(Ident, Ident)>,
    /// `crate = path`, with the key.
    pub(crate) krate: Option<(Ident, syn::Path)>,
}

/// One `key = value` pair, before it is checked.
struct RawArg {
    key: Ident,
    value: Expr,
}

impl Parse for RawArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = input.call(Ident::parse_any)?;
        input.parse::<Token![=]>()?;
        let value = input.parse()?;
        Ok(RawArg { key, value })
    }
}

impl Args {
    /// Parses the arguments of the attribute (the tokens inside the parentheses), reporting
    /// every bad argument.
    pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
        let raw = match Punctuated::<RawArg, Token![,]>::parse_terminated.parse2(tokens) {
            Ok(raw) => raw,
            Err(e) => {
                errors.add(e);
                return Args::default();
            }
        };
        let mut args = Args::default();
        for RawArg { key, value } in raw {
            match key.to_string().as_str() {
                "library" => match value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => {
                        if s.value().is_empty() {
                            errors.push(&s, Msg::EmptyLibrary);
                        }
                        args.libraries.push((key, Library::Literal(s)));
                    }
                    Expr::Path(p) if p.qself.is_none() => {
                        args.libraries.push((key, Library::Const(p.path)));
                    }
                    other => errors.push(
                        other,
                        Msg::ArgValue {
                            key: "library",
                            expected: "a string (a library name or path) or a path to a `&'static str` constant",
                        },
                    ),
                },
                "link" => match value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => {
                        if args.link.is_some() {
                            errors.push(&key, Msg::DuplicateArg("link".into()));
                        } else if s.value().is_empty() {
                            errors.push(&s, Msg::EmptyLibrary);
                        } else if s.value().contains('/') {
                            errors.push(&s, Msg::LinkPath);
                        }
                        args.link = Some((key, s));
                    }
                    other => errors.push(
                        other,
                        Msg::ArgValue {
                            key: "link",
                            expected: "a string: the library's name, such as `link = \"z\"`",
                        },
                    ),
                },
                "name" => match value {
                    Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                        if args.name.is_some() {
                            errors.push(&key, Msg::DuplicateArg("name".into()));
                        }
                        let ident = p.path.get_ident().cloned().expect("checked");
                        args.name = Some((key, ident));
                    }
                    other => errors.push(
                        other,
                        Msg::ArgValue {
                            key: "name",
                            expected: "an identifier: the name of the library handle, such as `name = LIBZ`",
                        },
                    ),
                },
                "crate" => match value {
                    Expr::Path(p) if p.qself.is_none() => {
                        if args.krate.is_some() {
                            errors.push(&key, Msg::DuplicateArg("crate".into()));
                        }
                        args.krate = Some((key, p.path));
                    }
                    other => errors.push(
                        other,
                        Msg::ArgValue {
                            key: "crate",
                            expected: "a path to the `ffm` crate, such as `crate = ::my_ffm`",
                        },
                    ),
                },
                other => errors.push(&key, Msg::UnknownArg(other.to_owned())),
            }
        }
        if let (Some((link_key, _)), Some(_)) = (&args.link, args.libraries.first()) {
            errors.push(link_key, Msg::LibraryAndLink);
        }
        args
    }

    /// Parses a `#[foreign]` / `#[foreign(…)]` attribute found on an item.
    pub(crate) fn from_attr(attr: &Attribute, errors: &mut Errors) -> Args {
        match &attr.meta {
            Meta::Path(_) => Args::default(),
            Meta::List(list) => Args::parse(list.tokens.clone(), errors),
            Meta::NameValue(nv) => {
                errors.push(nv, Msg::UnknownArg("=".into()));
                Args::default()
            }
        }
    }

    /// Reports the arguments that only apply to extern blocks (for any other item).
    pub(crate) fn reject_binding(&self, errors: &mut Errors) {
        for (key, _) in &self.libraries {
            errors.push(key, Msg::ArgNotForItem("library"));
        }
        if let Some((key, _)) = &self.link {
            errors.push(key, Msg::ArgNotForItem("link"));
        }
        if let Some((key, _)) = &self.name {
            errors.push(key, Msg::ArgNotForItem("name"));
        }
    }

    /// Whether the attribute says anything about how symbols are bound.
    pub(crate) fn has_binding(&self) -> bool {
        !self.libraries.is_empty() || self.link.is_some() || self.name.is_some()
    }

    /// The IR binding, and the handle name (`name = …`, or the IR's default).
    pub(crate) fn binding(&self) -> (Binding, String) {
        let binding = match &self.link {
            Some((_, lib)) => Binding::Link(lib.value()),
            None => Binding::Runtime(self.libraries.iter().map(|(_, l)| l.ir()).collect()),
        };
        let handle = match &self.name {
            Some((_, name)) => name.unraw().to_string(),
            None => binding.default_handle_name(),
        };
        (binding, handle)
    }
}

/// Whether `attr` is `#[foreign]` / `#[ffm::foreign]` (inside a `#[foreign]` module).
pub(crate) fn is_foreign(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "foreign")
}
