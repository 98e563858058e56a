// The async inventory of one file: every async fn, async block and async closure, with its crate path and
// the `.await`s at its own level. Works on a tree-sitter tree; positions come out in the units of the model.
import type { AsyncItem, AsyncKind, AwaitSite, FnPlacement } from '../../model/async-item.ts';
import { Ancestry } from './ancestry.ts';
import type { Node, RustParser, Tree } from './parser.ts';
import type { LineIndex } from './positions.ts';

/**
 * Naming, following rustc's MIR paths where it can: `module::fn`, `module::Type::method` (inherent),
 * `module::<Type as Trait>::method` (trait impl), `module::Trait::method` (trait default method).
 * Async blocks and closures are named after the innermost enclosing fn or async body, plus
 * `{async block#N}` / `{async closure#N}` where N counts that kind in that body from 0, in source order.
 * (rustc's own `{closure#N}` index also counts plain closures, so the two need not agree.)
 */
export interface Inventory {
  items: AsyncItem[];
  /** The syntax node of each item (function_item, async_block, closure_expression, or a macro's `async` token). */
  nodes: Map<AsyncItem, Node>;
  /** Trees parsed for item-level macro bodies (`cfg_rt! { async fn .. }`); delete them with the main tree. */
  extraTrees: Tree[];
  /** Count of `.await` tokens that belonged to no async body (e.g. inside `macro_rules!` definitions). */
  strayAwaits: number;
}

/**
 * Macros whose expansion awaits inside the calling async body (`tokio::select!` expands to
 * `poll_fn(..).await`): each call counts as one await site (inMacro) even with no `.await` token in it.
 */
const AWAITING_MACROS = ['select', 'select_biased', 'join', 'try_join', 'pending'];
/** Longer names are not searched for (see walkTokens). */
const MAX_MACRO_NAME = 100;

/**
 * Where to look: every `async` / `await` keyword and every call of an awaiting macro, found in the text
 * and then classified by the syntax node at that offset (a comment, string or raw identifier is not a
 * keyword node). Much cheaper than a tree-sitter query over every token tree of the file.
 */
const TOKEN = new RegExp(String.raw`\b(?:async|await)\b|\b(?:${AWAITING_MACROS.join('|')})\s*!`, 'g');

type ParentOf = (n: Node) => Node | null;

interface Owner {
  item: AsyncItem;
}

export function inventory(
  parser: RustParser,
  tree: Tree,
  lines: LineIndex,
  file: string,
  modulePath: string,
  /** Awaiting `macro_rules!` the crate defines in its other files (macro-rules.ts): their calls await too. */
  crateMacros: readonly string[] = [],
): Inventory {
  const out: Inventory = { items: [], nodes: new Map(), extraTrees: [], strayAwaits: 0 };
  const whole = { start: 0, end: lines.text.length };
  const prefix = modulePath ? [modulePath] : [];
  collect(parser, tree.rootNode, whole, lines, file, prefix, out, new Map(), crateMacros);
  out.items.sort((a, b) => a.byteStart - b.byteStart);
  return out;
}

function collect(
  parser: RustParser,
  root: Node,
  range: { start: number; end: number },
  lines: LineIndex,
  file: string,
  prefix: string[],
  out: Inventory,
  counters: Map<string, number>,
  crateMacros: readonly string[],
): void {
  const owners = new Map<number, Owner>();
  const ancestry = new Ancestry(root);
  const parentOf = (n: Node) => ancestry.parentOf(n);
  /** Item-level macro bodies re-parsed as items: their tokens are handled by the nested pass. */
  const reparsed: Node[] = [];
  const span = (start: number, end: number) => lines.span(file, start, end);

  const scopeOf = (node: Node): { path: string[]; owner?: Owner } => {
    const segs: string[] = [];
    for (let n = parentOf(node); n; n = parentOf(n)) {
      const owner = owners.get(n.id);
      if (owner) return { path: [owner.item.name, ...segs], owner };
      const seg = segmentOf(n);
      if (seg) segs.unshift(seg);
    }
    return { path: [...prefix, ...segs] };
  };

  const addItem = (kind: AsyncKind, node: Node, start: number, end: number, rustcAt: number, key: Node) => {
    const scope = scopeOf(node);
    let name: string;
    let fnName: string | undefined;
    if (kind === 'async-fn') {
      fnName = node.childForFieldName('name')?.text ?? '?';
      name = [...scope.path, fnName].join('::');
    } else {
      const base = scope.path.join('::');
      const counterKey = `${base}\u0000${kind}`;
      const n = counters.get(counterKey) ?? 0;
      counters.set(counterKey, n + 1);
      const label = kind === 'async-block' ? `{async block#${n}}` : `{async closure#${n}}`;
      name = base ? `${base}::${label}` : label;
    }
    const at = lines.at(rustcAt);
    const item: AsyncItem = {
      ...span(start, end),
      kind,
      name,
      awaits: 0,
      awaitSites: [],
      rustcStart: { line: at.line, column: at.charColumn },
    };
    if (fnName !== undefined) {
      item.fnName = fnName;
      item.placement = placementOf(node, parentOf);
      // A fn's visibility is its first child (attributes are its siblings); `children` would copy them all.
      item.isPublic = node.firstChild?.type === 'visibility_modifier';
    }
    if (scope.owner) item.parent = scope.owner.item.name;
    if (tests.some(([s, e]) => start >= s && start < e)) item.testOnly = true;
    owners.set(key.id, { item });
    out.items.push(item);
    out.nodes.set(item, node);
  };

  // The owner each ancestor leads to, so an await deep in nested code (a 1,000-branch `else if` chain)
  // walks only up to the last await's path: linear in the file, not quadratic. Owners are registered before
  // their awaits (the `async` token comes first), so a cached answer never misses a later owner.
  const ownerOf = new Map<number, Owner | null>();
  const addAwait = (at: Node, inMacro: boolean) => {
    let owner: Owner | undefined;
    const path: number[] = [];
    for (let n = parentOf(at); n; n = parentOf(n)) {
      const known = ownerOf.get(n.id);
      if (known !== undefined) {
        owner = known ?? undefined;
        break;
      }
      path.push(n.id);
      owner = owners.get(n.id);
      if (owner || n.type === 'function_item' || n.type === 'macro_definition') break;
    }
    for (const id of path) ownerOf.set(id, owner ?? null);
    if (!owner) {
      out.strayAwaits++;
      return;
    }
    const p = lines.at(at.startIndex);
    const site: AwaitSite = { line: p.line, column: p.column, byteStart: p.byte, inMacro };
    owner.item.awaitSites.push(site);
    owner.item.awaits++;
  };

  // Item-level macro calls such as tokio's `cfg_rt! { pub async fn .. }`: tree-sitter keeps their bodies as
  // token trees, so parse each body again as items, at the same offsets (included ranges).
  for (const body of itemMacroBodies(root)) {
    if (!/\bfn\b/.test(lines.text.slice(body.startIndex, body.endIndex))) continue;
    reparsed.push(body);
    const inner = { start: body.startIndex + 1, end: body.endIndex - 1 };
    const sub = parser.parse(lines.text, [{ startIndex: inner.start, endIndex: inner.end }]);
    out.extraTrees.push(sub);
    collect(
      parser,
      sub.rootNode,
      inner,
      lines,
      file,
      scopeOf(parentOf(body) ?? body).path,
      out,
      counters,
      crateMacros,
    );
  }

  const tests = testRanges(root, lines.text, range);

  const text = lines.text;
  // The file's own `macro_rules!` whose body awaits (`exchange!`, `run!`): each call is an await too.
  // A name longer than any macro's (60,000 `x`s a fuzzer spliced in) would make each position of the
  // token search compare that many characters: quadratic. No real macro has such a name.
  const local = [...new Set([...awaitingMacroRules(root), ...crateMacros])].filter(
    (n) => !AWAITING_MACROS.includes(n) && n.length <= MAX_MACRO_NAME,
  );
  const re =
    local.length > 0
      ? new RegExp(`${TOKEN.source}|\\b(?:${local.map(escapeRegExp).join('|')})\\s*!`, 'g')
      : new RegExp(TOKEN);
  re.lastIndex = range.start;
  for (let m = re.exec(text); m && m.index < range.end; m = re.exec(text)) {
    const at = m.index;
    if (reparsed.some((r) => at >= r.startIndex && at < r.endIndex)) continue;
    const word = /^async\b/.test(m[0]) ? 'async' : /^await\b/.test(m[0]) ? 'await' : 'macro';
    const length = word === 'macro' ? m[0].replace(/\s*!$/, '').length : 5;
    const node = ancestry.nodeAt(at, at + length);
    if (word === 'macro') {
      if (isMacroName(node, parentOf)) addAwait(node, true);
      continue;
    }
    if (node.type !== word || node.startIndex !== at) continue; // comment, string, raw identifier
    const parent = parentOf(node);
    if (!parent) continue;
    // Tokens quoted for code generation (`quote! { async fn .. }` in a proc macro) are not this crate's code.
    if (parent.type === 'token_tree' && insideQuote(parent, parentOf)) continue;
    if (word === 'await') {
      if (parent.type === 'await_expression') addAwait(node, false);
      else if (parent.type === 'token_tree' && node.previousSibling?.type === '.') addAwait(node, true);
      continue;
    }
    switch (parent.type) {
      case 'function_modifiers': {
        const fn = parentOf(parent);
        const body = fn?.type === 'function_item' ? fn.childForFieldName('body') : null;
        if (fn && body) addItem('async-fn', fn, fn.startIndex, fn.endIndex, body.startIndex, fn);
        break;
      }
      case 'async_block':
        addItem('async-block', parent, parent.startIndex, parent.endIndex, parent.startIndex, parent);
        break;
      case 'closure_expression': {
        const body = parent.childForFieldName('body');
        if (body)
          addItem('async-closure', parent, parent.startIndex, parent.endIndex, body.startIndex, parent);
        break;
      }
      case 'token_tree': {
        // `async {..}` / `async move {..}` written inside a macro call (`join!(async { .. })`) is still a
        // coroutine once the macro expands; its tokens are a brace token_tree.
        if (hasAncestor(node, 'macro_definition', parentOf)) break;
        let body = node.nextSibling;
        if (body?.text === 'move') body = body.nextSibling;
        if (body?.type === 'token_tree' && body.firstChild?.type === '{') {
          addItem('async-block', node, node.startIndex, body.endIndex, node.startIndex, body);
        }
        break;
      }
    }
  }
}

/** `#[cfg(test)]`, `#[cfg(all(test, ..))]`, and test attributes (`#[test]`, `#[tokio::test]`, `#[rstest]`). */
const TEST_ATTRIBUTE =
  /#\[\s*(?:cfg\s*\(\s*(?:all\s*\(\s*)?test\b|(?:[A-Za-z_][A-Za-z0-9_]*\s*::\s*)*test\s*[\](]|rstest\b)/g;

/**
 * The spans of the items a test attribute is on, in the part of the text `range` covers. Found in the text
 * first (few files have one), each confirmed as an attribute of the syntax tree, so one in a comment or a
 * string counts nothing.
 */
function testRanges(root: Node, text: string, range: { start: number; end: number }): [number, number][] {
  const out: [number, number][] = [];
  TEST_ATTRIBUTE.lastIndex = range.start;
  for (let m = TEST_ATTRIBUTE.exec(text); m && m.index < range.end; m = TEST_ATTRIBUTE.exec(text)) {
    let attr: Node | null = root.descendantForIndex(m.index, m.index + 1);
    while (attr && attr.type !== 'attribute_item' && attr.type !== 'inner_attribute_item') attr = attr.parent;
    if (!attr) continue;
    // `#![cfg(test)]` inside a module covers the module; `#[..]` covers the item after its attributes.
    if (attr.type === 'inner_attribute_item') {
      const owner = attr.parent;
      if (owner) out.push([owner.startIndex, owner.endIndex]);
      continue;
    }
    let item = attr.nextNamedSibling;
    while (item && (item.type === 'attribute_item' || item.type.endsWith('comment')))
      item = item.nextNamedSibling;
    if (item) out.push([item.startIndex, item.endIndex]);
  }
  return out;
}

/** Names of the `macro_rules!` defined in this tree whose body has an `.await`. */
function awaitingMacroRules(root: Node): string[] {
  if (!root.text.includes('macro_rules')) return [];
  return root
    .descendantsOfType('macro_definition')
    .filter((d) => /\.\s*await\b/.test(d.text))
    .flatMap((d) => {
      const name = d.childForFieldName('name')?.text;
      return name ? [name] : [];
    });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Macros that turn their tokens into code for another crate (proc macros generating code). */
const QUOTING = new Set(['quote', 'quote_spanned', 'parse_quote', 'parse_quote_spanned', 'quote_block']);

/** True when a token tree belongs to a `quote!`-like call. */
function insideQuote(tt: Node, parentOf: ParentOf): boolean {
  for (let p: Node | null = tt; p; p = parentOf(p)) {
    if (p.type === 'macro_invocation') {
      const name = p.childForFieldName('macro')?.text.split('::').pop()?.trim();
      if (name && QUOTING.has(name)) return true;
    }
    if (p.type !== 'token_tree' && p.type !== 'macro_invocation') return false;
  }
  return false;
}

/**
 * Token trees of macro calls that stand where items do: in a file, `mod`, `impl` or `trait` body. Walked with
 * a cursor, which makes a Node object only for the few children it keeps: `namedChildren` made one for every
 * item of every body, most of a worker's allocation on a large crate.
 */
function itemMacroBodies(root: Node): Node[] {
  const found: Node[] = [];
  const visit = (container: Node) => {
    const cursor = container.walk();
    try {
      if (!cursor.gotoFirstChild()) return;
      do {
        const type = cursor.nodeType;
        if (type === 'macro_invocation') {
          const body = cursor.currentNode.lastNamedChild;
          if (body?.type === 'token_tree') found.push(body);
        } else if (type === 'mod_item' || type === 'impl_item' || type === 'trait_item') {
          const body = cursor.currentNode.childForFieldName('body');
          if (body) visit(body);
        }
      } while (cursor.gotoNextSibling());
    } finally {
      cursor.delete();
    }
  };
  visit(root);
  return found;
}

/** True for the name of a real macro call (`select!`, `tokio::select!`), not for tokens inside one. */
function isMacroName(node: Node, parentOf: ParentOf): boolean {
  if (node.type !== 'identifier') return false;
  const parent = parentOf(node);
  const call =
    parent?.type === 'macro_invocation'
      ? parent
      : parent?.type === 'scoped_identifier'
        ? parentOf(parent)
        : null;
  if (call?.type !== 'macro_invocation') return false;
  const name = call.childForFieldName('macro');
  return name !== null && name.endIndex === node.endIndex;
}

function hasAncestor(n: Node, type: string, parentOf: ParentOf): boolean {
  for (let p = parentOf(n); p; p = parentOf(p)) if (p.type === type) return true;
  return false;
}

/** The path segment a node adds for the items inside it, if any. */
function segmentOf(n: Node): string | undefined {
  switch (n.type) {
    case 'mod_item':
    case 'trait_item':
    case 'function_item':
      return n.childForFieldName('name')?.text;
    case 'impl_item': {
      const type = typeName(n.childForFieldName('type'));
      const trait = n.childForFieldName('trait');
      return trait ? `<${type} as ${typeName(trait)}>` : type;
    }
    default:
      return undefined;
  }
}

/** `Foo<T>` -> `Foo`, `crate::a::Foo<T>` -> `crate::a::Foo`; other types keep their text without spaces. */
function typeName(t: Node | null): string {
  if (!t) return '?';
  const base = t.type === 'generic_type' ? (t.childForFieldName('type') ?? t) : t;
  return base.text.replace(/\s+/g, '');
}

function placementOf(fn: Node, parentOf: ParentOf): FnPlacement {
  const list = parentOf(fn);
  const container = list?.type === 'declaration_list' ? parentOf(list) : null;
  if (container?.type === 'trait_item') return 'trait-default';
  if (container?.type === 'impl_item') {
    return container.childForFieldName('trait') ? 'trait-impl' : 'inherent-method';
  }
  return 'free';
}
