/** `explain --format json`: one JSON array, one entry per recognised message, written as the messages come. */
import { messageJson } from '../../doctor/explain/json';
import { ExplainedMessage } from '../../doctor/explain/report';
import { CliIO } from '../io';

/** Output is handed on in pieces of about this size. */
const JSON_CHUNK = 1 << 20;

/**
 * Prints the same text as `JSON.stringify(messages.map(messageJson), null, 2)`, one element at a time as
 * explain recognises them: a large log's array is bigger than the longest string V8 can build, and is
 * never held whole.
 */
export class MessagesJsonWriter {
  private chunk = '[';
  private count = 0;

  constructor(private readonly io: CliIO) {}

  add(message: ExplainedMessage): void {
    this.chunk += `${this.count === 0 ? '\n  ' : ',\n  '}${JSON.stringify(messageJson(message), null, 2).replace(/\n/g, '\n  ')}`;
    this.count++;
    if (this.chunk.length >= JSON_CHUNK) {
      this.io.stdout(this.chunk);
      this.chunk = '';
    }
  }

  end(): void {
    this.io.stdout(`${this.chunk}${this.count > 0 ? '\n' : ''}]\n`);
    this.chunk = '';
  }
}
