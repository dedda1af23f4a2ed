//! A thin, safe layer over the parts of libclang's C API the front-end uses (clang-sys, loaded
//! at run time).

use std::ffi::{CStr, CString, c_void};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use clang_sys::*;

/// Loads libclang for this thread (clang-sys keeps the loaded library per thread). The
/// library is found and opened once per process (clang-sys's search looks through the library
/// directories, which takes a noticeable time) and shared with every thread that extracts.
pub(crate) fn load() -> Result<(), String> {
    static LIBRARY: OnceLock<Result<Arc<SharedLibrary>, String>> = OnceLock::new();
    if is_loaded() {
        return Ok(());
    }
    let library = LIBRARY
        .get_or_init(|| load_manually().map(Arc::new))
        .clone()?;
    set_library(Some(library));
    Ok(())
}

/// Where libclang is, found quickly: the `lib` directory of the newest LLVM installed the
/// Debian/Ubuntu way (`/usr/lib/llvm-N/lib`) or the Fedora way (`/usr/lib64/llvmN/lib64`).
/// `None` if `LIBCLANG_PATH` is set, if `LD_LIBRARY_PATH` or `LIBRARY_PATH` name a directory
/// with a libclang in it (clang-sys weighs those), or if there is no such directory: then
/// clang-sys's own, thorough search decides.
pub(crate) fn quick_libclang_dir() -> Option<PathBuf> {
    if std::env::var_os("LIBCLANG_PATH").is_some() {
        return None;
    }
    let has_libclang = |dir: &Path| {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("libclang") && name.contains(".so") && !name.contains("-cpp")
            })
    };
    for variable in ["LD_LIBRARY_PATH", "LIBRARY_PATH"] {
        if let Some(paths) = std::env::var_os(variable)
            && std::env::split_paths(&paths).any(|d| has_libclang(&d))
        {
            return None;
        }
    }
    let mut best: Option<(u32, PathBuf)> = None;
    for (parent, prefix, lib) in [
        ("/usr/lib", "llvm-", "lib"),
        ("/usr/lib64", "llvm", "lib64"),
        ("/usr/lib64", "llvm", "lib"),
    ] {
        for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let Some(version) = name
                .to_str()
                .and_then(|n| n.strip_prefix(prefix))
                .and_then(|v| v.parse::<u32>().ok())
            else {
                continue;
            };
            let dir = entry.path().join(lib);
            if best.as_ref().is_none_or(|(b, _)| version > *b) && has_libclang(&dir) {
                best = Some((version, dir));
            }
        }
    }
    best.map(|(_, dir)| dir)
}

/// Takes ownership of a `CXString`.
fn take(s: CXString) -> String {
    // SAFETY: clang_getCString returns a C string valid until the CXString is disposed, or null.
    unsafe {
        let p = clang_getCString(s);
        let out = if p.is_null() {
            String::new()
        } else {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        };
        clang_disposeString(s);
        out
    }
}

/// An index and a parsed translation unit, disposed together.
pub(crate) struct TranslationUnit {
    index: CXIndex,
    tu: CXTranslationUnit,
}

/// A diagnostic clang reported.
#[derive(Debug, Clone)]
pub(crate) struct Diagnostic {
    pub(crate) severity: CXDiagnosticSeverity,
    /// `file:line:col: error: message`.
    pub(crate) text: String,
}

impl TranslationUnit {
    /// Parses `file` with `args`; `unsaved` supplies in-memory files (path, contents).
    /// `preprocessing_record` keeps macro definitions as cursors (which costs time on large
    /// headers: the macro-evaluation unit goes without).
    pub(crate) fn parse(
        file: &Path,
        args: &[String],
        unsaved: &[(PathBuf, String)],
        preprocessing_record: bool,
    ) -> Result<TranslationUnit, String> {
        let c_file = CString::new(file.to_string_lossy().as_bytes()).map_err(|e| e.to_string())?;
        let c_args: Vec<CString> = args
            .iter()
            .map(|a| CString::new(a.as_bytes()).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        let arg_ptrs: Vec<*const i8> = c_args.iter().map(|a| a.as_ptr()).collect();
        let unsaved_c: Vec<(CString, CString)> = unsaved
            .iter()
            .map(|(p, c)| {
                Ok((
                    CString::new(p.to_string_lossy().as_bytes()).map_err(|e| e.to_string())?,
                    CString::new(c.as_bytes()).map_err(|e| e.to_string())?,
                ))
            })
            .collect::<Result<_, String>>()?;
        let mut unsaved_files: Vec<CXUnsavedFile> = unsaved_c
            .iter()
            .map(|(p, c)| CXUnsavedFile {
                Filename: p.as_ptr(),
                Contents: c.as_ptr(),
                Length: c.as_bytes().len() as _,
            })
            .collect();
        // SAFETY: every pointer passed stays valid for the call (the CStrings and vectors live
        // until the end of this function); clang copies what it keeps.
        unsafe {
            let index = clang_createIndex(0, 0);
            let mut tu: CXTranslationUnit = std::ptr::null_mut();
            let mut options = CXTranslationUnit_SkipFunctionBodies;
            if preprocessing_record {
                options |= CXTranslationUnit_DetailedPreprocessingRecord;
            }
            let err = clang_parseTranslationUnit2(
                index,
                c_file.as_ptr(),
                arg_ptrs.as_ptr(),
                arg_ptrs.len() as _,
                unsaved_files.as_mut_ptr(),
                unsaved_files.len() as _,
                options,
                &mut tu,
            );
            if err != CXError_Success || tu.is_null() {
                clang_disposeIndex(index);
                return Err(format!(
                    "libclang could not parse {} (error code {err})",
                    file.display()
                ));
            }
            Ok(TranslationUnit { index, tu })
        }
    }

    /// The diagnostics, formatted with their location.
    pub(crate) fn diagnostics(&self) -> Vec<Diagnostic> {
        // SAFETY: the translation unit is live; each diagnostic is disposed after use.
        unsafe {
            let n = clang_getNumDiagnostics(self.tu);
            (0..n)
                .map(|i| {
                    let d = clang_getDiagnostic(self.tu, i);
                    let severity = clang_getDiagnosticSeverity(d);
                    let text = take(clang_formatDiagnostic(
                        d,
                        CXDiagnostic_DisplaySourceLocation | CXDiagnostic_DisplayColumn,
                    ));
                    clang_disposeDiagnostic(d);
                    Diagnostic { severity, text }
                })
                .collect()
        }
    }

    /// The root cursor.
    pub(crate) fn cursor(&self) -> Cursor {
        // SAFETY: the translation unit is live.
        Cursor(unsafe { clang_getTranslationUnitCursor(self.tu) })
    }

    /// Every file the translation unit read.
    pub(crate) fn inclusions(&self) -> Vec<PathBuf> {
        extern "C" fn visit(
            file: CXFile,
            _stack: *mut CXSourceLocation,
            _len: u32,
            data: CXClientData,
        ) {
            // SAFETY: `data` is the Vec passed below, alive for the visit.
            let out = unsafe { &mut *(data as *mut Vec<PathBuf>) };
            // SAFETY: clang passes a valid file.
            let name = take(unsafe { clang_getFileName(file) });
            if !name.is_empty() {
                out.push(PathBuf::from(name));
            }
        }
        let mut out: Vec<PathBuf> = Vec::new();
        // SAFETY: the visitor only touches `out`, which outlives the call.
        unsafe {
            clang_getInclusions(self.tu, visit, &mut out as *mut Vec<PathBuf> as *mut c_void)
        };
        out
    }
}

impl Drop for TranslationUnit {
    fn drop(&mut self) {
        // SAFETY: created by parse, disposed once.
        unsafe {
            clang_disposeTranslationUnit(self.tu);
            clang_disposeIndex(self.index);
        }
    }
}

/// A cursor: a node of clang's AST. Valid while its translation unit lives.
#[derive(Clone, Copy)]
pub(crate) struct Cursor(pub(crate) CXCursor);

/// A source position.
#[derive(Debug, Clone, Default)]
pub(crate) struct Location {
    pub(crate) file: Option<PathBuf>,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

impl Cursor {
    pub(crate) fn kind(&self) -> CXCursorKind {
        // SAFETY: plain accessor on a valid cursor.
        unsafe { clang_getCursorKind(self.0) }
    }

    pub(crate) fn spelling(&self) -> String {
        // SAFETY: as above.
        take(unsafe { clang_getCursorSpelling(self.0) })
    }

    pub(crate) fn ty(&self) -> Ty {
        // SAFETY: as above.
        Ty(unsafe { clang_getCursorType(self.0) })
    }

    pub(crate) fn children(&self) -> Vec<Cursor> {
        extern "C" fn visit(c: CXCursor, _p: CXCursor, data: CXClientData) -> CXChildVisitResult {
            // SAFETY: `data` is the Vec below, alive for the visit.
            let out = unsafe { &mut *(data as *mut Vec<Cursor>) };
            out.push(Cursor(c));
            CXChildVisit_Continue
        }
        let mut out: Vec<Cursor> = Vec::new();
        // SAFETY: the visitor only touches `out`, which outlives the call.
        unsafe { clang_visitChildren(self.0, visit, &mut out as *mut Vec<Cursor> as *mut c_void) };
        out
    }

    pub(crate) fn location(&self) -> Location {
        // SAFETY: plain accessors; the out-parameters are written by clang.
        unsafe {
            let loc = clang_getCursorLocation(self.0);
            let mut file: CXFile = std::ptr::null_mut();
            let (mut line, mut column, mut offset) = (0u32, 0u32, 0u32);
            clang_getSpellingLocation(loc, &mut file, &mut line, &mut column, &mut offset);
            let file = if file.is_null() {
                None
            } else {
                Some(PathBuf::from(take(clang_getFileName(file))))
            };
            Location { file, line, column }
        }
    }

    pub(crate) fn is_definition(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_isCursorDefinition(self.0) != 0 }
    }

    pub(crate) fn definition(&self) -> Option<Cursor> {
        // SAFETY: plain accessor; a null cursor means none.
        let d = unsafe { clang_getCursorDefinition(self.0) };
        // SAFETY: as above.
        (unsafe { clang_Cursor_isNull(d) } == 0).then_some(Cursor(d))
    }

    pub(crate) fn is_anonymous(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_Cursor_isAnonymous(self.0) != 0 }
    }

    pub(crate) fn is_anonymous_record(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_Cursor_isAnonymousRecordDecl(self.0) != 0 }
    }

    pub(crate) fn is_bitfield(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_Cursor_isBitField(self.0) != 0 }
    }

    pub(crate) fn bitfield_width(&self) -> usize {
        // SAFETY: plain accessor.
        unsafe { clang_getFieldDeclBitWidth(self.0).max(0) as usize }
    }

    /// The field's offset in bits, if clang knows it.
    pub(crate) fn field_offset_bits(&self) -> Option<usize> {
        // SAFETY: plain accessor; negative values are errors.
        let o = unsafe { clang_Cursor_getOffsetOfField(self.0) };
        (o >= 0).then_some(o as usize)
    }

    pub(crate) fn storage_class(&self) -> CX_StorageClass {
        // SAFETY: plain accessor.
        unsafe { clang_Cursor_getStorageClass(self.0) }
    }

    pub(crate) fn is_inlined(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_Cursor_isFunctionInlined(self.0) != 0 }
    }

    pub(crate) fn is_invalid(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_isInvalidDeclaration(self.0) != 0 }
    }

    pub(crate) fn mangling(&self) -> String {
        // SAFETY: plain accessor.
        take(unsafe { clang_Cursor_getMangling(self.0) })
    }

    /// The comment clang attaches to the declaration, unless a blank line separates them: clang
    /// attaches the comment before a declaration whatever the space between (a file's opening
    /// comment would document its first declaration).
    pub(crate) fn raw_comment(&self) -> Option<String> {
        // SAFETY: plain accessors; the out-parameters are written by clang.
        let (comment_end, declaration_start) = unsafe {
            let line = |loc: CXSourceLocation| {
                let mut line = 0u32;
                clang_getSpellingLocation(
                    loc,
                    std::ptr::null_mut(),
                    &mut line,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                );
                line
            };
            (
                line(clang_getRangeEnd(clang_Cursor_getCommentRange(self.0))),
                line(clang_getRangeStart(clang_getCursorExtent(self.0))),
            )
        };
        if comment_end + 1 < declaration_start {
            return None;
        }
        // SAFETY: plain accessor.
        let s = take(unsafe { clang_Cursor_getRawCommentText(self.0) });
        (!s.is_empty()).then_some(s)
    }

    /// The tokens of the cursor's extent (kind, spelling).
    pub(crate) fn tokens(&self, tu: &TranslationUnit) -> Vec<(CXTokenKind, String)> {
        // SAFETY: clang_tokenize fills a token array that is disposed below; spellings are
        // copied out before.
        unsafe {
            let range = clang_getCursorExtent(self.0);
            let mut tokens: *mut CXToken = std::ptr::null_mut();
            let mut n: u32 = 0;
            clang_tokenize(tu.tu, range, &mut tokens, &mut n);
            if tokens.is_null() {
                return Vec::new();
            }
            let out = (0..n as usize)
                .map(|i| {
                    let t = *tokens.add(i);
                    (
                        clang_getTokenKind(t),
                        take(clang_getTokenSpelling(tu.tu, t)),
                    )
                })
                .collect();
            clang_disposeTokens(tu.tu, tokens, n);
            out
        }
    }

    pub(crate) fn is_macro_function_like(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_Cursor_isMacroFunctionLike(self.0) != 0 }
    }

    pub(crate) fn enum_value(&self) -> i128 {
        // SAFETY: plain accessors on an enum constant declaration.
        unsafe {
            let signed = clang_getEnumConstantDeclValue(self.0);
            let unsigned = clang_getEnumConstantDeclUnsignedValue(self.0);
            let int = Ty(clang_getEnumDeclIntegerType(clang_getCursorSemanticParent(
                self.0,
            )));
            if int.is_signed_integer() {
                signed as i128
            } else {
                unsigned as i128
            }
        }
    }

    pub(crate) fn enum_integer_type(&self) -> Ty {
        // SAFETY: plain accessor on an enum declaration.
        Ty(unsafe { clang_getEnumDeclIntegerType(self.0) })
    }

    pub(crate) fn typedef_underlying(&self) -> Ty {
        // SAFETY: plain accessor on a typedef declaration.
        Ty(unsafe { clang_getTypedefDeclUnderlyingType(self.0) })
    }

    /// The arguments of a function declaration.
    pub(crate) fn arguments(&self) -> Vec<Cursor> {
        // SAFETY: plain accessors; indexes are below the count.
        unsafe {
            let n = clang_Cursor_getNumArguments(self.0);
            (0..n.max(0) as u32)
                .map(|i| Cursor(clang_Cursor_getArgument(self.0, i)))
                .collect()
        }
    }

    /// Evaluates a variable's initializer.
    pub(crate) fn evaluate(&self) -> Option<Eval> {
        // SAFETY: clang_Cursor_Evaluate returns null or a result disposed below.
        unsafe {
            let r = clang_Cursor_Evaluate(self.0);
            if r.is_null() {
                return None;
            }
            let out = match clang_EvalResult_getKind(r) {
                CXEval_Int => {
                    if clang_EvalResult_isUnsignedInt(r) != 0 {
                        Some(Eval::Int(clang_EvalResult_getAsUnsigned(r) as i128))
                    } else {
                        Some(Eval::Int(clang_EvalResult_getAsLongLong(r) as i128))
                    }
                }
                CXEval_Float => Some(Eval::Float(clang_EvalResult_getAsDouble(r))),
                CXEval_StrLiteral => {
                    let p = clang_EvalResult_getAsStr(r);
                    (!p.is_null()).then(|| Eval::Str(CStr::from_ptr(p).to_bytes().to_vec()))
                }
                _ => None,
            };
            clang_EvalResult_dispose(r);
            out
        }
    }
}

/// An evaluated constant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Eval {
    Int(i128),
    Float(f64),
    Str(Vec<u8>),
}

/// A clang type.
#[derive(Clone, Copy)]
pub(crate) struct Ty(pub(crate) CXType);

impl Ty {
    pub(crate) fn kind(&self) -> CXTypeKind {
        self.0.kind
    }

    pub(crate) fn spelling(&self) -> String {
        // SAFETY: plain accessor.
        take(unsafe { clang_getTypeSpelling(self.0) })
    }

    pub(crate) fn canonical(&self) -> Ty {
        // SAFETY: plain accessor.
        Ty(unsafe { clang_getCanonicalType(self.0) })
    }

    pub(crate) fn pointee(&self) -> Ty {
        // SAFETY: plain accessor.
        Ty(unsafe { clang_getPointeeType(self.0) })
    }

    pub(crate) fn is_const(&self) -> bool {
        // SAFETY: plain accessor.
        unsafe { clang_isConstQualifiedType(self.0) != 0 }
    }

    pub(crate) fn declaration(&self) -> Cursor {
        // SAFETY: plain accessor.
        Cursor(unsafe { clang_getTypeDeclaration(self.0) })
    }

    /// Size in bytes, if the type is complete.
    pub(crate) fn size(&self) -> Option<usize> {
        // SAFETY: plain accessor; negative values are errors (incomplete, dependent, …).
        let s = unsafe { clang_Type_getSizeOf(self.0) };
        (s >= 0).then_some(s as usize)
    }

    pub(crate) fn align(&self) -> Option<usize> {
        // SAFETY: as above.
        let a = unsafe { clang_Type_getAlignOf(self.0) };
        (a > 0).then_some(a as usize)
    }

    /// The offset in bits of the field `name` (also one of an anonymous member), if clang
    /// knows it.
    pub(crate) fn offset_of(&self, name: &str) -> Option<usize> {
        let name = CString::new(name).ok()?;
        // SAFETY: plain accessor; the name outlives the call; negative values are errors.
        let o = unsafe { clang_Type_getOffsetOf(self.0, name.as_ptr()) };
        (o >= 0).then_some(o as usize)
    }

    pub(crate) fn element(&self) -> Ty {
        // SAFETY: plain accessor.
        Ty(unsafe { clang_getArrayElementType(self.0) })
    }

    pub(crate) fn array_len(&self) -> Option<usize> {
        // SAFETY: plain accessor; -1 if not a constant array.
        let n = unsafe { clang_getArraySize(self.0) };
        (n >= 0).then_some(n as usize)
    }

    pub(crate) fn result(&self) -> Ty {
        // SAFETY: plain accessor on a function type.
        Ty(unsafe { clang_getResultType(self.0) })
    }

    pub(crate) fn args(&self) -> Vec<Ty> {
        // SAFETY: plain accessors; indexes below the count.
        unsafe {
            let n = clang_getNumArgTypes(self.0);
            (0..n.max(0) as u32)
                .map(|i| Ty(clang_getArgType(self.0, i)))
                .collect()
        }
    }

    pub(crate) fn is_variadic(&self) -> bool {
        // SAFETY: plain accessor on a function type.
        unsafe { clang_isFunctionTypeVariadic(self.0) != 0 }
    }

    /// The type behind `Elaborated` (`struct x`, `enum y` as written).
    pub(crate) fn named(&self) -> Ty {
        if self.kind() == CXType_Elaborated {
            // SAFETY: plain accessor.
            Ty(unsafe { clang_Type_getNamedType(self.0) })
        } else {
            *self
        }
    }

    pub(crate) fn is_signed_integer(&self) -> bool {
        matches!(
            self.canonical().kind(),
            CXType_Char_S
                | CXType_SChar
                | CXType_Short
                | CXType_Int
                | CXType_Long
                | CXType_LongLong
                | CXType_Int128
        )
    }
}
