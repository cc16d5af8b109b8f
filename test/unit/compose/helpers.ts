import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFile } from '../../../server/src/core/files';
import type { SourceFile } from '../../../server/src/core/source';
import type { Location } from '../../../server/src/core/text';
import type { ComposeProject, ComposeService } from '../../../server/src/model/types';

/** Compose and .env files of the given directories (not recursive), as the engine would read them. */
export function readComposeDir(...dirs: string[]): SourceFile[] {
  const out: SourceFile[] = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const kind = classifyFile(path);
      if ((kind === 'compose' || kind === 'env') && statSync(path).isFile()) out.push({ path, kind, text: readFileSync(path, 'utf8') });
    }
  }
  return out;
}

export function file(path: string, text: string): SourceFile {
  const kind = classifyFile(path);
  if (!kind) throw new Error(`not a compose/env path: ${path}`);
  return { path, kind, text };
}

export function service(project: ComposeProject, name: string): ComposeService {
  const s = project.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name} in ${project.name}: ${project.services.map((x) => x.name).join(', ')}`);
  return s;
}

/** The text a location covers, read from the file it names. */
export function textAt(files: readonly SourceFile[] | string, at: Location): string {
  const text = typeof files === 'string' ? files : files.find((f) => f.path === at.file)?.text;
  if (text === undefined) throw new Error(`no file ${at.file}`);
  const lines = text.split('\n');
  if (at.range.start.line === at.range.end.line) return lines[at.range.start.line].slice(at.range.start.character, at.range.end.character);
  const parts = [lines[at.range.start.line].slice(at.range.start.character)];
  for (let l = at.range.start.line + 1; l < at.range.end.line; l++) parts.push(lines[l]);
  parts.push(lines[at.range.end.line].slice(0, at.range.end.character));
  return parts.join('\n');
}

/** 1-based line of a location, as an editor shows it (assertions read better against files). */
export const line1 = (at: Location): number => at.range.start.line + 1;
