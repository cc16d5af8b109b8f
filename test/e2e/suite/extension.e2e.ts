/**
 * Runs inside the VS Code extension host: opens files of the fixture workspace and checks what
 * a user sees — the diagnostic, a hover with DNS data, and a quick fix that edits the file and
 * clears the diagnostic.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const RULE = 'postfix-match-list-brackets';

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests run with the fixture workspace open');
  return f.uri;
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Resolves when the diagnostics of `uri` satisfy `test` (now or after a change), never by sleeping. */
function diagnosticsWhere(uri: vscode.Uri, test: (ds: vscode.Diagnostic[]) => boolean, timeoutMs = 30000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const ds = vscode.languages.getDiagnostics(uri);
      if (!test(ds)) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(ds);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`diagnostics of ${uri.fsPath} did not match; have: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => `${codeOf(d)}: ${d.message}`))}`));
    }, timeoutMs);
    check();
  });
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('infra-review in VS Code', () => {
  let mainCf: vscode.Uri;

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'infra-review');
    assert.ok(ext, 'the extension under development is loaded');
    await ext.activate();
    mainCf = vscode.Uri.joinPath(folder(), 'relay', 'main.cf');
  });

  it('contributes the Postfix main.cf language by file name', async () => {
    const doc = await vscode.workspace.openTextDocument(mainCf);
    assert.equal(doc.languageId, 'postfix-main-cf');
  });

  it('reports the unbracketed IPv6 network in mynetworks', async () => {
    const doc = await vscode.workspace.openTextDocument(mainCf);
    await vscode.window.showTextDocument(doc);
    const ds = await diagnosticsWhere(mainCf, (d) => d.some((x) => codeOf(x) === RULE));
    const d = ds.find((x) => codeOf(x) === RULE)!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.source, 'infra-review');
    assert.equal(doc.getText(d.range), '2001:db8:25::/64');
  });

  it('shows DNS data in the hover of a host name, with its source', async () => {
    const doc = await vscode.workspace.openTextDocument(mainCf);
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('myhostname'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', mainCf, new vscode.Position(line, 16));
    const text = hoverText(hovers);
    assert.match(text, /relay\.acme\.example\. 3600 IN A 198\.51\.100\.25/);
    assert.match(text, /zone file dns\/acme\.example\.zone/);
  });

  it('applies the preferred quick fix: the file changes and the diagnostic goes away', async () => {
    const doc = await vscode.workspace.openTextDocument(mainCf);
    const d = vscode.languages.getDiagnostics(mainCf).find((x) => codeOf(x) === RULE);
    assert.ok(d);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', mainCf, d.range, vscode.CodeActionKind.QuickFix.value);
    // The command's conversion may drop `isPreferred` (the LSP tests check it): take the rule's bracket fix.
    const fix = actions.find((a) => a.isPreferred && a.edit) ?? actions.find((a) => a.edit && a.kind?.value === 'quickfix' && /^Write as \[/.test(a.title));
    assert.ok(fix?.edit, `the bracket quick fix; got ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.getText(), /mynetworks = 127\.0\.0\.0\/8 \[2001:db8:25::\]\/64/);
    await diagnosticsWhere(mainCf, (ds) => !ds.some((x) => codeOf(x) === RULE));
    await doc.save();
  });

  it('has the commands registered', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of ['infraReview.refreshDns', 'infraReview.writeDnsSnapshot', 'infraReview.showOutput']) assert.ok(all.includes(c), c);
  });
});
