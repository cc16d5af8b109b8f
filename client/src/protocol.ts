/**
 * The server's protocol additions (custom requests and notifications). Shared with the
 * server through a project reference: the module is constants and types only, so the
 * client takes no analysis code with it.
 */
export * from '../../server/src/lsp/protocol';
