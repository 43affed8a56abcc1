/**
 * Messages pasted without their canary take it from their block (input/logs/entry.ts): `jq .msg` output
 * and event rows without `kubectl describe`'s header lose the canary field, but the messages around them
 * name it (`Advance podinfo.test canary weight 10`). An unnamed message belongs to the canary the last
 * named message of its block was about; before the block names one, it waits for the first. Flagger's
 * own start-up messages (scope `flagger`) are never a canary's.
 */
import { LogEntry } from '../input/logs';
import { MatchedMessage } from './catalogue';

export interface CanaryRef {
  readonly name?: string;
  readonly namespace?: string;
}

/** Messages that wait at most for their block to name a canary; beyond this they go on without one. */
const MAX_WAITING = 10_000;

/** Whether a message lost its canary in the paste and may take its block's. */
export function lostItsCanary(entry: LogEntry, match: MatchedMessage, ref: CanaryRef): boolean {
  if (ref.name || match.spec.scope === 'flagger' || entry.block === undefined) return false;
  return entry.format === 'text' || (entry.format === 'describe' && !entry.canary);
}

/** Gives unnamed messages the canary of their block, one input after another, in input order. */
export class BlockCanaries<T> {
  private block?: string;
  private named?: CanaryRef;
  private waiting: T[] = [];

  /**
   * The next message of input `input`: returns the messages that can go on now, each with its canary
   * (none for a message whose block never named one). `lost` says it may take its block's canary.
   */
  next(item: T, input: number, entry: LogEntry, ref: CanaryRef, lost: boolean): Array<{ item: T; ref: CanaryRef }> {
    const block = entry.block === undefined ? undefined : `${input}:${entry.block}`;
    const ready = block === this.block ? [] : this.endBlock();
    this.block = block;
    if (lost) {
      if (this.named) return [...ready, { item, ref: this.named }];
      if (this.waiting.length < MAX_WAITING) {
        this.waiting.push(item);
        return ready;
      }
      return [...ready, { item, ref: {} }];
    }
    if (ref.name && block !== undefined) {
      this.named = ref;
      ready.push(...this.waiting.map((waiting) => ({ item: waiting, ref })));
      this.waiting = [];
    }
    return [...ready, { item, ref }];
  }

  /** The block, or the input, ended: what still waits goes on without a canary. */
  endBlock(): Array<{ item: T; ref: CanaryRef }> {
    const ready = this.waiting.map((item) => ({ item, ref: {} }));
    this.waiting = [];
    this.named = undefined;
    this.block = undefined;
    return ready;
  }
}
