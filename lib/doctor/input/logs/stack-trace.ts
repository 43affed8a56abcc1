/**
 * Go stack traces that zap's console encoding prints below an error or fatal line
 * (`main.verifyCRDs`, then `\t/home/circleci/build/cmd/flagger/main.go:341`), and goroutine headers:
 * read as structure, not as messages.
 */
import { ParseState } from './state';

const FILE_LINE = /^\s+\/\S+\.go:\d+(?:\s\+0x[0-9a-f]+)?\s*$/;
const GOROUTINE = /^goroutine \d+ \[[^\]]+\]:$/;
// `main.main`, `runtime.main`, `github.com/fluxcd/flagger/pkg/controller.(*Controller).advanceCanary`,
// `...CanaryJob.Start.func1`, with the arguments panics print.
const FRAME = /^(?:[\w.-]+\/)*[\w.-]+\.(?:\(\*?[\w]+\)\.)?[\w]+(?:\.func\d+(?:\.\d+)*)?(?:\([^)]*\))?$/;

export function readStackTrace(state: ParseState, line: string): boolean {
  const isFrame = FRAME.test(line) && (line.includes('/') || line.includes('(*') || /^(?:main|runtime)\./.test(line));
  if (!FILE_LINE.test(line) && !GOROUTINE.test(line) && !isFrame) return false;
  state.structure++;
  return true;
}
