/**
 * SARIF details code scanning relies on, on the examples repository: rule metadata (help text
 * and markdown from the rule docs, links), ruleIndex, related locations, and fixes that are
 * the JSON fixes in SARIF's 1-based form. Schema validation is in cli.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { CLI, REPO_ROOT } from '../support/paths';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout };
}

interface Region { startLine: number; startColumn: number; endLine: number; endColumn: number }
interface Loc { id?: number; physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Region }; message?: { text: string } }
interface SarifRule { id: string; helpUri: string; help: { text: string; markdown: string }; fullDescription: { text: string }; defaultConfiguration: { level: string } }
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  locations: Loc[];
  relatedLocations?: Loc[];
  fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string }; replacements: { deletedRegion: Region; insertedContent: { text: string } }[] }[] }[];
}
interface Pos { line: number; character: number }
interface JsonFinding { rule: string; related: { file: string; range: { start: Pos } }[]; fixes: { title: string; edits: { file: string; range: { start: Pos; end: Pos }; newText: string }[] }[] }

describe('SARIF output of the examples', () => {
  const sarif = JSON.parse(cli(['check', 'examples', '--dns', 'off', '--format', 'sarif']).stdout) as { runs: { tool: { driver: { rules: SarifRule[] } }; results: SarifResult[] }[] };
  const json = (JSON.parse(cli(['check', 'examples', '--dns', 'off', '--format', 'json']).stdout) as { findings: JsonFinding[] }).findings;
  const run = sarif.runs[0];
  const rules = run.tool.driver.rules;

  test('every rule carries its documentation as help text and markdown, and a link to its section', () => {
    assert.ok(rules.length >= 10);
    for (const r of rules.filter((x) => x.id !== 'internal-error')) {
      assert.ok(r.fullDescription.text.length > 20, r.id);
      assert.match(r.help.text, /Why it matters: .+\n\nHow to fix it: /s, r.id);
      assert.match(r.help.markdown, /### Why it matters/, r.id);
      assert.ok(r.helpUri.endsWith(`#${r.id}`), r.id);
      assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level), r.id);
    }
  });

  test('results point at their rule and carry related locations and fixes as in JSON', () => {
    assert.equal(run.results.length, json.length);
    run.results.forEach((res, i) => {
      const f = json[i];
      assert.equal(rules[res.ruleIndex].id, res.ruleId);
      assert.equal(res.ruleId, f.rule);
      assert.deepEqual(
        (res.relatedLocations ?? []).map((l) => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region.startLine - 1, l.physicalLocation.region.startColumn - 1]),
        f.related.map((r) => [r.file, r.range.start.line, r.range.start.character]),
      );
      // Fixes: same titles, same edits (grouped per file in SARIF, regions 1-based).
      // SARIF text may escape brackets (§3.11.6: `[text](target)` is a link).
      const plain = (t: string) => t.replace(/\\([[\]\\])/g, '$1');
      assert.deepEqual((res.fixes ?? []).map((x) => plain(x.description.text)), f.fixes.map((x) => x.title));
      (res.fixes ?? []).forEach((x, k) => {
        const fromSarif = x.artifactChanges.flatMap((c) => c.replacements.map((r) => [c.artifactLocation.uri, r.deletedRegion.startLine - 1, r.deletedRegion.startColumn - 1, r.deletedRegion.endLine - 1, r.deletedRegion.endColumn - 1, r.insertedContent.text]));
        const fromJson = f.fixes[k].edits.map((e) => [e.file, e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.newText]);
        assert.deepEqual([...fromSarif].sort(), [...fromJson].sort());
      });
    });
    const aaaa = run.results.find((r) => r.ruleId === 'aaaa-not-on-host');
    assert.ok(aaaa?.relatedLocations?.some((l) => l.physicalLocation.artifactLocation.uri === 'examples/dns/acme.example.zone' && /AAAA/.test(l.message!.text)));
    assert.ok(aaaa?.fixes?.some((x) => x.artifactChanges.length >= 2), 'the two-file fix is one SARIF fix with changes in both files');
  });
});
