import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../../../lib/doctor/lint/engine';

describe('RULES', () => {
  test('every rule has a unique kebab-case id, a title and the run-time symptom it prevents', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.symptom.length).toBeGreaterThan(20);
      expect(['error', 'warning', 'info']).toContain(rule.severity);
    }
  });

  test('every rule is exercised by a test in rules/', () => {
    const folder = path.join(__dirname, 'rules');
    const tests = fs.readdirSync(folder).filter((f) => f.endsWith('.test.ts')).map((f) => fs.readFileSync(path.join(folder, f), 'utf8')).join('\n');
    const untested = RULES.filter((rule) => !tests.includes(`'${rule.id}'`)).map((rule) => rule.id);
    expect(untested).toEqual([]);
  });

  test('every rule lives in lib/doctor/lint/rules in a file named after its id, or after the prefix of its family', () => {
    const folder = path.join(__dirname, '../../../lib/doctor/lint/rules');
    const files = fs.readdirSync(folder).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    for (const file of files) {
      const name = file.replace(/\.ts$/, '');
      const ids = [...fs.readFileSync(path.join(folder, file), 'utf8').matchAll(/\bid: '([a-z-]+)'/g)].map((match) => match[1]);
      expect({ file, ids: ids.filter((id) => id !== name && !id.startsWith(`${name}-`)) }).toEqual({ file, ids: [] });
      expect(ids.length).toBeGreaterThan(0);
    }
  });
});
