/** Every rule, in one list. Adding a rule: its file, its tests, its docs, and one line here. */
import type { Rule } from './types';

export const ALL_RULES: readonly Rule[] = [];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.meta.id === id);
}
