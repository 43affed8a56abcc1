'use strict';

/**
 * Re-indents the continuation lines of multi-line quoted scalars that sit at or left of their key,
 * which YAML 1.2 forbids and lenient parsers (Kubernetes', PyYAML) accept.
 */
function reindentQuotedScalars(text) {
  const lines = text.split('\n');
  let open = null; // { quote, minIndent } while inside a multi-line quoted scalar
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (open) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() !== '' && indent < open.minIndent) lines[i] = ' '.repeat(open.minIndent) + line.trimStart();
      if (closesQuote(line, open.quote)) open = null;
      continue;
    }
    const match = /^(\s*)(?:- )?[^\s'"#][^:]*:\s+(['"])(.*)$/.exec(line);
    if (match && !closesQuote(match[3], match[2])) open = { quote: match[2], minIndent: match[1].length + 2 };
  }
  return lines.join('\n');
}

function closesQuote(rest, quote) {
  const unescaped = quote === "'" ? rest.replace(/''/g, '') : rest.replace(/\\./g, '');
  return unescaped.includes(quote);
}

/** Parses a CRD file as the API server would, into plain objects; throws on YAML it cannot repair. */
function parseCrdFile(text, file) {
  const YAML = require('yaml');
  return YAML.parseAllDocuments(reindentQuotedScalars(text)).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: not valid YAML: ${document.errors[0].message}`);
    return document.toJS();
  }).filter((crd) => crd && crd.kind === 'CustomResourceDefinition');
}

module.exports = { reindentQuotedScalars, parseCrdFile };
