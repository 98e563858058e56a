// RAM per task (issue #15): the static task pools of embassy-executor, from the symbol table. Since
// embassy-executor 0.8 there is no arena: `#[task(pool_size = N)] async fn foo(..)` becomes a plain
// `fn foo(..) -> SpawnToken<..>` holding `static POOL`, so each task's RAM is the `.bss` symbol
// `crate::path::foo::POOL`. The user's async fn moves into `__foo_task` (0.8–0.10, embassy-executor-macros
// `task.rs`: nested as `__foo_task::__foo_task_inner_function`; 0.7 and before: `async fn __foo_task`
// itself); an item joined to its source by span keeps the name `foo` it was written with, and executors that
// keep the async fn as `foo` are matched too. The slot type (`TaskStorage<F>`: header, future, padding) and
// its size come from -Zprint-type-sizes; the pool size from the source (`pool_size = N`) or, when the
// source does not say, from the static's bytes ÷ the slot's (and the report says it is derived).
//
// RTIC 2 (rtic-macros' `executor_decl`, rtic#1234/#1235) keeps each software task's executor in
// `static __rtic_internal_<task>_EXEC: ExecutorHolder<SIZE, ALIGN>` beside `async fn <task>` in the app
// module, SIZE being that of `AsyncTaskExecutor<F>`: a pool of one slot whose header is the executor's
// `running` and `pending` flags. The same holder search finds that slot.
import type { AnalyzedItem, TaskRam } from '../model/report.ts';
import { demangle, isRustSymbol } from '../readers/demangle/index.ts';
import { type ElfFile, SHF_ALLOC, SHF_WRITE, SHN_LORESERVE, SHN_UNDEF, STT_OBJECT } from '../readers/elf.ts';
import type { HolderLayout } from '../readers/type-sizes.ts';
import { compareText } from '../text-order.ts';

export interface TaskRamInput {
  elfs: ElfFile[];
  items: AnalyzedItem[];
  /** Structs holding futures, from every crate's -Zprint-type-sizes. */
  holders: Map<string, HolderLayout>;
  /** `pool_size = N` written at a task, when the source says it. */
  sourcePoolSize: (item: AnalyzedItem) => number | undefined;
}

export interface TaskRamResult {
  tasks: TaskRam[];
  /** `.bss` + `.data` (every writable allocated section). */
  staticRamBytes: number;
}

export interface DataStatic {
  /** Demangled path (`app::net::sampler::POOL`). */
  name: string;
  bytes: number;
  section: string;
}

/** The writable, allocated data statics of a file, demangled: what lives in RAM for the program's life. */
export function dataStatics(elf: ElfFile): DataStatic[] {
  const out: DataStatic[] = [];
  for (const s of elf.symbols) {
    if (s.type !== STT_OBJECT || s.size === 0 || s.shndx === SHN_UNDEF || s.shndx >= SHN_LORESERVE) continue;
    const section = elf.sections[s.shndx];
    if (!section || (section.flags & (SHF_ALLOC | SHF_WRITE)) !== (SHF_ALLOC | SHF_WRITE)) continue;
    if (!isRustSymbol(s.name)) continue;
    out.push({ name: demangle(s.name), bytes: s.size, section: section.name });
  }
  return out;
}

const RTIC_EXECUTOR = /^__rtic_internal_([A-Za-z_][A-Za-z0-9_]*)_EXEC$/;

/** `crate::path::foo` of a task static: embassy's `crate::path::foo::POOL`, RTIC's `crate::app::__rtic_internal_foo_EXEC`. */
function taskFnPath(symbol: string): string[] | undefined {
  const segs = symbol.split('::');
  const last = segs.at(-1)!;
  if (last === 'POOL') return segs.slice(0, -1);
  const rtic = RTIC_EXECUTOR.exec(last);
  return rtic ? [...segs.slice(0, -1), rtic[1]!] : undefined;
}

/** The async item a task fn `module::foo` runs, in its crate: the names each embassy version gives it. */
function taskItem(items: AnalyzedItem[], crate: string, fnPath: string): AnalyzedItem | undefined {
  const segs = fnPath.split('::');
  const name = segs.at(-1)!;
  const module = segs.slice(0, -1).join('::');
  const at = (p: string) => (module ? `${module}::${p}` : p);
  const inner = `__${name}_task`;
  const wanted = [at(`${inner}::${inner}_inner_function`), at(`${inner}::${name}`), at(inner), at(name)];
  const ofCrate = items.filter((i) => i.crate === crate && i.kind === 'async-fn');
  for (const w of wanted) {
    // By name, or by the future's type when the item kept another name (joined to its source by span).
    const future = `{async fn body of ${w}()}`;
    const item =
      ofCrate.find((i) => i.name === w) ?? ofCrate.find((i) => i.layouts.some((l) => l.typeName === future));
    if (item) return item;
  }
  return undefined;
}

/** The slot a pool of `bytes` is made of: the smallest holder of the future with a field besides it. */
function slotOf(item: AnalyzedItem, bytes: number, holders: Map<string, HolderLayout>) {
  const futureTypes = item.layouts.map((l) => l.typeName);
  let best: { holder: HolderLayout; future: number } | undefined;
  for (const [name, holder] of holders) {
    const type = futureTypes.find((t) => name.includes(`<${t}>`) || name.includes(`<${t},`));
    if (!type || holder.fields.length < 2 || holder.bytes === 0 || bytes % holder.bytes !== 0) continue;
    const futureBytes = item.layouts.find((l) => l.typeName === type)!.bytes;
    // The future's field: the wrapper around it (`UninitCell<F>`) has the future's size.
    const future = holder.fields.find((f) => f.bytes === futureBytes);
    if (!future) continue;
    if (!best || holder.bytes < best.holder.bytes) best = { holder, future: future.bytes };
  }
  return best;
}

export function findTasks(input: TaskRamInput): TaskRamResult {
  const tasks: TaskRam[] = [];
  let staticRamBytes = 0;
  for (const elf of input.elfs) {
    for (const s of elf.sections)
      if ((s.flags & (SHF_ALLOC | SHF_WRITE)) === (SHF_ALLOC | SHF_WRITE) && /^\.(bss|data)\b/.test(s.name))
        staticRamBytes += s.size;
    for (const d of dataStatics(elf)) {
      const path = taskFnPath(d.name);
      if (!path) continue;
      const crate = path[0]!;
      const fnPath = path.slice(1).join('::');
      if (fnPath === '') continue;
      const item = taskItem(input.items, crate, fnPath);
      // A `POOL` with no async item behind it is some other static of that name: not a task.
      if (!item) continue;
      const slot = slotOf(item, d.bytes, input.holders);
      const written = input.sourcePoolSize(item);
      const poolSize = written ?? (slot ? d.bytes / slot.holder.bytes : null);
      const header = slot ? slot.holder.fields.reduce((n, f) => n + f.bytes, 0) - slot.future : null;
      tasks.push({
        name: fnPath,
        crate,
        symbol: d.name,
        bytes: d.bytes,
        section: d.section,
        poolSize,
        poolSizeSource: written !== undefined ? 'source' : slot ? 'derived' : null,
        future: item.name,
        futureBytes: item.futureBytes,
        slotBytes: slot?.holder.bytes ?? null,
        headerBytes: header,
        paddingBytes: slot && header !== null ? slot.holder.bytes - header - slot.future : null,
        ...(item.file !== undefined ? { file: item.file } : {}),
        ...(item.line !== undefined ? { line: item.line } : {}),
      });
    }
  }
  tasks.sort((a, b) => b.bytes - a.bytes || compareText(a.name, b.name));
  return { tasks, staticRamBytes };
}
