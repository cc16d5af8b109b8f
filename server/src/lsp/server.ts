/** The language server. (Interim placeholder until server/src/lsp lands.) */
export function startLanguageServer(): void {
  throw new Error('language server not wired yet');
}
