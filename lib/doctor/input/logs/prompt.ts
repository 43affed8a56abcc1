/**
 * Shell prompts pasted with the output (`$ kubectl -n test get pods`): they say what the next lines are,
 * so they are read as structure, and they end the block the lines before them were in.
 */
import { ParseState } from './state';

const PROMPT = /^\s*(?:[\w@.:~/-]*[$#%>]|PS [^>]*>)\s+(?:kubectl|k|oc|stern|kubetail|helm|flux|jq|curl|cat|grep|tail|less|watch)\b/;

export function readPrompt(state: ParseState, line: string): boolean {
  if (!PROMPT.test(line)) return false;
  state.section = 'none';
  state.structure++;
  return true;
}
