/** `explain --format json`: one JSON array, one entry per recognised message, written in pieces. */
import { messageJson } from '../../doctor/explain/json';
import { ExplainedMessage } from '../../doctor/explain/report';
import { CliIO } from '../io';

/** Output is handed on in pieces of about this size. */
const JSON_CHUNK = 1 << 20;

/**
 * Prints the same text as `JSON.stringify(messages.map(messageJson), null, 2)`, one element at a time:
 * a large log's array is bigger than the longest string V8 can build.
 */
export function writeMessagesJson(io: CliIO, messages: readonly ExplainedMessage[]): void {
  let chunk = '[';
  messages.forEach((message, index) => {
    chunk += `${index === 0 ? '\n  ' : ',\n  '}${JSON.stringify(messageJson(message), null, 2).replace(/\n/g, '\n  ')}`;
    if (chunk.length >= JSON_CHUNK) {
      io.stdout(chunk);
      chunk = '';
    }
  });
  io.stdout(`${chunk}${messages.length > 0 ? '\n' : ''}]\n`);
}
