// Stack bytes per poll (issue #23): LLVM's frame sizes (`.stack_sizes`) of an async item's poll fns,
// drop glue and the runtime functions instantiated for it. A future's size says what it holds between
// polls; the poll fn's frame says what polling it needs on the thread's stack, and in a dev build that is
// often several times the future, because each awaitee is built on the stack and then moved into the state.
import type { CodeSize, StackUse } from '../model/report.ts';
import { compareText } from '../text-order.ts';

/** Past this ratio of poll frame to future size, the report explains where the frame comes from. */
export const LARGE_FRAME_RATIO = 2;

/** Frames below this are ordinary: a poll fn's frame is a few hundred bytes unless it builds awaitees. */
export const LARGE_FRAME_BYTES = 1024;

/** The item's frames from its code parts; undefined when no part has a `.stack_sizes` entry. */
export function stackUseOf(code: CodeSize, futureBytes: number | null): StackUse | undefined {
  if (!code.parts.some((p) => p.frameBytes !== undefined)) return undefined;
  const largest = (kind: 'poll' | 'drop'): number | null => {
    const frames = code.parts.filter((p) => p.kind === kind && p.frameBytes !== undefined);
    return frames.length === 0 ? null : Math.max(...frames.map((p) => p.frameBytes!));
  };
  const pollFrameBytes = largest('poll');
  const entryFrames = code.parts
    .filter((p) => p.kind === 'runtime' && p.frameBytes !== undefined)
    .map((p) => ({ symbol: p.symbol, frameBytes: p.frameBytes! }))
    .sort((a, b) => b.frameBytes - a.frameBytes || compareText(a.symbol, b.symbol));
  return {
    pollFrameBytes,
    dropFrameBytes: largest('drop'),
    frameToFuture:
      pollFrameBytes !== null && futureBytes !== null && futureBytes > 0
        ? Math.round((pollFrameBytes / futureBytes) * 100) / 100
        : null,
    entryFrames,
  };
}

/** Whether the poll frame is large, and large against the future: each awaitee built on the stack, then moved in. */
export function frameOutgrowsFuture(stack: StackUse): boolean {
  return (
    stack.frameToFuture !== null &&
    stack.frameToFuture > LARGE_FRAME_RATIO &&
    (stack.pollFrameBytes ?? 0) > LARGE_FRAME_BYTES
  );
}

export const LARGE_FRAME_ADVICE =
  'each awaited future is built on the stack before it is moved in. Box the large awaitees, or build in release';
