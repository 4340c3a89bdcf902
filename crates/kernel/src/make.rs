//! The part of GNU make that Kbuild Makefiles use to say what is compiled: variables
//! (`=`, `:=`, `+=`, `?=`, `export`, `override`, `define`), the conditionals (`ifeq`,
//! `ifneq`, `ifdef`, `ifndef`, `else`), `include`, `$(eval)` and the text functions
//! (`subst`, `patsubst`, `filter`, `foreach`, `if`, `call`, `wildcard` over the tree's
//! file list, …). Rules and recipes are skipped; nothing is ever run.
//!
//! What cannot be known without a compiler or a shell (`$(shell …)`, an undefined function,
//! a recursion) expands to nothing and is recorded as a [`Diagnostic`] with file and line;
//! the caller decides whether that matters (for an object list it does: the files it would
//! have named are "cannot tell", never "not compiled").
//!
//! Provenance: every word added to a variable is remembered with the line that added it
//! and the `CONFIG_` symbols that line (and the conditionals around it) consulted, so a
//! compiled file can name its evidence.
//!
//! Hostile input is bounded: expansion depth, the total expanded text and the include
//! depth have limits; exceeding one is a diagnostic, never a panic or a hang.

use crate::tree::Tree;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// How deep variable references and function calls may nest.
const MAX_DEPTH: usize = 64;
/// How much text one evaluation may expand in total (bytes).
const MAX_EXPANDED: usize = 16 << 20;
/// How deep `include` and `$(eval)` may nest.
const MAX_INCLUDE: usize = 16;
/// How many diagnostics one evaluator keeps.
const MAX_DIAGNOSTICS: usize = 1000;
/// How many references one statement may expand (a counter of work, for expansions that
/// produce nothing but take long).
const MAX_STEPS: usize = 1_000_000;
/// How many references one evaluator may expand in all.
const MAX_ALL_STEPS: usize = 20_000_000;
/// How many `$(eval)`s one evaluator may run in all.
const MAX_EVALS: usize = 10_000;
/// How much text one evaluator may expand in all (bytes): past it, it stops.
const MAX_TOTAL: usize = 64 << 20;

/// Something the evaluator could not follow.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The Makefile, relative to the tree.
    pub file: String,
    /// The (first) line, 1-based.
    pub line: u32,
    /// What happened.
    pub message: String,
    /// Whether it may have changed what is compiled (an include, the file's structure, a
    /// variable other than compiler flags, an object list under a condition that could
    /// not be evaluated): the directory is then uncertain.
    pub uncertain: bool,
    /// The variable being assigned when it happened.
    pub variable: Option<String>,
}

/// The line that put a word into a variable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    /// The Makefile, relative to the tree.
    pub file: String,
    /// The line, 1-based (the first of a continued line).
    pub line: u32,
    /// The line as written (continuations joined).
    pub text: String,
    /// The `CONFIG_` symbols the line and its enclosing conditionals consulted, sorted.
    pub symbols: Vec<String>,
}

/// A variable.
#[derive(Debug, Clone)]
pub struct Var {
    value: String,
    recursive: bool,
    export: bool,
}

type Map<V> = HashMap<String, V, ahash::RandomState>;

/// The variables of one make: those it inherited (shared, as a sub-make's environment is
/// the same for every directory) under its own (`None` marks an inherited one undefined).
#[derive(Debug, Clone, Default)]
struct Vars {
    base: Rc<Map<Var>>,
    own: Map<Option<Var>>,
}

impl Vars {
    fn get(&self, name: &str) -> Option<&Var> {
        match self.own.get(name) {
            Some(v) => v.as_ref(),
            None => self.base.get(name),
        }
    }

    fn insert(&mut self, name: String, v: Var) {
        self.own.insert(name, Some(v));
    }

    /// Undefine `name`; its previous definition.
    fn remove(&mut self, name: &str) -> Option<Var> {
        let previous = self.get(name).cloned();
        if self.base.contains_key(name) {
            self.own.insert(name.to_string(), None);
        } else {
            self.own.remove(name);
        }
        previous
    }

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &Var)> {
        self.base
            .iter()
            .filter(|(k, _)| !self.own.contains_key(*k))
            .chain(
                self.own
                    .iter()
                    .filter_map(|(k, v)| v.as_ref().map(|v| (k, v))),
            )
    }
}

/// Variables to share as the inherited environment of many evaluators ([`Make::with_env`]).
#[derive(Debug, Clone, Default)]
pub struct Env(Rc<Map<Var>>);

impl Env {
    /// An environment of simply expanded, exported variables.
    pub fn new(vars: impl IntoIterator<Item = (String, String)>) -> Env {
        Env(Rc::new(
            vars.into_iter()
                .map(|(k, value)| {
                    (
                        k,
                        Var {
                            value,
                            recursive: false,
                            export: true,
                        },
                    )
                })
                .collect(),
        ))
    }
}

/// The words a variable got, in order, with the line of each (the first for a repeat).
#[derive(Debug, Default)]
struct Words {
    list: Vec<(String, Rc<Origin>)>,
    first: HashMap<String, usize, ahash::RandomState>,
}

impl Words {
    fn push(&mut self, word: String, origin: Rc<Origin>) {
        let at = self.list.len();
        self.first.entry(word.clone()).or_insert(at);
        self.list.push((word, origin));
    }

    fn clear(&mut self) {
        self.list.clear();
        self.first.clear();
    }
}

/// One logical line of a Makefile.
#[derive(Debug, Clone)]
struct Line {
    no: u32,
    text: String,
    /// Started with a tab (a recipe line when it follows a rule).
    tab: bool,
}

/// Split `src` into logical lines: backslash-newline continuations joined with one space,
/// comments removed (`\#` kept as `#`). Lines inside `define` keep their text (the caller
/// asks for raw lines there, see [`raw_lines`]).
fn logical_lines(src: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut lines = src.split('\n').enumerate().peekable();
    while let Some((i, first)) = lines.next() {
        let mut text = first.strip_suffix('\r').unwrap_or(first).to_string();
        let tab = text.starts_with('\t');
        while ends_with_continuation(&text) {
            text.pop();
            let kept = text.trim_end().len();
            text.truncate(kept);
            match lines.next() {
                Some((_, next)) => {
                    let next = next.strip_suffix('\r').unwrap_or(next);
                    text.push(' ');
                    text.push_str(next.trim_start());
                }
                None => break,
            }
        }
        out.push(Line {
            no: u32::try_from(i + 1).unwrap_or(u32::MAX),
            text,
            tab,
        });
    }
    out
}

fn ends_with_continuation(s: &str) -> bool {
    s.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

/// The text before an unescaped `#`, with `\#` read as `#`.
fn strip_comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'#') => {
                out.push('#');
                chars.next();
            }
            '#' => break,
            c => out.push(c),
        }
    }
    out
}

/// The position of the parenthesis closing the one opened just before `s[start..]`
/// (`open` is `(` or `{`), counting nested pairs of the same kind.
fn matching_close(s: &str, start: usize, open: u8) -> Option<usize> {
    let close = if open == b'(' { b')' } else { b'}' };
    let mut depth = 1usize;
    for (i, b) in s.bytes().enumerate().skip(start) {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Split function arguments at top-level commas; at most `max` parts (the last keeps its
/// commas, as make does for `$(if a,b,c,d)`'s third argument).
fn split_args(s: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth -= 1,
            b',' if depth == 0 && out.len() + 1 < max => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split_ascii_whitespace()
}

/// Match `word` against a make pattern (one `%`); the stem when it matches.
fn pattern_match<'w>(pattern: &str, word: &'w str) -> Option<&'w str> {
    match pattern.find('%') {
        None => (pattern == word).then_some(""),
        Some(p) => {
            let (pre, post) = (&pattern[..p], &pattern[p + 1..]);
            (word.len() >= pre.len() + post.len() && word.starts_with(pre) && word.ends_with(post))
                .then(|| &word[pre.len()..word.len() - post.len()])
        }
    }
}

fn patsubst_word(pattern: &str, replacement: &str, word: &str) -> String {
    match pattern_match(pattern, word) {
        Some(stem) if pattern.contains('%') => replacement.replacen('%', stem, 1),
        Some(_) => replacement.to_string(),
        None => word.to_string(),
    }
}

/// Normalise a path as make's `abspath` would, but relative to the tree: `./` and `a/../`
/// removed. `None` when it climbs out of the tree.
pub(crate) fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// An open conditional.
#[derive(Debug)]
struct Cond {
    /// The enclosing context was active.
    parent: bool,
    /// A branch was taken already.
    taken: bool,
    /// The current branch is active.
    active: bool,
    /// The symbols its conditions consulted.
    symbols: BTreeSet<String>,
    /// A condition could not be evaluated: its branches are guesses.
    unsure: bool,
}

/// A GNU make evaluator over a kernel tree.
pub struct Make<'t> {
    tree: &'t Tree,
    vars: Vars,
    provenance: Map<Words>,
    /// `CONFIG_` symbols consulted by the expansion in progress.
    touched: BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    depth: usize,
    expanded: usize,
    /// The file and line being evaluated.
    at: (Rc<str>, u32),
    include_depth: usize,
    /// The symbols of the conditionals around the line being evaluated.
    cond_symbols: BTreeSet<String>,
    /// Variables whose words are worth remembering the origin of.
    tracked: fn(&str) -> bool,
    /// `$(eval)` suppressed (an expansion for provenance only).
    dry: bool,
    /// Diagnostics suppressed (the assignment reported them already).
    quiet: bool,
    /// Directories a recipe builds with `$(MAKE) $(build)=DIR` (Kbuild's explicit descent).
    recipe_builds: Vec<(String, Rc<Origin>)>,
    /// The variable whose assignment is being evaluated.
    assigning: Option<String>,
    /// A condition is being evaluated.
    in_condition: bool,
    /// A soft diagnostic happened in the condition being evaluated.
    condition_unsure: bool,
    /// The statement's expansion hit a limit: it expands to nothing.
    failed: bool,
    /// Words of tracked assignments in branches not taken.
    not_taken: Vec<(String, String, Rc<Origin>)>,
    /// `$(eval)`s in progress (a statement inside one shares the outer statement's budget).
    eval_depth: usize,
    /// `$(eval)`s run so far.
    evals: usize,
    /// Text expanded so far, in all.
    total: usize,
    /// A budget of the whole evaluation ran out: everything expands to nothing.
    exhausted: bool,
    /// References expanded by the statement in progress.
    steps: usize,
    /// References expanded in all.
    all_steps: usize,
    /// Diagnostics were dropped past the cap: the evaluation is uncertain.
    overflow: bool,
    /// Makefiles read by `include`, by path.
    included: BTreeSet<String>,
}

impl<'t> Make<'t> {
    /// An evaluator with no variables; `tracked` says which variables' words get origins.
    pub fn new(tree: &'t Tree, tracked: fn(&str) -> bool) -> Make<'t> {
        Make {
            tree,
            vars: Vars::default(),
            provenance: Map::default(),
            touched: BTreeSet::new(),
            diagnostics: Vec::new(),
            depth: 0,
            expanded: 0,
            at: (Rc::from(""), 0),
            include_depth: 0,
            cond_symbols: BTreeSet::new(),
            tracked,
            dry: false,
            quiet: false,
            recipe_builds: Vec::new(),
            assigning: None,
            in_condition: false,
            condition_unsure: false,
            failed: false,
            not_taken: Vec::new(),
            eval_depth: 0,
            evals: 0,
            total: 0,
            exhausted: false,
            steps: 0,
            all_steps: 0,
            overflow: false,
            included: BTreeSet::new(),
        }
    }

    /// An evaluator that inherits `env` (a sub-make's environment).
    pub fn with_env(tree: &'t Tree, tracked: fn(&str) -> bool, env: &Env) -> Make<'t> {
        let mut m = Make::new(tree, tracked);
        m.vars.base = Rc::clone(&env.0);
        m
    }

    /// Define a simply expanded variable (the command line's `NAME=value`).
    pub fn set(&mut self, name: &str, value: &str, export: bool) {
        self.vars.insert(
            name.to_string(),
            Var {
                value: value.to_string(),
                recursive: false,
                export,
            },
        );
    }

    /// The variables marked for export, as a sub-make inherits them.
    pub fn exported(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .vars
            .iter()
            .filter(|(_, v)| v.export)
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect();
        v.sort();
        v
    }

    /// Whether the evaluation ran out of a budget or dropped diagnostics past the cap: what
    /// it computed is incomplete.
    pub fn incomplete(&self) -> bool {
        self.exhausted || self.overflow
    }

    /// The Makefiles read by `include` (paths relative to the tree).
    pub fn included(&self) -> &BTreeSet<String> {
        &self.included
    }

    /// The diagnostics so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Take the diagnostics.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// The words of variable `name`, fully expanded. What its expansion cannot follow is
    /// reported under the variable's name (once: a diagnostic already made where the words
    /// were assigned is not repeated).
    pub fn value(&mut self, name: &str) -> String {
        self.failed = false;
        self.expanded = 0;
        self.steps = 0;
        let assigning = self.assigning.replace(name.to_string());
        let v = self.expand(&format!("$({name})"));
        self.assigning = assigning;
        v
    }

    /// The line that first put `word` into variable `name`.
    pub fn origin(&self, name: &str, word: &str) -> Option<Rc<Origin>> {
        let w = self.provenance.get(name)?;
        w.first.get(word).map(|&i| Rc::clone(&w.list[i].1))
    }

    /// Every word added to a tracked variable whose name satisfies `keep`, with the variable
    /// and the line that added it.
    pub fn provenance_where(
        &self,
        keep: &dyn Fn(&str) -> bool,
    ) -> Vec<(String, String, Rc<Origin>)> {
        let mut out: Vec<(String, String, Rc<Origin>)> = self
            .provenance
            .iter()
            .filter(|(k, _)| keep(k))
            .flat_map(|(k, list)| {
                list.list
                    .iter()
                    .map(move |(w, o)| (k.clone(), w.clone(), Rc::clone(o)))
            })
            .collect();
        out.sort_by(|a, b| (&a.0, &a.1, a.2.line).cmp(&(&b.0, &b.1, b.2.line)));
        out
    }

    /// Whether variable `name` is defined (even empty).
    pub fn defined(&self, name: &str) -> bool {
        self.vars.contains_key(name)
    }

    /// A construct not followed that may change anything (an include, the structure).
    fn diag(&mut self, message: String) {
        self.report(message, true);
    }

    /// A limit reached: uncertain whatever was being assigned (what it hid is unknown).
    fn limit(&mut self, message: String) {
        let assigning = self.assigning.take();
        self.report(message, true);
        self.assigning = assigning;
    }

    /// A construct not followed that matters only inside an object list or a condition
    /// (`$(shell)` in a compiler-flags line does not).
    fn soft(&mut self, message: String) {
        let uncertain = if self.in_condition {
            // Uncertain only if an object list depends on the condition (see `eval_text`).
            self.condition_unsure = true;
            false
        } else {
            self.assigning.as_deref().is_none_or(|v| !is_flags(v))
        };
        self.report(message, uncertain);
    }

    fn report(&mut self, message: String, uncertain: bool) {
        if self.quiet {
            return;
        }
        if self.diagnostics.len() >= MAX_DIAGNOSTICS {
            self.overflow = true;
            return;
        }
        if let Some(d) = self
            .diagnostics
            .iter_mut()
            .find(|d| d.message == message && d.variable == self.assigning)
        {
            d.uncertain |= uncertain;
            return;
        }
        self.diagnostics.push(Diagnostic {
            file: self.at.0.to_string(),
            line: self.at.1,
            message,
            uncertain,
            variable: self.assigning.clone(),
        });
    }

    /// Evaluate the Makefile at `path` (relative to the tree).
    pub fn include(&mut self, path: &str, optional: bool) {
        let Some(norm) = normalize(path) else {
            self.diag(format!("`{path}` is outside the kernel tree"));
            return;
        };
        match self.tree.read(&norm) {
            Ok(src) => {
                self.included.insert(norm.clone());
                if self.include_depth >= MAX_INCLUDE {
                    self.diag(format!(
                        "includes nest deeper than {MAX_INCLUDE} at `{norm}`"
                    ));
                    return;
                }
                let saved = self.at.clone();
                self.include_depth += 1;
                self.eval_text(&src, Rc::from(norm.as_str()), 0);
                self.include_depth -= 1;
                self.at = saved;
            }
            Err(e) if !optional => self.diag(format!("cannot include `{norm}`: {e}")),
            Err(_) => {}
        }
    }

    /// Evaluate makefile text; `offset` is added to its line numbers (for `$(eval)`).
    fn eval_text(&mut self, src: &str, file: Rc<str>, offset: u32) {
        let lines = logical_lines(src);
        let mut conds: Vec<Cond> = Vec::new();
        let mut in_rule = false;
        let mut i = 0;
        while i < lines.len() {
            let line = &lines[i];
            i += 1;
            self.at = (Rc::clone(&file), line.no + offset);
            if self.exhausted {
                return;
            }
            if self.eval_depth == 0 {
                self.failed = false;
                self.expanded = 0;
                self.steps = 0;
            }
            let active = conds.last().is_none_or(|c| c.active);
            if line.tab && in_rule {
                // A recipe line; conditionals inside recipes are still make's.
                let t = strip_comment(&line.text);
                let first = t.split_whitespace().next().unwrap_or("");
                if !matches!(
                    first,
                    "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif"
                ) {
                    if active {
                        self.recipe_build(&t);
                    }
                    continue;
                }
            }
            let text = strip_comment(&line.text);
            let trimmed = text.trim();
            if trimmed.is_empty() {
                continue;
            }
            let (first, rest) = split_first_word(trimmed);
            match first {
                "ifeq" | "ifneq" | "ifdef" | "ifndef" => {
                    let (truth, symbols, unsure) = if active {
                        self.condition(first, rest)
                    } else {
                        (false, BTreeSet::new(), false)
                    };
                    conds.push(Cond {
                        parent: active,
                        taken: truth,
                        active: active && truth,
                        symbols,
                        unsure,
                    });
                    self.refresh_cond_symbols(&conds);
                    continue;
                }
                "else" => {
                    let Some(c) = conds.last_mut() else {
                        self.diag("`else` without a conditional".into());
                        continue;
                    };
                    let parent = c.parent;
                    let taken = c.taken;
                    let (kw, cond_rest) = split_first_word(rest);
                    if matches!(kw, "ifeq" | "ifneq" | "ifdef" | "ifndef") {
                        let (truth, symbols, unsure) = if parent && !taken {
                            self.condition(kw, cond_rest)
                        } else {
                            (false, BTreeSet::new(), false)
                        };
                        if let Some(c) = conds.last_mut() {
                            c.active = parent && !taken && truth;
                            c.taken = taken || truth;
                            c.symbols.extend(symbols);
                            c.unsure |= unsure;
                        }
                    } else if let Some(c) = conds.last_mut() {
                        c.active = parent && !taken;
                        c.taken = true;
                    }
                    self.refresh_cond_symbols(&conds);
                    continue;
                }
                "endif" => {
                    if conds.pop().is_none() {
                        self.diag("`endif` without a conditional".into());
                    }
                    self.refresh_cond_symbols(&conds);
                    continue;
                }
                "define" => {
                    // Collect the body up to the matching endef (defines nest).
                    let mut body: Vec<&str> = Vec::new();
                    let mut nest = 1;
                    while i < lines.len() {
                        let l = &lines[i];
                        i += 1;
                        let w = l.text.split_whitespace().next().unwrap_or("");
                        if w == "define" {
                            nest += 1;
                        } else if w == "endef" {
                            nest -= 1;
                            if nest == 0 {
                                break;
                            }
                        }
                        body.push(&l.text);
                    }
                    if active {
                        self.touched.clear();
                        let body = body.join("\n");
                        let (name, op) = define_head(rest);
                        let name = self.expand(name).trim().to_string();
                        self.assign(&name, op, &body, false, trimmed);
                    }
                    in_rule = false;
                    continue;
                }
                _ => {}
            }
            if conds.iter().any(|c| c.unsure) {
                self.unsure_branch(trimmed);
            }
            if !active {
                // Only an object list named in a branch not taken matters: as proof of absence.
                if conds.iter().all(|c| c.parent) {
                    self.not_taken(&conds, trimmed);
                }
                continue;
            }
            if !line.tab {
                in_rule = false;
            }
            match first {
                "include" | "-include" | "sinclude" => {
                    let files = self.expand(rest);
                    for f in words(&files).map(str::to_string).collect::<Vec<_>>() {
                        self.include(&f, first != "include");
                    }
                    continue;
                }
                "export" | "unexport" if !has_assignment(rest) => {
                    let names = self.expand(rest);
                    for n in words(&names).map(str::to_string).collect::<Vec<_>>() {
                        let mut v = self.vars.get(&n).cloned().unwrap_or(Var {
                            value: String::new(),
                            recursive: true,
                            export: false,
                        });
                        v.export = first == "export";
                        self.vars.insert(n, v);
                    }
                    continue;
                }
                "undefine" => {
                    let name = self.expand(rest).trim().to_string();
                    self.vars.remove(&name);
                    self.provenance.remove(&name);
                    continue;
                }
                "vpath" => continue,
                _ => {}
            }
            let (body, export) = strip_modifiers(trimmed);
            match classify(body) {
                Statement::Assign { name, op, value } => {
                    self.touched.clear();
                    let name = self.expand(name).trim().to_string();
                    if name.is_empty() {
                        self.diag("an assignment to an empty variable name".into());
                        continue;
                    }
                    self.assign(&name, op, value, export, trimmed);
                }
                // `target: VAR = value` sets a variable for the target; it starts no recipe.
                Statement::Rule => in_rule = !is_target_variable(body),
                Statement::Other => {
                    // `$(eval …)`, `$(info …)`, `$(error …)`, or a lone expansion.
                    let out = self.expand(body);
                    if !out.trim().is_empty() {
                        self.diag(format!("cannot read `{}`", shorten(body)));
                    }
                }
            }
        }
        if !conds.is_empty() {
            self.diag(format!(
                "{} conditional(s) not closed at the end of the file",
                conds.len()
            ));
        }
        self.cond_symbols.clear();
    }

    /// A line under a condition that could not be evaluated (in either branch): if it
    /// assigns an object list, that list is uncertain.
    fn unsure_branch(&mut self, line: &str) {
        let Statement::Assign { name, .. } = classify(strip_modifiers(line).0) else {
            return;
        };
        let (name, _) = self.quietly(|m| m.expand(name).trim().to_string());
        if !(self.tracked)(&name) {
            return;
        }
        let assigning = self.assigning.replace(name.clone());
        self.diag(format!(
            "`{name}` is assigned under a condition craft could not evaluate"
        ));
        self.assigning = assigning;
    }

    /// Words a tracked assignment in a branch not taken would have added, with its line and
    /// the symbols of the conditions around it.
    fn not_taken(&mut self, conds: &[Cond], line: &str) {
        let Statement::Assign { name, value, .. } = classify(strip_modifiers(line).0) else {
            return;
        };
        let ((name, words_added), touched) = self.quietly(|m| {
            let name = m.expand(name).trim().to_string();
            let words = if (m.tracked)(&name) {
                m.expand(value)
            } else {
                String::new()
            };
            (name, words)
        });
        if words_added.trim().is_empty() {
            return;
        }
        let symbols: BTreeSet<String> = conds
            .iter()
            .flat_map(|c| c.symbols.iter().cloned())
            .chain(touched)
            .collect();
        let origin = Rc::new(Origin {
            file: self.at.0.to_string(),
            line: self.at.1,
            text: one_line(line),
            symbols: symbols.into_iter().collect(),
        });
        for w in words(&words_added) {
            self.not_taken
                .push((name.clone(), w.to_string(), Rc::clone(&origin)));
        }
    }

    /// Words object lists would have had in the branches of conditionals not taken, with
    /// the variable.
    pub fn not_taken_words(&self) -> &[(String, String, Rc<Origin>)] {
        &self.not_taken
    }

    /// Run `f` without side effects (no `$(eval)`, no diagnostics); its result and the
    /// `CONFIG_` symbols it consulted. For lines make would not evaluate (branches not
    /// taken, recipes) whose meaning craft still wants.
    fn quietly<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> (T, BTreeSet<String>) {
        let dry = std::mem::replace(&mut self.dry, true);
        let quiet = std::mem::replace(&mut self.quiet, true);
        let saved = std::mem::take(&mut self.touched);
        let out = f(self);
        let touched = std::mem::replace(&mut self.touched, saved);
        self.dry = dry;
        self.quiet = quiet;
        (out, touched)
    }

    /// Remember the directory of a recipe's `$(build)=DIR`.
    fn recipe_build(&mut self, recipe: &str) {
        let Some(p) = recipe.find("$(build)=") else {
            return;
        };
        let raw = recipe[p + "$(build)=".len()..]
            .split_whitespace()
            .next()
            .unwrap_or("");
        let (dir, touched) = self.quietly(|m| m.expand(raw));
        let symbols = self
            .cond_symbols
            .iter()
            .chain(&touched)
            .cloned()
            .collect::<BTreeSet<_>>();
        let origin = Rc::new(Origin {
            file: self.at.0.to_string(),
            line: self.at.1,
            text: one_line(recipe),
            symbols: symbols.into_iter().collect(),
        });
        if !dir.trim().is_empty() {
            self.recipe_builds.push((dir.trim().to_string(), origin));
        }
    }

    /// The directories recipes build with `$(MAKE) $(build)=DIR`, with the recipe line.
    pub fn recipe_builds(&self) -> &[(String, Rc<Origin>)] {
        &self.recipe_builds
    }

    fn refresh_cond_symbols(&mut self, conds: &[Cond]) {
        self.cond_symbols = conds
            .iter()
            .flat_map(|c| c.symbols.iter().cloned())
            .collect();
    }

    /// The truth of a conditional and the symbols it consulted.
    /// The truth of a conditional, the symbols it consulted, and whether something in it
    /// could not be evaluated.
    fn condition(&mut self, kw: &str, rest: &str) -> (bool, BTreeSet<String>, bool) {
        let saved = std::mem::take(&mut self.touched);
        let outer = std::mem::replace(&mut self.in_condition, true);
        self.condition_unsure = false;
        let truth = match kw {
            "ifdef" | "ifndef" => {
                let name = self.expand(rest).trim().to_string();
                if name.starts_with("CONFIG_") {
                    self.touched.insert(name.clone());
                }
                let set = self.vars.get(&name).is_some_and(|v| !v.value.is_empty());
                set == (kw == "ifdef")
            }
            _ => match self.comparison(rest) {
                Some((a, b)) => (a == b) == (kw == "ifeq"),
                None => {
                    self.diag(format!(
                        "cannot read the condition `{kw} {}`",
                        shorten(rest)
                    ));
                    false
                }
            },
        };
        self.in_condition = outer;
        let symbols = std::mem::replace(&mut self.touched, saved);
        (truth, symbols, std::mem::take(&mut self.condition_unsure))
    }

    /// The two expanded sides of `(a,b)`, `"a" "b"` or `'a' 'b'`.
    fn comparison(&mut self, rest: &str) -> Option<(String, String)> {
        let rest = rest.trim();
        if let Some(inner) = rest.strip_prefix('(') {
            let close = matching_close(rest, 1, b'(')?;
            let inner = &inner[..close - 1];
            let parts = split_args(inner, 2);
            let [a, b] = parts.as_slice() else {
                return None;
            };
            let a = self.expand(a).trim().to_string();
            let b = self.expand(b).trim().to_string();
            return Some((a, b));
        }
        let mut sides = Vec::new();
        let mut s = rest;
        for _ in 0..2 {
            let q = s.chars().next()?;
            if q != '"' && q != '\'' {
                return None;
            }
            let end = s[1..].find(q)? + 1;
            sides.push(self.expand(&s[1..end]));
            s = s[end + 1..].trim_start();
        }
        let b = sides.pop()?;
        let a = sides.pop()?;
        Some((a, b))
    }

    fn assign(&mut self, name: &str, op: Op, value: &str, export: bool, text: &str) {
        let tracked = (self.tracked)(name);
        let outer = self.assigning.replace(name.to_string());
        self.assign_tracked(name, op, value, export, text, tracked);
        self.assigning = outer;
    }

    fn assign_tracked(
        &mut self,
        name: &str,
        op: Op,
        value: &str,
        export: bool,
        text: &str,
        tracked: bool,
    ) {
        // The symbols consulted so far (the caller cleared them before expanding the name, so
        // `obj-$(CONFIG_FOO)`'s are among them) and by the value, below.
        let mut symbols = self.cond_symbols.clone();
        let saved = std::mem::take(&mut self.touched);
        symbols.extend(saved.iter().cloned());
        let existing = self.vars.get(name).cloned();
        // What `+=` added to a simple variable, expanded once.
        let mut appended: Option<String> = None;
        let (new_value, recursive) = match op {
            Op::Recursive => (value.to_string(), true),
            Op::Simple => (self.expand(value), false),
            Op::Conditional => match existing {
                Some(_) => {
                    self.touched = saved;
                    return;
                }
                None => (value.to_string(), true),
            },
            Op::Append => match &existing {
                Some(v) if !v.recursive => {
                    let add = self.expand(value);
                    appended = Some(add.clone());
                    (join_words(&v.value, &add), false)
                }
                Some(v) => (join_words(&v.value, value), true),
                None => (value.to_string(), true),
            },
            Op::Shell => {
                self.soft(format!("`!=` runs a shell: `{}` is left empty", name));
                (String::new(), false)
            }
        };
        let mut words_added: Vec<String> = Vec::new();
        if tracked {
            // The words this line adds, expanded without side effects.
            let added = if recursive {
                let dry = std::mem::replace(&mut self.dry, true);
                let w = self.expand(value);
                self.dry = dry;
                w
            } else {
                appended.take().unwrap_or_else(|| new_value.clone())
            };
            words_added = words(&added).map(str::to_string).collect();
        }
        symbols.extend(std::mem::replace(&mut self.touched, saved));
        if tracked {
            let origin = Rc::new(Origin {
                file: self.at.0.to_string(),
                line: self.at.1,
                text: one_line(text),
                symbols: symbols.into_iter().collect(),
            });
            let list = self.provenance.entry(name.to_string()).or_default();
            if op != Op::Append {
                list.clear();
            }
            for w in words_added {
                list.push(w, Rc::clone(&origin));
            }
        }
        let export = export || existing.as_ref().is_some_and(|v| v.export);
        self.vars.insert(
            name.to_string(),
            Var {
                value: new_value,
                recursive,
                export,
            },
        );
    }

    /// Expand `s`.
    pub fn expand(&mut self, s: &str) -> String {
        if !s.contains('$') {
            return s.to_string();
        }
        if self.failed || self.exhausted {
            return String::new();
        }
        self.steps += 1;
        self.all_steps += 1;
        if self.all_steps > MAX_ALL_STEPS && !self.exhausted {
            self.limit(format!(
                "the evaluation expands more than {MAX_ALL_STEPS} references in all; stopped"
            ));
            self.exhausted = true;
            return String::new();
        }
        if self.steps > MAX_STEPS {
            self.limit(format!(
                "one statement expands more than {MAX_STEPS} references; stopped"
            ));
            self.failed = true;
            return String::new();
        }
        if self.depth >= MAX_DEPTH {
            self.limit(format!(
                "expansion nests deeper than {MAX_DEPTH} (a variable referring to itself?)"
            ));
            self.failed = true;
            return String::new();
        }
        self.depth += 1;
        let mut out = String::with_capacity(s.len());
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b != b'$' {
                let next = s[i..].find('$').map_or(s.len(), |n| i + n);
                out.push_str(&s[i..next]);
                i = next;
                continue;
            }
            match bytes.get(i + 1) {
                None => {
                    i += 1;
                }
                Some(b'$') => {
                    out.push('$');
                    i += 2;
                }
                Some(&open @ (b'(' | b'{')) => match matching_close(s, i + 2, open) {
                    Some(close) => {
                        let inner = &s[i + 2..close];
                        let v = self.reference(inner);
                        out.push_str(&v);
                        i = close + 1;
                    }
                    None => {
                        self.diag(format!(
                            "unterminated variable reference in `{}`",
                            shorten(s)
                        ));
                        i = bytes.len();
                    }
                },
                Some(_) => {
                    let c = s[i + 1..].chars().next().unwrap_or(' ');
                    let v = self.lookup(&c.to_string());
                    out.push_str(&v);
                    i += 1 + c.len_utf8();
                }
            }
            if out.len() > MAX_EXPANDED || self.expanded > MAX_EXPANDED {
                break;
            }
        }
        self.depth -= 1;
        self.expanded += out.len();
        self.total += out.len();
        if self.total > MAX_TOTAL && !self.exhausted {
            self.limit(format!(
                "the evaluation expanded more than {} MiB in all; stopped",
                MAX_TOTAL >> 20
            ));
            self.exhausted = true;
        }
        if self.expanded > MAX_EXPANDED && !self.failed {
            self.limit(format!(
                "expansion exceeds {} MiB; stopped",
                MAX_EXPANDED >> 20
            ));
            self.failed = true;
        }
        if self.failed {
            return String::new();
        }
        out
    }

    /// The value of a variable, expanded when recursive.
    fn lookup(&mut self, name: &str) -> String {
        if name.starts_with("CONFIG_") {
            self.touched.insert(name.to_string());
        }
        match self.vars.get(name) {
            Some(v) if v.recursive => {
                let value = v.value.clone();
                self.expand(&value)
            }
            Some(v) => v.value.clone(),
            None => String::new(),
        }
    }

    /// `$( inner )`: a function call, a substitution reference or a variable.
    fn reference(&mut self, inner: &str) -> String {
        // A function: a known name followed by blank space.
        if let Some(sp) = inner.find([' ', '\t']) {
            let (f, args) = (&inner[..sp], &inner[sp + 1..]);
            if let Some(v) = self.function(f, args) {
                return v;
            }
        }
        // A substitution reference `$(var:a=b)` (the colon at top level).
        if let Some(colon) = top_level(inner, b':') {
            let rest = &inner[colon + 1..];
            if let Some(eq) = top_level(rest, b'=') {
                let name = self.expand(&inner[..colon]);
                let from = self.expand(&rest[..eq]);
                let to = self.expand(&rest[eq + 1..]);
                let value = self.lookup(name.trim());
                let (pat, rep) = if from.contains('%') {
                    (from, to)
                } else {
                    (format!("%{from}"), format!("%{to}"))
                };
                return words(&value)
                    .map(|w| patsubst_word(&pat, &rep, w))
                    .collect::<Vec<_>>()
                    .join(" ");
            }
        }
        let name = self.expand(inner);
        self.lookup(name.trim())
    }

    /// A function call; `None` when `f` is no function of make's.
    fn function(&mut self, f: &str, args: &str) -> Option<String> {
        let args = args.trim_start();
        let word_list = |m: &mut Make<'_>, s: &str| -> Vec<String> {
            let e = m.expand(s);
            words(&e).map(str::to_string).collect()
        };
        let v = match f {
            "subst" => {
                let a = split_args(args, 3);
                let [from, to, text] = a.as_slice() else {
                    return Some(String::new());
                };
                let (from, to, text) = (self.expand(from), self.expand(to), self.expand(text));
                if from.is_empty() {
                    text
                } else {
                    text.replace(&from, &to)
                }
            }
            "patsubst" => {
                let a = split_args(args, 3);
                let [pat, rep, text] = a.as_slice() else {
                    return Some(String::new());
                };
                let (pat, rep) = (
                    self.expand(pat).trim().to_string(),
                    self.expand(rep).trim().to_string(),
                );
                word_list(self, text)
                    .iter()
                    .map(|w| patsubst_word(&pat, &rep, w))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            "strip" => word_list(self, args).join(" "),
            "findstring" => {
                let a = split_args(args, 2);
                let [find, text] = a.as_slice() else {
                    return Some(String::new());
                };
                let (find, text) = (self.expand(find), self.expand(text));
                if text.contains(&find) {
                    find
                } else {
                    String::new()
                }
            }
            "filter" | "filter-out" => {
                let a = split_args(args, 2);
                let [pats, text] = a.as_slice() else {
                    return Some(String::new());
                };
                let pats = word_list(self, pats);
                let keep = f == "filter";
                let text_words = word_list(self, text);
                // Patterns × words is work too (a list filtered by a long list of patterns).
                self.all_steps = self
                    .all_steps
                    .saturating_add(pats.len().saturating_mul(text_words.len()) / 64);
                if self.all_steps > MAX_ALL_STEPS {
                    if !self.exhausted {
                        self.limit(format!(
                            "`{f}` over {} words with {} patterns; stopped",
                            text_words.len(),
                            pats.len()
                        ));
                    }
                    self.exhausted = true;
                    return Some(String::new());
                }
                text_words
                    .into_iter()
                    .filter(|w| pats.iter().any(|p| pattern_match(p, w).is_some()) == keep)
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            "sort" => {
                let mut w = word_list(self, args);
                w.sort();
                w.dedup();
                w.join(" ")
            }
            "word" | "wordlist" => {
                let a = split_args(args, if f == "word" { 2 } else { 3 });
                let nums: Vec<usize> = a[..a.len() - 1]
                    .iter()
                    .map(|n| self.expand(n).trim().parse().unwrap_or(0))
                    .collect();
                let list = word_list(self, a[a.len() - 1]);
                match nums.as_slice() {
                    [n] if *n >= 1 => list.get(n - 1).cloned().unwrap_or_default(),
                    [s, e] if *s >= 1 => list
                        .iter()
                        .skip(s - 1)
                        .take(e.saturating_add(1).saturating_sub(*s))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => {
                        self.soft(format!("`{f}` needs a positive index"));
                        String::new()
                    }
                }
            }
            "words" => word_list(self, args).len().to_string(),
            "firstword" => word_list(self, args).into_iter().next().unwrap_or_default(),
            "lastword" => word_list(self, args).pop().unwrap_or_default(),
            "dir" => word_list(self, args)
                .iter()
                .map(|w| match w.rfind('/') {
                    Some(p) => w[..=p].to_string(),
                    None => "./".to_string(),
                })
                .collect::<Vec<_>>()
                .join(" "),
            "notdir" => word_list(self, args)
                .iter()
                .map(|w| w.rsplit('/').next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
                .join(" "),
            "suffix" | "basename" => word_list(self, args)
                .iter()
                .filter_map(|w| {
                    let base_start = w.rfind('/').map_or(0, |p| p + 1);
                    let dot = w[base_start..].rfind('.').map(|d| d + base_start);
                    match (f, dot) {
                        ("suffix", Some(d)) => Some(w[d..].to_string()),
                        ("suffix", None) => None,
                        (_, Some(d)) => Some(w[..d].to_string()),
                        (_, None) => Some(w.clone()),
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
            "addprefix" | "addsuffix" => {
                let a = split_args(args, 2);
                let [fix, text] = a.as_slice() else {
                    return Some(String::new());
                };
                let fix = self.expand(fix).trim().to_string();
                word_list(self, text)
                    .iter()
                    .map(|w| {
                        if f == "addprefix" {
                            format!("{fix}{w}")
                        } else {
                            format!("{w}{fix}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            "join" => {
                let a = split_args(args, 2);
                let [x, y] = a.as_slice() else {
                    return Some(String::new());
                };
                let (x, y) = (word_list(self, x), word_list(self, y));
                (0..x.len().max(y.len()))
                    .map(|i| {
                        format!(
                            "{}{}",
                            x.get(i).map_or("", String::as_str),
                            y.get(i).map_or("", String::as_str)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            }
            "wildcard" => {
                let pats = word_list(self, args);
                let mut out = Vec::new();
                for p in pats {
                    out.extend(self.tree.glob(&p));
                }
                out.join(" ")
            }
            "abspath" | "realpath" => word_list(self, args)
                .iter()
                .filter_map(|w| normalize(w))
                .collect::<Vec<_>>()
                .join(" "),
            "if" => {
                let a = split_args(args, 3);
                let cond = self.expand(a[0]);
                if !cond.trim().is_empty() {
                    a.get(1).map(|t| self.expand(t)).unwrap_or_default()
                } else {
                    a.get(2).map(|t| self.expand(t)).unwrap_or_default()
                }
            }
            "or" => {
                let mut out = String::new();
                for a in split_args(args, usize::MAX) {
                    let v = self.expand(a);
                    if !v.trim().is_empty() {
                        out = v;
                        break;
                    }
                }
                out
            }
            "and" => {
                let mut out = String::new();
                for a in split_args(args, usize::MAX) {
                    out = self.expand(a);
                    if out.trim().is_empty() {
                        break;
                    }
                }
                out
            }
            "foreach" => {
                let a = split_args(args, 3);
                let [var, list, text] = a.as_slice() else {
                    return Some(String::new());
                };
                let var = self.expand(var).trim().to_string();
                let list = word_list(self, list);
                let saved = self.vars.remove(&var);
                let mut out = Vec::new();
                for w in list {
                    self.set(&var, &w, false);
                    let v = self.expand(text);
                    if !v.trim().is_empty() {
                        out.push(v.trim().to_string());
                    }
                }
                self.vars.remove(&var);
                if let Some(s) = saved {
                    self.vars.insert(var, s);
                }
                out.join(" ")
            }
            "call" => {
                let a = split_args(args, usize::MAX);
                let name = self.expand(a[0]).trim().to_string();
                let params: Vec<String> = a[1..].iter().map(|p| self.expand(p)).collect();
                let Some(body) = self.vars.get(&name).map(|v| v.value.clone()) else {
                    // Kbuild.include's compiler probes (`cc-option`, …) are not loaded. In a
                    // flags line that does not matter; in a condition or an object list it
                    // does (soft).
                    self.soft(format!("`$(call {name})`: no such function here (a compiler probe?); it expands to nothing"));
                    return Some(String::new());
                };
                let mut saved = Vec::new();
                for (i, p) in std::iter::once(name.clone()).chain(params).enumerate() {
                    saved.push((i.to_string(), self.vars.remove(&i.to_string())));
                    self.set(&i.to_string(), &p, false);
                }
                // Positional parameters beyond those given are empty.
                for i in a.len()..10 {
                    saved.push((i.to_string(), self.vars.remove(&i.to_string())));
                }
                let v = self.expand(&body);
                for (k, old) in saved {
                    self.vars.remove(&k);
                    if let Some(old) = old {
                        self.vars.insert(k, old);
                    }
                }
                v
            }
            "value" => {
                let name = self.expand(args).trim().to_string();
                self.vars
                    .get(&name)
                    .map(|v| v.value.clone())
                    .unwrap_or_default()
            }
            "origin" => {
                let name = self.expand(args).trim().to_string();
                if self.vars.contains_key(&name) {
                    "file"
                } else {
                    "undefined"
                }
                .to_string()
            }
            "flavor" => {
                let name = self.expand(args).trim().to_string();
                match self.vars.get(&name) {
                    Some(v) if v.recursive => "recursive",
                    Some(_) => "simple",
                    None => "undefined",
                }
                .to_string()
            }
            "eval" => {
                let text = self.expand(args);
                if !self.dry {
                    self.evals += 1;
                    if self.include_depth >= MAX_INCLUDE {
                        self.diag(format!("`$(eval)` nests deeper than {MAX_INCLUDE}"));
                        self.failed = true;
                    } else if self.evals > MAX_EVALS {
                        if !self.exhausted {
                            self.limit(format!("more than {MAX_EVALS} `$(eval)`s; stopped"));
                        }
                        self.exhausted = true;
                    } else {
                        let (file, line) = self.at.clone();
                        let cond = std::mem::take(&mut self.cond_symbols);
                        self.include_depth += 1;
                        self.eval_depth += 1;
                        self.eval_text(&text, Rc::clone(&file), line.saturating_sub(1));
                        self.eval_depth -= 1;
                        self.include_depth -= 1;
                        self.cond_symbols = cond;
                        self.at = (file, line);
                    }
                }
                String::new()
            }
            "shell" => {
                let cmd = self.expand(args);
                self.soft(format!(
                    "`$(shell {})` is not run; it expands to nothing",
                    shorten(cmd.trim())
                ));
                String::new()
            }
            "error" => {
                let msg = self.expand(args);
                self.diag(format!(
                    "the Makefile stops with an error here: {}",
                    shorten(msg.trim())
                ));
                String::new()
            }
            "warning" | "info" | "file" => {
                let _ = self.expand(args);
                String::new()
            }
            _ => return None,
        };
        Some(v)
    }
}

/// Compiler, assembler or linker flags: what they say does not change which files compile.
fn is_flags(name: &str) -> bool {
    name.contains("flags") || name.contains("FLAGS")
}

fn join_words(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else if b.is_empty() {
        a.to_string()
    } else {
        format!("{a} {b}")
    }
}

/// A line for evidence: blank runs (tabs) as one space, at most 160 characters.
fn one_line(s: &str) -> String {
    shorten(&s.split_whitespace().collect::<Vec<_>>().join(" ")).to_string()
}

fn shorten(s: &str) -> &str {
    match s.char_indices().nth(160) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn split_first_word(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find([' ', '\t']) {
        Some(p) => (&s[..p], s[p + 1..].trim_start()),
        None => (s, ""),
    }
}

/// The position of `b` in `s` outside any parentheses or braces.
fn top_level(s: &str, b: u8) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth -= 1,
            c if c == b && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// An assignment operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Recursive,
    Simple,
    Append,
    Conditional,
    Shell,
}

enum Statement<'a> {
    Assign {
        name: &'a str,
        op: Op,
        value: &'a str,
    },
    Rule,
    Other,
}

/// A line without its `export`, `override` and `private` modifiers, and whether it exports.
fn strip_modifiers(line: &str) -> (&str, bool) {
    let mut body = line.trim();
    let mut export = false;
    loop {
        let (w, r) = split_first_word(body);
        match w {
            "export" if !r.is_empty() => {
                export = true;
                body = r;
            }
            "override" | "private" if !r.is_empty() => body = r,
            _ => return (body, export),
        }
    }
}

/// Whether a rule line is a target-specific variable assignment (`foo.o: X = 1`).
fn is_target_variable(s: &str) -> bool {
    let Some(colon) = top_level(s, b':') else {
        return false;
    };
    let rest = s[colon + 1..].trim_start_matches(':');
    matches!(classify(rest), Statement::Assign { .. })
}

fn has_assignment(s: &str) -> bool {
    matches!(classify(s), Statement::Assign { .. })
}

/// An assignment, a rule, or something else (a lone expansion), by the first `=` or `:`
/// outside references.
fn classify(s: &str) -> Statement<'_> {
    let bytes = s.as_bytes();
    let mut depth = 0i32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth -= 1,
            b'=' if depth == 0 => {
                let (name_end, op) = match i.checked_sub(1).map(|p| bytes[p]) {
                    Some(b'+') => (i - 1, Op::Append),
                    Some(b'?') => (i - 1, Op::Conditional),
                    Some(b'!') => (i - 1, Op::Shell),
                    _ => (i, Op::Recursive),
                };
                let value = s[i + 1..].trim_start();
                return Statement::Assign {
                    name: s[..name_end].trim(),
                    op,
                    value,
                };
            }
            b':' if depth == 0 => {
                // `:=`, `::=`, `:::=` are assignments; anything else makes a rule.
                let colons = bytes[i..].iter().take_while(|&&b| b == b':').count();
                if bytes.get(i + colons) == Some(&b'=') {
                    let op = if colons == 3 {
                        Op::Recursive
                    } else {
                        Op::Simple
                    };
                    return Statement::Assign {
                        name: s[..i].trim(),
                        op,
                        value: s[i + colons + 1..].trim_start(),
                    };
                }
                return Statement::Rule;
            }
            _ => {}
        }
        i += 1;
    }
    Statement::Other
}

/// `define NAME`, `define NAME =`, `define NAME :=`, `define NAME +=`.
fn define_head(rest: &str) -> (&str, Op) {
    let rest = rest.trim();
    for (suffix, op) in [
        ("+=", Op::Append),
        ("?=", Op::Conditional),
        ("::=", Op::Simple),
        (":=", Op::Simple),
        ("=", Op::Recursive),
    ] {
        if let Some(name) = rest.strip_suffix(suffix) {
            return (name.trim(), op);
        }
    }
    (rest, Op::Recursive)
}

/// The raw lines of `src`, for tests of the line reader.
#[cfg(test)]
fn raw_lines(src: &str) -> Vec<(u32, String)> {
    logical_lines(src)
        .into_iter()
        .map(|l| (l.no, l.text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str, config: &[(&str, &str)]) -> Make<'static> {
        let tree: &'static Tree = Box::leak(Box::new(Tree::from_list(
            ["a/x.c", "a/y.c", "a/z.S", "a/Makefile"]
                .iter()
                .map(|s| s.to_string()),
            std::path::PathBuf::from("/nonexistent"),
        )));
        let mut m = Make::new(tree, |n| n.starts_with("obj-") || n.ends_with("-y"));
        for (k, v) in config {
            m.set(k, v, false);
        }
        m.eval_text(src, Rc::from("Makefile"), 0);
        m
    }

    #[test]
    fn continuation_and_comments() {
        assert_eq!(
            raw_lines("a := 1 \\\n    2 # c\nb = \\#x\n"),
            vec![
                (1, "a := 1 2 # c".to_string()),
                (3, "b = \\#x".to_string()),
                (4, String::new())
            ]
        );
        let mut m = eval("a := 1 \\\n    2 # c\nb = \\#x\n", &[]);
        assert_eq!(m.value("a"), "1 2");
        assert_eq!(m.value("b"), "#x");
    }

    #[test]
    fn kbuild_object_lines() {
        let mut m = eval(
            "obj-$(CONFIG_A) += x.o\nobj-$(CONFIG_B) += y.o\nobj-$(CONFIG_C) += z.o\n\
             ifeq ($(CONFIG_D),y)\nobj-y += d.o\nelse ifdef CONFIG_E\nobj-y += e.o\nelse\nobj-y += f.o\nendif\n",
            &[("CONFIG_A", "y"), ("CONFIG_B", "m"), ("CONFIG_E", "y")],
        );
        assert_eq!(m.value("obj-y"), "x.o e.o");
        assert_eq!(m.value("obj-m"), "y.o");
        assert_eq!(m.value("obj-"), "z.o");
        let o = m.origin("obj-y", "e.o").expect("origin");
        assert_eq!(o.line, 7);
        assert_eq!(o.symbols, vec!["CONFIG_D", "CONFIG_E"]);
        let o = m.origin("obj-y", "x.o").expect("origin");
        assert_eq!(
            (o.line, o.symbols.clone()),
            (1, vec!["CONFIG_A".to_string()])
        );
    }

    #[test]
    fn functions() {
        let mut m = eval(
            "BITS := 64\nl := a.o b.o c.o\n\
             p := $(patsubst %.o,%.c,$(l))\n\
             s := $(l:.o=.S)\n\
             f := $(filter-out b.o,$(l))\n\
             w := $(wildcard $(srctree)/a/*.c)\n\
             c = $(1)-$(2)\n\
             r := $(call c,x,y)\n\
             e := $(foreach v,1 2,n$(v))\n\
             i := $(if $(CONFIG_NO),yes,no) $(or ,b) $(and a,)\n\
             t := $(subst 64,32,x_$(BITS))\n\
             n := $(notdir a/b/c.o) $(dir a/b/c.o) $(basename a/b.c) $(suffix a/b.c)\n\
             $(eval ev := $(BITS)!)\n",
            &[("srctree", ".")],
        );
        assert_eq!(m.value("p"), "a.c b.c c.c");
        assert_eq!(m.value("s"), "a.S b.S c.S");
        assert_eq!(m.value("f"), "a.o c.o");
        assert_eq!(m.value("w"), "./a/x.c ./a/y.c");
        assert_eq!(m.value("r"), "x-y");
        assert_eq!(m.value("e"), "n1 n2");
        assert_eq!(m.value("i"), "no b ");
        assert_eq!(m.value("t"), "x_32");
        assert_eq!(m.value("n"), "c.o a/b/ a/b .c");
        assert_eq!(m.value("ev"), "64!");
        assert!(m.diagnostics().is_empty(), "{:?}", m.diagnostics());
    }

    #[test]
    fn rules_and_recipes_are_skipped() {
        let mut m = eval(
            "obj-y := a.o\n$(obj)/x.o: y.c\n\tobj-y += no.o\n\t@echo\nobj-y += b.o\n\ttab.o := 1\n",
            &[],
        );
        assert_eq!(m.value("obj-y"), "a.o b.o");
        assert_eq!(m.value("tab.o"), "1");
    }

    #[test]
    fn hostile_input_is_bounded() {
        let mut m = eval("a = $(a)x\nb := $(a)\n", &[]);
        assert_eq!(m.value("b"), "");
        assert!(
            m.diagnostics().iter().all(|d| d.uncertain && d.line == 2),
            "{:?}",
            m.diagnostics()
        );
        let mut src = String::from("x0 := xxxxxxxxxxxxxxxx\n");
        for i in 1..40 {
            src.push_str(&format!("x{i} = $(x{p})$(x{p})\n", p = i - 1));
        }
        src.push_str("big := $(x39)\n");
        let mut m = eval(&src, &[]);
        assert!(m.value("big").len() <= MAX_EXPANDED * 2);
        // A define that evals itself twice (found by the fuzzer: 2^16 evaluations before the
        // eval budget).
        let m = eval(
            "define F\nobj-y += x\n$(eval $(call F))\n$(eval $(call F))\nendef\n$(eval $(call F))\n",
            &[],
        );
        assert!(m.diagnostics().iter().all(|d| d.uncertain) && !m.diagnostics().is_empty());
        let m = eval(
            "ifeq (a\nendif\nendif\nelse\n$(error stop)\n$(shell ls)\n",
            &[],
        );
        assert!(m.diagnostics().len() >= 4, "{:?}", m.diagnostics());
    }
}
