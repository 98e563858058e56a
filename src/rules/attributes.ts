// What the attributes on an `async fn` say about rewriting it. An attribute macro sees the fn as written
// and may need it to be `async`: embassy's `#[embassy_executor::task]` builds the task's static pool from
// the async fn, tokio's `#[tokio::main]` wraps its body in a runtime's `block_on`. Telling the user to drop
// `async` there is advice that cannot be followed, so the bloat rules skip such fns. An attribute macro we do
// not know may be one of those: the finding stays, without a fix, and says why.

/**
 * Attribute macros known to require an `async fn` (matched on the path's last segments, with or without
 * arguments: `#[embassy_executor::task(pool_size = 4)]`). Documented in the README's rules section.
 */
export const ASYNC_FN_ATTRIBUTES = [
  'embassy_executor::task',
  'embassy_executor::main',
  // `use embassy_executor::{main, task}` (and RTIC 2's `#[task]` inside `#[app]`): the bare names.
  'task',
  'main',
  'tokio::main',
  'tokio::test',
  'async_std::main',
  'async_std::test',
  'futures_test::test',
  'actix_web::main',
  'actix_web::test',
  'actix_rt::main',
  'actix_rt::test',
  'test_log::test',
  'test_strategy::proptest',
  'rstest',
  'wasm_bindgen_test',
  'sqlx::test',
  'ntex::main',
  'ntex::test',
  'monoio::main',
  'compio::main',
  'glommio::main',
  'smol_potat::main',
] as const;

/** Attributes of the language or of a tool: they never see or need the fn's `async`. */
const INERT = new Set([
  'doc',
  'cfg',
  'allow',
  'warn',
  'deny',
  'forbid',
  'expect',
  'inline',
  'must_use',
  'deprecated',
  'track_caller',
  'cold',
  'no_mangle',
  'unsafe',
  'export_name',
  'link_section',
  'target_feature',
  'instruction_set',
  'optimize',
  'coverage',
  'rustfmt',
  'clippy',
  'diagnostic',
  'doc_cfg',
  'automatically_derived',
  'should_panic',
  'ignore',
  'test',
  'non_exhaustive',
  'used',
  'linkage',
  'naked',
  'rustc_allow_incoherent_impl',
]);

/** What the attributes say: `requires` names one that needs `async fn`; `unknown` one that may. */
export interface AttributeVerdict {
  requires?: string;
  unknown?: string;
}

/** The paths of an attribute's text: `#[a::b(x)]` → [`a::b`]; `#[cfg_attr(c, a, b::c)]` → [`a`, `b::c`]. */
export function attributePaths(text: string): string[] {
  const inner = text.replace(/^#!?\[\s*/, '').replace(/\]\s*$/, '');
  const path = /^(?:::)?[\p{L}_][\p{L}\p{N}_]*(?:\s*::\s*[\p{L}_][\p{L}\p{N}_]*)*/u.exec(inner)?.[0];
  if (!path) return [];
  const clean = path.replace(/\s+/g, '');
  if (clean === 'cfg_attr') {
    // `cfg_attr(predicate, attr1, attr2, ..)`: the attributes after the predicate's top-level comma.
    const args = inner.slice(path.length).trim().replace(/^\(/, '').replace(/\)$/, '');
    return topLevelCommaParts(args)
      .slice(1)
      .flatMap((a) => attributePaths(`#[${a}]`));
  }
  if (clean === 'unsafe') {
    // `#[unsafe(no_mangle)]`
    const args = inner.slice(path.length).trim().replace(/^\(/, '').replace(/\)$/, '');
    return attributePaths(`#[${args}]`);
  }
  return [clean.replace(/^::/, '')];
}

function topLevelCommaParts(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/** `a::b::task` names `embassy_executor::task` when its last segments are those of one (`task` alone too). */
function isAsyncFnAttribute(path: string): boolean {
  return ASYNC_FN_ATTRIBUTES.some((known) => {
    const k = known.split('::');
    const p = path.split('::');
    // A bare known name (`task`) only matches a bare path; a qualified one matches on its last segments.
    if (k.length === 1) return p.length === 1 && p[0] === k[0];
    return p.length >= k.length && p.slice(-k.length).join('::') === known;
  });
}

/** Classifies the texts of the attributes written on an `async fn` (outer attributes, in any order). */
export function classifyAttributes(texts: readonly string[]): AttributeVerdict {
  const verdict: AttributeVerdict = {};
  for (const t of texts) {
    for (const path of attributePaths(t)) {
      if (isAsyncFnAttribute(path)) verdict.requires ??= path;
      else if (!INERT.has(path.split('::')[0]!) && !isAsyncTrait(path)) verdict.unknown ??= path;
    }
  }
  return verdict;
}

/** `#[async_trait]` sits on the impl, not the fn; on a fn it is not the attribute this module is about. */
function isAsyncTrait(path: string): boolean {
  return path === 'async_trait' || path.endsWith('::async_trait');
}

/** The help text's addition for a finding on a fn with an attribute macro asyncbloat does not know. */
export function unknownAttributeNote(path: string): string {
  return `no fix is offered: \`#[${path}]\` is an attribute macro asyncbloat does not know, and it may need the fn to stay \`async\` (check its documentation before rewriting by hand)`;
}
