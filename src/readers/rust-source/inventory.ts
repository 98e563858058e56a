// The async inventory of one file: every async fn, async block and async closure, with its crate path and
// the `.await`s at its own level. Works on a tree-sitter tree; positions come out in the units of the model.
import type { AsyncItem, AsyncKind, AwaitSite, FnPlacement } from '../../model/async-item.ts';
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

const QUERY = `
(function_item (function_modifiers "async")) @fn
(async_block) @block
(closure_expression "async") @closure
(await_expression) @await
(token_tree "await" @mawait)
(token_tree "async" @masync)
(macro_invocation (token_tree) @itemmacro)
(macro_invocation macro: (_) @macroname)
`;

/**
 * Macros whose expansion awaits inside the calling async body (`tokio::select!` expands to
 * `poll_fn(..).await`): each call counts as one await site (inMacro) even with no `.await` token in it.
 */
const AWAITING_MACROS = new Set(['select', 'select_biased', 'join', 'try_join', 'pending']);

interface Owner {
  item: AsyncItem;
}

export function inventory(
  parser: RustParser,
  tree: Tree,
  lines: LineIndex,
  file: string,
  modulePath: string,
): Inventory {
  const out: Inventory = { items: [], nodes: new Map(), extraTrees: [], strayAwaits: 0 };
  collect(parser, tree.rootNode, lines, file, modulePath ? [modulePath] : [], out, new Map());
  out.items.sort((a, b) => a.byteStart - b.byteStart);
  return out;
}

function collect(
  parser: RustParser,
  root: Node,
  lines: LineIndex,
  file: string,
  prefix: string[],
  out: Inventory,
  counters: Map<string, number>,
): void {
  const owners = new Map<number, Owner>();
  /** Item-level macro bodies re-parsed as items: their tokens are handled by the nested pass. */
  const reparsed: Node[] = [];
  const inReparsed = (n: Node) =>
    reparsed.some((m) => n.startIndex >= m.startIndex && n.endIndex <= m.endIndex);

  const span = (start: number, end: number) => {
    const s = lines.at(start);
    const e = lines.at(end);
    return {
      file,
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
      byteStart: s.byte,
      byteEnd: e.byte,
    };
  };

  const scopeOf = (node: Node): { path: string[]; owner?: Owner } => {
    const segs: string[] = [];
    for (let n = node.parent; n; n = n.parent) {
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
      item.placement = placementOf(node);
      item.isPublic = node.children.some((c) => c.type === 'visibility_modifier');
    }
    if (scope.owner) item.parent = scope.owner.item.name;
    owners.set(key.id, { item });
    out.items.push(item);
    out.nodes.set(item, node);
  };

  const addAwait = (at: Node, inMacro: boolean) => {
    let owner: Owner | undefined;
    for (let n = at.parent; n; n = n.parent) {
      owner = owners.get(n.id);
      if (owner || n.type === 'function_item' || n.type === 'macro_definition') break;
    }
    if (!owner) {
      out.strayAwaits++;
      return;
    }
    const p = lines.at(at.startIndex);
    const site: AwaitSite = { line: p.line, column: p.column, byteStart: p.byte, inMacro };
    owner.item.awaitSites.push(site);
    owner.item.awaits++;
  };

  const query = parser.query(QUERY);
  for (const { name, node } of query.captures(root)) {
    switch (name) {
      case 'fn': {
        const body = node.childForFieldName('body');
        if (body) addItem('async-fn', node, node.startIndex, node.endIndex, body.startIndex, node);
        break;
      }
      case 'block':
        addItem('async-block', node, node.startIndex, node.endIndex, node.startIndex, node);
        break;
      case 'closure': {
        const body = node.childForFieldName('body');
        if (body) addItem('async-closure', node, node.startIndex, node.endIndex, body.startIndex, node);
        break;
      }
      case 'await':
        addAwait(node.childForFieldName('await') ?? lastChild(node), false);
        break;
      case 'mawait':
        if (node.previousSibling?.type === '.' && !inReparsed(node)) addAwait(node, true);
        break;
      case 'macroname': {
        const last = node.text.split('::').at(-1)?.trim();
        if (last && AWAITING_MACROS.has(last) && !inReparsed(node)) addAwait(node, true);
        break;
      }
      case 'masync': {
        // `async {..}` / `async move {..}` written inside a macro call (`join!(async { .. })`) is still a
        // coroutine once the macro expands; its tokens are a brace token_tree.
        if (inReparsed(node) || hasAncestor(node, 'macro_definition')) break;
        let body = node.nextSibling;
        if (body?.text === 'move') body = body.nextSibling;
        if (body?.type === 'token_tree' && body.firstChild?.type === '{') {
          addItem('async-block', node, node.startIndex, body.endIndex, node.startIndex, body);
        }
        break;
      }
      case 'itemmacro': {
        // Item-level macros such as tokio's `cfg_rt! { pub async fn .. }`: tree-sitter keeps their bodies
        // as token trees, so parse the body again as items, at the same offsets (included ranges).
        const call = node.parent;
        if (!call || node.parent?.lastChild?.id !== node.id) break;
        const place = call.parent?.type;
        if (place !== 'source_file' && place !== 'declaration_list') break;
        if (!/\bfn\b/.test(node.text)) break;
        if (inReparsed(node)) break;
        reparsed.push(node);
        const sub = parser.parse(lines.text, [
          { startIndex: node.startIndex + 1, endIndex: node.endIndex - 1 },
        ]);
        out.extraTrees.push(sub);
        collect(parser, sub.rootNode, lines, file, scopeOf(call).path, out, counters);
        break;
      }
    }
  }
}

function lastChild(n: Node): Node {
  return n.child(n.childCount - 1) ?? n;
}

function hasAncestor(n: Node, type: string): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return true;
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

function placementOf(fn: Node): FnPlacement {
  const container = fn.parent?.type === 'declaration_list' ? fn.parent.parent : null;
  if (container?.type === 'trait_item') return 'trait-default';
  if (container?.type === 'impl_item') {
    return container.childForFieldName('trait') ? 'trait-impl' : 'inherent-method';
  }
  return 'free';
}
