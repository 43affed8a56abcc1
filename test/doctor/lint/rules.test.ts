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

  test('every rule is exercised by a test in this folder', () => {
    const tests = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.ts') && f !== 'rules.test.ts')
      .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8')).join('\n');
    const untested = RULES.filter((rule) => !tests.includes(`'${rule.id}'`)).map((rule) => rule.id);
    expect(untested).toEqual([]);
  });
});
